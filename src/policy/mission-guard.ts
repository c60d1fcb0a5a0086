/**
 * Mission guard (seed 000 "Ethics guard: MAL-EEM blocks disallowed contexts"): a policy document of
 * allowed peers and contexts, signed with the operator's ML-DSA-65 key (FIPS 204, context
 * "LIGHTVIBES/mission-policy/v1") over its canonical JSON, and checked against a pinned operator
 * public key before it is used. Anything the policy does not allow is refused with a typed reason;
 * the service answers 403 and writes evidence.
 */
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Decode, base64Encode } from '../base64.ts';
import { asciiBytes, bytesToHex } from '../bytes.ts';
import { canonicalBytes } from '../evidence/canonical.ts';
import type { Identity } from '../qkd/auth.ts';
import type { PqcPeerKeys } from './fallback.ts';
import { enumNames } from '../_enum.ts';

export const MISSION_POLICY_CONTEXT = 'LIGHTVIBES/mission-policy/v1';

export interface MissionPeer {
  readonly peer_id: string;
  readonly link_id: string;
  readonly contexts: readonly string[];
  /** Authenticated callers (client certificate SAE ids) allowed to ask for keys with this peer. */
  readonly callers: readonly string[];
  /** The peer's PQC fallback keys (base64), when it has any. */
  readonly pqc?: { readonly ml_kem_768: string; readonly x25519: string };
}

export interface MissionPolicy {
  readonly version: 1;
  readonly policy_id: string;
  readonly kme_id: string;
  readonly not_before_ms: number;
  readonly not_after_ms: number;
  readonly peers: readonly MissionPeer[];
}

export interface SignedMissionPolicy {
  readonly policy: MissionPolicy;
  readonly signature: string;
}

export const GuardReject = {
  BAD_DOCUMENT: 1,
  BAD_SIGNATURE: 2,
  NOT_YET_VALID: 3,
  EXPIRED: 4,
  UNKNOWN_PEER: 5,
  CONTEXT_NOT_ALLOWED: 6,
  CALLER_NOT_ALLOWED: 7,
} as const;
export type GuardReject = (typeof GuardReject)[keyof typeof GuardReject];
export const GUARD_REJECT_NAMES = enumNames(GuardReject);

export function signMissionPolicy(policy: MissionPolicy, operator: Identity, extraEntropy: Uint8Array | false): SignedMissionPolicy {
  const signature = ml_dsa65.sign(canonicalBytes(policy), operator.secretKey, { context: asciiBytes(MISSION_POLICY_CONTEXT), extraEntropy });
  return { policy, signature: base64Encode(signature) };
}

/** The policy's hash id, for evidence (hex, 128 bits). */
export function missionPolicyHash(policy: MissionPolicy): string {
  return bytesToHex(sha256(canonicalBytes(policy))).slice(0, 32);
}

function wellFormed(p: any): p is MissionPolicy {
  const str = (x: unknown) => typeof x === 'string' && x.length > 0 && x.length <= 128;
  const strs = (x: unknown) => Array.isArray(x) && x.every(str);
  return typeof p === 'object' && p !== null && p.version === 1 && str(p.policy_id) && str(p.kme_id)
    && Number.isFinite(p.not_before_ms) && Number.isFinite(p.not_after_ms) && Array.isArray(p.peers)
    && p.peers.every((e: any) => typeof e === 'object' && e !== null && str(e.peer_id) && str(e.link_id) && strs(e.contexts) && strs(e.callers)
      && (e.pqc === undefined || (typeof e.pqc.ml_kem_768 === 'string' && typeof e.pqc.x25519 === 'string')));
}

/** Parses and verifies a signed policy document (JSON text) against the pinned operator key. */
export function loadMissionPolicy(text: string, operatorPublicKey: Uint8Array): { ok: true; policy: MissionPolicy } | { ok: false; reason: GuardReject } {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: GuardReject.BAD_DOCUMENT };
  }
  if (typeof doc !== 'object' || doc === null || !wellFormed(doc.policy) || typeof doc.signature !== 'string') return { ok: false, reason: GuardReject.BAD_DOCUMENT };
  const sig = base64Decode(doc.signature);
  let valid = false;
  try {
    valid = !!sig && ml_dsa65.verify(sig, canonicalBytes(doc.policy), operatorPublicKey, { context: asciiBytes(MISSION_POLICY_CONTEXT) });
  } catch {
    valid = false;
  }
  return valid ? { ok: true, policy: doc.policy } : { ok: false, reason: GuardReject.BAD_SIGNATURE };
}

export type GuardDecision = { readonly allowed: true; readonly peer: MissionPeer } | { readonly allowed: false; readonly reason: GuardReject };

export function checkMission(policy: MissionPolicy, caller: string, peerId: string, context: string, wallMs: number): GuardDecision {
  if (wallMs < policy.not_before_ms) return { allowed: false, reason: GuardReject.NOT_YET_VALID };
  if (wallMs > policy.not_after_ms) return { allowed: false, reason: GuardReject.EXPIRED };
  const peer = policy.peers.find((p) => p.peer_id === peerId);
  if (!peer) return { allowed: false, reason: GuardReject.UNKNOWN_PEER };
  if (!peer.callers.includes(caller)) return { allowed: false, reason: GuardReject.CALLER_NOT_ALLOWED };
  if (!peer.contexts.includes(context)) return { allowed: false, reason: GuardReject.CONTEXT_NOT_ALLOWED };
  return { allowed: true, peer };
}

export function peerPqcKeys(peer: MissionPeer): PqcPeerKeys | undefined {
  if (!peer.pqc) return undefined;
  const mlKem768 = base64Decode(peer.pqc.ml_kem_768);
  const x25519 = base64Decode(peer.pqc.x25519);
  if (!mlKem768 || mlKem768.length !== 1184 || !x25519 || x25519.length !== 32) return undefined;
  return { mlKem768, x25519 };
}


/**
 * Mission policies for dev mode and tests: two SAEs on one simulated link that may ask for keys
 * with each other, each with PQC fallback keys, signed by an operator identity.
 */
import type { Entropy } from '../hal/entropy.ts';
import { base64Encode } from '../src/base64.ts';
import { generatePqcPeer, type PqcPeerKeys, type PqcPeerSecrets } from '../src/policy/fallback.ts';
import { signMissionPolicy, type MissionPolicy, type SignedMissionPolicy } from '../src/policy/mission-guard.ts';
import { generateIdentity, type Identity } from '../src/qkd/auth.ts';

export interface DevMission {
  readonly operator: Identity;
  readonly policy: MissionPolicy;
  readonly signed: SignedMissionPolicy;
  /** The SAEs' PQC secrets, which a real SAE keeps in its own HSM (tests decapsulate with them). */
  readonly pqc: Record<string, { publicKeys: PqcPeerKeys; secrets: PqcPeerSecrets }>;
}

export function devMission(entropy: Entropy, opts: { linkId: string; kmeId?: string; saes?: readonly string[]; wallMs: number; validDays?: number }): DevMission {
  const operator = generateIdentity(entropy);
  const saes = opts.saes ?? ['sae-a', 'sae-b'];
  const pqc: DevMission['pqc'] = {};
  for (const s of saes) pqc[s] = generatePqcPeer(entropy);
  const policy: MissionPolicy = {
    version: 1,
    policy_id: `dev-${opts.linkId}`,
    kme_id: opts.kmeId ?? 'kme-lightvibes-dev',
    not_before_ms: opts.wallMs - 3_600_000,
    not_after_ms: opts.wallMs + (opts.validDays ?? 365) * 86_400_000,
    peers: saes.map((s) => ({
      peer_id: s, link_id: opts.linkId, contexts: ['default', 'etsi014', 'wireguard', 'rotation'], callers: saes.filter((o) => o !== s),
      pqc: { ml_kem_768: base64Encode(pqc[s]!.publicKeys.mlKem768), x25519: base64Encode(pqc[s]!.publicKeys.x25519) },
    })),
  };
  return { operator, policy, signed: signMissionPolicy(policy, operator, entropy.randomBytes(32)), pqc };
}

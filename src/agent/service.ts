/**
 * The key service: the one place where the key store, the evidence log, the link policy and the
 * mission guard meet (DESIGN §2 steps 7, 9, 11). Every operation that changes state runs in ONE
 * Storage transaction together with its evidence, so after any crash either both exist or neither
 * does; in-memory indexes follow only committed transactions. Pure TypeScript over the ports:
 * the HTTP adapter (hal/node) and the XS host drive the same code.
 */
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import type { Clock } from '../../hal/clock.ts';
import type { SymmetricCrypto } from '../../hal/crypto.ts';
import type { Entropy } from '../../hal/entropy.ts';
import type { Sealer } from '../../hal/sealer.ts';
import type { Storage, StorageTransaction } from '../../hal/storage.ts';
import { base64Decode, base64Encode } from '../base64.ts';
import { asciiBytes, bytesToHex, zeroise } from '../bytes.ts';
import { asciiString, canonicalBytes } from '../evidence/canonical.ts';
import { EvidenceLog, type CheckpointSigner } from '../evidence/log.ts';
import { EvidenceKind, type EvidenceFields } from '../evidence/record.ts';
import { etsiName, KEY_REF_REJECT_NAMES, KeyRefReject, KeyStore, refName, type KeyMeta, type KeyMode } from '../keystore/keystore.ts';
import { keyRefId, newKeyId, newKeyRef, newSessionId } from '../keystore/keyref.ts';
import type { ChannelReading, KeySupply } from '../keystore/key-supply.ts';
import { PQC_FALLBACK_KEM, pqcFallbackEncapsulate } from '../policy/fallback.ts';
import {
  acceptsBlocks, DEFAULT_LINK_POLICY, INITIAL_LINK_STATE, LINK_STATUS_NAMES, LinkStatus, observeQber, servesQmk,
  TRANSITION_REASON_NAMES, type LinkPolicyConfig, type LinkPolicyState,
} from '../policy/link-state.ts';
import { checkMission, GUARD_REJECT_NAMES, GuardReject, missionPolicyHash, peerPqcKeys, type MissionPeer, type MissionPolicy } from '../policy/mission-guard.ts';
import { allowsKey, QBER_STATE_NAMES } from '../policy/qber.ts';
import { destroyKeyBlock, type KeyBlock } from '../qkd/keyblock.ts';
import type { Identity } from '../qkd/auth.ts';
import { ApiReject, refuse, type Refusal } from './reject.ts';

export const META_TABLE = 'meta';
export const POLICY_TABLE = 'policy';
const MAX_BLOCKS_PER_TICK = 16;
const IDENTITY_AAD = asciiBytes('LIGHTVIBES/evidence/identity/v1');

export interface EtsiLimits {
  readonly defaultKeySize: number;
  readonly minKeySize: number;
  readonly maxKeySize: number;
  readonly maxKeyPerRequest: number;
  readonly maxKeyCount: number;
  readonly maxSaeIdCount: number;
}

export interface ServiceConfig {
  readonly operator: string;
  /** Seed 001 / LIGHTVIBES_DEFAULT_TTL_S. */
  readonly defaultTtlS: number;
  readonly maxTtlS: number;
  readonly minKeyBits: number;
  readonly maxKeyBits: number;
  readonly linkPolicy: LinkPolicyConfig;
  readonly etsi: EtsiLimits;
  readonly checkpointEvery: number;
  readonly qberHistory: number;
  /** Deterministic signatures (golden vectors only). */
  readonly deterministic?: boolean;
}

export const DEFAULT_SERVICE_CONFIG: ServiceConfig = {
  operator: 'lightvibes-agent',
  defaultTtlS: 120,
  maxTtlS: 86_400,
  minKeyBits: 128,
  maxKeyBits: 8192,
  linkPolicy: DEFAULT_LINK_POLICY,
  etsi: { defaultKeySize: 256, minKeySize: 64, maxKeySize: 8192, maxKeyPerRequest: 128, maxKeyCount: 100_000, maxSaeIdCount: 2 },
  checkpointEvery: 1024,
  qberHistory: 720,
};

export interface ServicePorts {
  readonly storage: Storage;
  readonly sealer: Sealer;
  readonly clock: Clock;
  readonly entropy: Entropy;
  readonly supplies: readonly KeySupply[];
  readonly mission: MissionPolicy;
  /**
   * Optional: a signer for detached checkpoints (`checkpointDetached`), made once from the evidence
   * identity's secret key — on the desktop a worker thread, so the ~11 ms ML-DSA-65 signature never
   * runs on the event loop between requests.
   */
  readonly checkpointSigner?: (secretKey: Uint8Array) => CheckpointSigner;
  /**
   * Optional: the SymmetricCrypto backend whose SHA-256 chains the evidence records (one hash per
   * request). Every backend gives noble's bytes; the default is noble itself.
   */
  readonly crypto?: SymmetricCrypto;
}

export interface LinkView {
  readonly linkId: string;
  readonly protocol: string;
  readonly policy: LinkPolicyState;
  readonly reading: ChannelReading;
  readonly qberHistory: ReadonlyArray<readonly [number, number]>;
  readonly counters: LinkCounters;
}

export interface LinkCounters {
  blocksAccepted: number;
  bitsAccepted: number;
  blocksRefused: number;
  thresholdWarning: number;
  thresholdCritical: number;
  halted: number;
  quarantines: number;
}

export interface ServiceCounters {
  sessions: number;
  pqcFallbacks: number;
  handoffs: number;
  handoffFailures: number;
  handoffLatencySumS: number;
  consumed: number;
  expired: number;
  guardDenied: number;
  refused: Record<string, number>;
}

interface LinkEntry {
  readonly supply: KeySupply;
  policy: LinkPolicyState;
  reading: ChannelReading;
  readonly history: Array<readonly [number, number]>;
  readonly counters: LinkCounters;
}

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Result<T> = Ok<T> | Refusal;
const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

export interface SessionRequest {
  readonly caller: string;
  readonly peerId: string;
  readonly context: string;
  readonly minKeyBits: number;
  readonly ttlS: number;
  readonly fallback: 'PQC' | 'NONE';
}

export interface SessionGrant {
  readonly sessionId: string;
  readonly keyRef: string;
  readonly mode: KeyMode;
  readonly qber: number;
  readonly rateBps: number;
  readonly fallbackReason?: string;
  readonly pqc?: { readonly kem: string; readonly mlKemCiphertext: string; readonly x25519Ephemeral: string };
}

export interface KeyDelivery {
  readonly keyRef: string;
  /** Sealer output (base64), bound to the key ref as associated data. */
  readonly keySealed?: string;
  /** WireGuard pre-shared key (base64 of 32 bytes), only when asked for. */
  readonly wireguardPsk?: string;
  readonly ttlS: number;
  readonly mode: KeyMode;
  readonly bits: number;
}

export interface EtsiKey {
  readonly key_ID: string;
  readonly key: string;
}

export class KeyService {
  readonly keystore: KeyStore;
  readonly evidence: EvidenceLog;
  readonly runId: string;
  readonly policyId: string;
  readonly evidencePublicKey: Uint8Array;
  readonly counters: ServiceCounters = {
    sessions: 0, pqcFallbacks: 0, handoffs: 0, handoffFailures: 0, handoffLatencySumS: 0, consumed: 0, expired: 0, guardDenied: 0, refused: {},
  };
  private readonly links = new Map<string, LinkEntry>();
  private readonly startedMs: number;
  private policySeq = 0;
  private readonly signer: CheckpointSigner | undefined;

  constructor(private readonly ports: ServicePorts, readonly config: ServiceConfig = DEFAULT_SERVICE_CONFIG) {
    const { storage, sealer, entropy, clock } = ports;
    this.startedMs = clock.monotonicMs();
    this.runId = bytesToHex(entropy.randomBytes(8));
    this.policyId = missionPolicyHash(ports.mission);
    const identity = this.loadIdentity();
    this.evidencePublicKey = identity.publicKey;
    this.signer = ports.checkpointSigner?.(identity.secretKey);
    this.keystore = new KeyStore(storage, sealer, entropy);
    this.evidence = new EvidenceLog(storage, {
      identity, entropy, wallMs: () => clock.wallMs(), runId: this.runId, operator: config.operator,
      checkpointEvery: config.checkpointEvery, deterministic: config.deterministic, sha256: ports.crypto && ((d) => ports.crypto!.sha256(d)),
    });
    const restored = new Map<string, LinkStatus>();
    for (const { value } of storage.list(POLICY_TABLE)) {
      const r = JSON.parse(asciiString(value));
      restored.set(r.link_id, r.status);
      this.policySeq++;
    }
    for (const supply of ports.supplies) {
      const status = restored.get(supply.linkId) ?? LinkStatus.UP;
      const now = clock.monotonicMs();
      this.links.set(supply.linkId, {
        supply, reading: supply.reading(), history: [],
        policy: { ...INITIAL_LINK_STATE, status, since: status === LinkStatus.UP ? -1 : now },
        counters: { blocksAccepted: 0, bitsAccepted: 0, blocksRefused: 0, thresholdWarning: 0, thresholdCritical: 0, halted: 0, quarantines: 0 },
      });
    }
  }

  /** The evidence signer: an ML-DSA-65 key whose seed is kept sealed in the store. */
  private loadIdentity(): Identity {
    const { storage, sealer, entropy } = this.ports;
    let sealed = storage.get(META_TABLE, 'evidence-identity');
    if (!sealed) {
      const seed = entropy.randomBytes(32);
      const fresh = sealer.seal(seed, IDENTITY_AAD);
      zeroise(seed);
      storage.transaction((tx) => {
        if (!tx.get(META_TABLE, 'evidence-identity')) tx.append(META_TABLE, 'evidence-identity', fresh);
      });
      sealed = storage.get(META_TABLE, 'evidence-identity')!;
    }
    const seed = sealer.unseal(sealed, IDENTITY_AAD);
    const keys = ml_dsa65.keygen(seed);
    zeroise(seed);
    return keys;
  }

  private commit<T>(work: (tx: StorageTransaction) => T): T {
    let committed = false;
    try {
      const result = this.ports.storage.transaction(work);
      committed = true;
      return result;
    } finally {
      this.keystore.settle(committed);
      this.evidence.settle(committed);
    }
  }

  /** Evidence on its own (refusals). */
  private record(kind: EvidenceKind, fields: EvidenceFields): void {
    this.commit((tx) => this.evidence.append(tx, kind, fields));
  }

  private countRefusal(reason: string): void {
    this.counters.refused[reason] = (this.counters.refused[reason] ?? 0) + 1;
  }

  get mission(): MissionPolicy {
    return this.ports.mission;
  }

  linkIds(): string[] {
    return [...this.links.keys()];
  }

  link(linkId: string): LinkView | undefined {
    const e = this.links.get(linkId);
    if (!e) return undefined;
    return { linkId, protocol: e.supply.protocol, policy: e.policy, reading: e.reading, qberHistory: e.history, counters: e.counters };
  }

  uptimeS(): number {
    return (this.ports.clock.monotonicMs() - this.startedMs) / 1000;
  }

  /**
   * One turn of the loop: read every link, apply the policy (transitions → evidence, quarantine
   * purges the pool), take the blocks ready, retire expired keys. Call it often (dev mode: 4 Hz).
   */
  tick(): void {
    const { clock } = this.ports;
    for (const [linkId, e] of this.links) {
      e.reading = e.supply.reading();
      const now = clock.monotonicMs();
      const wall = clock.wallMs();
      e.history.push([wall, e.reading.qber]);
      if (e.history.length > this.config.qberHistory) e.history.splice(0, e.history.length - this.config.qberHistory);
      const before = e.policy;
      const { state, transition } = observeQber(e.policy, e.reading.qber, now, this.config.linkPolicy);
      if (state.qberState !== before.qberState) {
        if (state.qberState === 2) e.counters.thresholdWarning++;
        if (state.qberState >= 3) e.counters.thresholdCritical++;
      }
      if (transition) {
        this.commit((tx) => {
          tx.append(POLICY_TABLE, `${String(this.policySeq).padStart(12, '0')}`, canonicalBytes({
            link_id: linkId, status: transition.to, reason: transition.reason, qber: transition.qber, wall_ms: wall,
          }));
          const common = { link_id: linkId, qber: transition.qber, reason: TRANSITION_REASON_NAMES[transition.reason], code: transition.reason };
          this.evidence.append(tx, EvidenceKind.MODE_CHANGE, {
            ...common, from: LINK_STATUS_NAMES[transition.from], to: LINK_STATUS_NAMES[transition.to],
            mode: transition.to === LinkStatus.DEGRADED ? 'PQC' : 'QMK', policy_id: this.policyId,
          });
          if (transition.to === LinkStatus.DEGRADED) {
            const purged = this.keystore.purgePool(tx, linkId);
            this.evidence.append(tx, EvidenceKind.QUARANTINE, { ...common, bits: purged * 8 });
          }
          if (transition.from === LinkStatus.DEGRADED && transition.to === LinkStatus.UP) this.evidence.append(tx, EvidenceKind.RECOVERY, common);
        });
        this.policySeq++;
        if (transition.to === LinkStatus.SUSPENDED || transition.to === LinkStatus.DEGRADED) e.counters.halted++;
        if (transition.to === LinkStatus.DEGRADED) e.counters.quarantines++;
      }
      e.policy = state;
      // bounded per tick, one commit for all: a fast supply must not starve requests
      const blocks: KeyBlock[] = [];
      for (let block = e.supply.take(); block; block = blocks.length < MAX_BLOCKS_PER_TICK ? e.supply.take() : undefined) blocks.push(block);
      if (!blocks.length) continue;
      const accept = acceptsBlocks(e.policy);
      this.commit((tx) => {
        for (const block of blocks) {
          const stats = block.stats;
          const fields: EvidenceFields = {
            link_id: linkId, block_id: block.id, bits: block.keyBits, qber: block.qber, test_qber: block.testQber,
            pulses: stats.pulses, detections: stats.detections, sifted_bits: stats.keyBasis.reduce((a, b) => a + b, 0),
            errors_corrected: stats.errorsCorrected, leaked_bits: block.leakedBits, pa_seed_hash: block.paSeedHash,
            policy_id: this.policyId,
          };
          if (accept && allowsKey(block.policyState)) {
            this.keystore.ingest(tx, block, linkId, wall);
            this.evidence.append(tx, EvidenceKind.BLOCK_INGESTED, fields);
          } else {
            destroyKeyBlock(block);
            this.evidence.append(tx, EvidenceKind.BLOCK_REFUSED, { ...fields, reason: `${LINK_STATUS_NAMES[e.policy.status]}/${QBER_STATE_NAMES[block.policyState]}` });
          }
        }
      });
      for (const block of blocks) {
        if (accept && allowsKey(block.policyState)) {
          e.counters.blocksAccepted++;
          e.counters.bitsAccepted += block.keyBits;
        } else e.counters.blocksRefused++;
      }
    }
    this.expire();
  }

  /** Retires keys whose TTL has run out: record deleted (sealed bytes gone), tombstone, evidence. */
  expire(): number {
    const now = this.ports.clock.wallMs();
    let n = 0;
    for (let due = this.keystore.due(now); due.length; due = this.keystore.due(now)) {
      this.commit((tx) => {
        for (const m of due) {
          this.keystore.retire(tx, m, KeyRefReject.EXPIRED, now);
          this.evidence.append(tx, EvidenceKind.KEY_EXPIRED, { key_id: m.keyId, link_id: m.linkId, session_id: m.sessionId, mode: m.mode });
        }
      });
      n += due.length;
    }
    this.counters.expired += n;
    return n;
  }

  /**
   * Prunes consumed/expired-key tombstones older than the longest TTL + `skewS` (wall-clock skew
   * allowance, default 300 s), all in one transaction; returns how many went (keystore.ts prune).
   * Run on a slow timer by the host (sim/serve.ts), not in tick(): tombstones are cheap, and a
   * pruned name answers 404 UNKNOWN instead of 404 CONSUMED/EXPIRED.
   */
  pruneTombstones(skewS = 300): number {
    const cutoff = this.ports.clock.wallMs() - (this.config.maxTtlS + skewS) * 1000;
    return this.commit((tx) => this.keystore.prune(tx, cutoff));
  }

  /** Signs a checkpoint now (shutdown, timer). */
  checkpoint(): void {
    this.commit((tx) => this.evidence.checkpoint(tx));
  }

  /**
   * A checkpoint over the committed head, signed by the `checkpointSigner` port off this thread and
   * appended when the signature is back (records committed meanwhile follow the head it covers).
   * Without that port it signs here, as `checkpoint`. Resolves false when nothing needed one.
   */
  async checkpointDetached(): Promise<boolean> {
    if (!this.signer) {
      if (this.evidence.uncheckpointed === 0) return false;
      this.checkpoint();
      return true;
    }
    const target = this.evidence.checkpointTarget();
    if (!target) return false;
    const signature = await this.signer.sign(target.message);
    // a checkpoint signed here meanwhile (shutdown) may cover more already
    if (target.uptoSeq <= this.evidence.checkpointedUpTo) return false;
    this.commit((tx) => this.evidence.appendCheckpoint(tx, target, signature));
    return true;
  }

  /** Stops the checkpoint signer (shutdown). */
  close(): void {
    this.signer?.close();
  }

  private guard(caller: string, peerId: string, context: string, route: string): Result<MissionPeer> {
    const d = checkMission(this.ports.mission, caller, peerId, context, this.ports.clock.wallMs());
    if (d.allowed) return ok(d.peer);
    this.counters.guardDenied++;
    this.record(EvidenceKind.GUARD_DENIED, {
      caller, peer_id: peerId, context, reason: GUARD_REJECT_NAMES[d.reason], code: d.reason, policy_id: this.policyId,
    });
    return refuse(d.reason === GuardReject.UNKNOWN_PEER && route === 'etsi' ? ApiReject.UNKNOWN_SAE : ApiReject.GUARD_DENIED,
      d.reason === GuardReject.UNKNOWN_PEER ? `${route === 'etsi' ? 'SAE' : 'peer'} ${JSON.stringify(peerId)} is not known to this KME`
        : 'the mission policy does not allow this request',
      [{ reason: GUARD_REJECT_NAMES[d.reason], code: d.reason }]);
  }

  /** POST /lightvibes/session (seed 001). */
  createSession(req: SessionRequest): Result<SessionGrant> {
    const started = this.ports.clock.monotonicMs();
    const peer = this.guard(req.caller, req.peerId, req.context, 'lightvibes');
    if (!peer.ok) return peer;
    const e = this.links.get(peer.value.link_id);
    if (!e) return refuse(ApiReject.UNKNOWN_LINK, `link ${JSON.stringify(peer.value.link_id)} is not served here`);
    const { entropy, clock } = this.ports;
    const bytes = req.minKeyBits / 8;
    const sessionId = newSessionId(entropy);
    const keyRef = newKeyRef(entropy);
    const wall = clock.wallMs();
    const qmkOk = servesQmk(e.policy) && this.keystore.poolBytes(peer.value.link_id) >= bytes;
    let fallbackReason: string | undefined;
    if (!qmkOk) {
      fallbackReason = servesQmk(e.policy) ? 'POOL_EXHAUSTED' : 'LINK_DEGRADED';
      if (req.fallback !== 'PQC') {
        this.counters.handoffFailures++;
        this.record(EvidenceKind.REQUEST_REFUSED, {
          caller: req.caller, peer_id: req.peerId, link_id: e.supply.linkId, reason: fallbackReason, fallback: req.fallback,
          code: ApiReject.QMK_UNAVAILABLE,
        });
        return refuse(ApiReject.QMK_UNAVAILABLE, 'no quantum key is available on this link and the session did not ask for the PQC fallback',
          [{ reason: fallbackReason, link_id: e.supply.linkId }]);
      }
      if (!peerPqcKeys(peer.value)) return refuse(ApiReject.QMK_UNAVAILABLE, 'no quantum key is available and the peer has no PQC keys in the mission policy', [{ reason: fallbackReason }]);
    }
    const grant = this.commit((tx): SessionGrant => {
      let key: Uint8Array;
      let mode: KeyMode;
      let pqc: SessionGrant['pqc'];
      let qber = e.reading.qber;
      const carved = qmkOk ? this.keystore.carve(tx, e.supply.linkId, bytes, wall) : undefined;
      if (carved) {
        key = carved.key;
        qber = carved.qber;
        mode = 'QMK';
      } else {
        const fb = pqcFallbackEncapsulate(peerPqcKeys(peer.value)!, entropy, req.minKeyBits, sessionId, req.peerId);
        key = fb.key;
        mode = 'PQC';
        pqc = { kem: PQC_FALLBACK_KEM, mlKemCiphertext: base64Encode(fb.mlKemCiphertext), x25519Ephemeral: base64Encode(fb.x25519Ephemeral) };
      }
      const refId = keyRefId(keyRef);
      const meta: KeyMeta = {
        name: refName(refId), keyId: newKeyId(entropy), mode, linkId: e.supply.linkId, bits: req.minKeyBits, createdMs: wall,
        expiresMs: wall + req.ttlS * 1000, owner: req.caller, readers: [req.caller], peerId: req.peerId, sessionId, qber,
      };
      try {
        this.keystore.put(tx, meta, key);
      } finally {
        zeroise(key);
      }
      const common = { session_id: sessionId, link_id: e.supply.linkId, peer_id: req.peerId, caller: req.caller, mode };
      this.evidence.append(tx, EvidenceKind.SESSION_INIT, {
        ...common, context: req.context, qber: e.reading.qber, min_keybits: req.minKeyBits, ttl_s: req.ttlS, fallback: req.fallback,
        policy_id: this.policyId,
      });
      if (mode === 'PQC') this.evidence.append(tx, EvidenceKind.PQC_FALLBACK, { ...common, reason: fallbackReason, kem: PQC_FALLBACK_KEM });
      this.evidence.append(tx, EvidenceKind.KEY_HANDOFF, { ...common, key_id: meta.keyId, key_ref_id: refId, bits: meta.bits, ttl_s: req.ttlS, qber });
      return { sessionId, keyRef, mode, qber, rateBps: e.reading.secureKeyRateBps, fallbackReason: mode === 'PQC' ? fallbackReason : undefined, pqc };
    });
    this.counters.sessions++;
    this.counters.handoffs++;
    this.counters.handoffLatencySumS += (clock.monotonicMs() - started) / 1000;
    if (grant.mode === 'PQC') this.counters.pqcFallbacks++;
    return ok(grant);
  }

  /** GET /lightvibes/key/{key_ref} (seed 001): once, by its owner, before its TTL runs out. */
  takeKey(caller: string, keyRef: string, format: 'sealed' | 'wireguard'): Result<KeyDelivery> {
    const refId = keyRefId(keyRef);
    const name = refName(refId);
    const known = this.keystore.meta(name);
    if (format === 'wireguard' && known && known.bits !== 256 && known.readers.includes(caller))
      return refuse(ApiReject.BAD_REQUEST, 'a WireGuard pre-shared key is 256 bits; this key is not', [{ field: 'format', bits: known.bits }]);
    const now = this.ports.clock.wallMs();
    const outcome = this.commit((tx) => {
      const r = this.keystore.take(tx, name, caller, now);
      if (r.ok) {
        this.evidence.append(tx, EvidenceKind.KEY_CONSUMED, {
          key_id: r.meta.keyId, key_ref_id: refId, session_id: r.meta.sessionId, link_id: r.meta.linkId, caller, mode: r.meta.mode,
          bits: r.meta.bits,
        });
      } else {
        if (r.reason === KeyRefReject.EXPIRED && r.meta)
          this.evidence.append(tx, EvidenceKind.KEY_EXPIRED, { key_id: r.meta.keyId, link_id: r.meta.linkId, session_id: r.meta.sessionId, mode: r.meta.mode });
        this.evidence.append(tx, EvidenceKind.REQUEST_REFUSED, {
          key_ref_id: refId, caller, reason: r.reason === KeyRefReject.CONSUMED ? 'REPLAY' : KEY_REF_REJECT_NAMES[r.reason], code: r.reason,
        });
      }
      return r;
    });
    if (!outcome.ok) {
      if (outcome.reason === KeyRefReject.EXPIRED && outcome.meta) this.counters.expired++;
      this.countRefusal(KEY_REF_REJECT_NAMES[outcome.reason]);
      if (outcome.reason === KeyRefReject.NOT_FOR_CALLER)
        return refuse(ApiReject.NOT_FOR_CALLER, 'this key ref was issued to another caller', [{ reason: 'NOT_FOR_CALLER', code: outcome.reason }]);
      return refuse(ApiReject.KEY_UNAVAILABLE, 'key ref unknown, already consumed or expired',
        [{ reason: KEY_REF_REJECT_NAMES[outcome.reason], code: outcome.reason }]);
    }
    this.counters.consumed++;
    const { meta, key } = outcome;
    try {
      const ttlS = Math.max(0, Math.ceil((meta.expiresMs - now) / 1000));
      if (format === 'wireguard') return ok({ keyRef, wireguardPsk: base64Encode(key), ttlS, mode: meta.mode, bits: meta.bits });
      const sealed = this.ports.sealer.seal(key, deliveryAad(keyRef));
      return ok({ keyRef, keySealed: base64Encode(sealed), ttlS, mode: meta.mode, bits: meta.bits });
    } finally {
      zeroise(key);
    }
  }

  /**
   * Rotation for consumers that poll (seed 002 "*_CURRENT / *_PREVIOUS"): `rotate` makes a fresh
   * QKD key the slot's CURRENT, the old CURRENT its PREVIOUS, and retires (deletes, zeroised at
   * rest) the one before. A slot is (owner, peer); both may read it as often as they poll.
   */
  rotate(owner: string, peerId: string, size: number): Result<RotationEntry> {
    const peer = this.guard(owner, peerId, 'rotation', 'lightvibes');
    if (!peer.ok) return peer;
    const linkId = peer.value.link_id;
    const e = this.links.get(linkId);
    if (!e || !servesQmk(e.policy)) return refuse(ApiReject.QMK_UNAVAILABLE, 'the quantum channel is quarantined; no rotation', [{ reason: 'LINK_DEGRADED' }]);
    if (this.keystore.poolBytes(linkId) < size / 8) return refuse(ApiReject.KEY_EXHAUSTED, 'not enough key material to rotate', [{ reason: 'KEY_EXHAUSTED' }]);
    const slot = rotationSlot(owner, peerId);
    const gens = this.rotationGenerations(slot);
    const generation = (gens[gens.length - 1] ?? 0) + 1;
    const wall = this.ports.clock.wallMs();
    return ok(this.commit((tx) => {
      const carved = this.keystore.carve(tx, linkId, size / 8, wall)!;
      const keyId = newKeyId(this.ports.entropy);
      const name = `${slot}#${String(generation).padStart(10, '0')}`;
      try {
        tx.append(ROTATION_TABLE, name, canonicalBytes({
          key_id: keyId, generation, generated_ms: wall, qber: carved.qber, size, link_id: linkId,
          sealed: base64Encode(this.ports.sealer.seal(carved.key, asciiBytes(`LIGHTVIBES/rotation/v1|${name}`))),
        }));
      } finally {
        zeroise(carved.key);
      }
      this.evidence.append(tx, EvidenceKind.KEY_HANDOFF, { caller: owner, peer_id: peerId, link_id: linkId, key_id: keyId, bits: size, mode: 'QMK', context: 'rotation', count: generation });
      for (const old of gens.slice(0, -1)) {
        const oldName = `${slot}#${String(old).padStart(10, '0')}`;
        const rec = JSON.parse(asciiString(tx.get(ROTATION_TABLE, oldName)!));
        tx.delete(ROTATION_TABLE, oldName);
        this.evidence.append(tx, EvidenceKind.KEY_EXPIRED, { key_id: rec.key_id, link_id: linkId, reason: 'ROTATED_OUT', context: 'rotation' });
      }
      return { key_ID: keyId, generation, generated_ms: wall, qber: carved.qber, size };
    }));
  }

  /** CURRENT and PREVIOUS of a slot, with their keys, for the owner or the peer. */
  rotationRead(caller: string, other: string): Result<{ current?: RotationEntry; previous?: RotationEntry }> {
    // the slot is (owner, peer); the caller may be either end
    let slot = rotationSlot(caller, other);
    if (!this.rotationGenerations(slot).length) slot = rotationSlot(other, caller);
    const gens = this.rotationGenerations(slot);
    if (!gens.length) return refuse(ApiReject.KEY_UNAVAILABLE, 'no rotation slot between these SAEs', [{ reason: 'UNKNOWN', code: KeyRefReject.UNKNOWN }]);
    const read = (g: number | undefined): RotationEntry | undefined => {
      if (g === undefined) return undefined;
      const name = `${slot}#${String(g).padStart(10, '0')}`;
      const rec = JSON.parse(asciiString(this.ports.storage.get(ROTATION_TABLE, name)!));
      const key = this.ports.sealer.unseal(base64Decode(rec.sealed)!, asciiBytes(`LIGHTVIBES/rotation/v1|${name}`));
      try {
        return { key_ID: rec.key_id, generation: rec.generation, generated_ms: rec.generated_ms, qber: rec.qber, size: rec.size, key: base64Encode(key) };
      } finally {
        zeroise(key);
      }
    };
    return ok({ current: read(gens[gens.length - 1]), previous: read(gens[gens.length - 2]) });
  }

  private rotationGenerations(slot: string): number[] {
    return this.ports.storage.list(ROTATION_TABLE).filter((r) => r.key.startsWith(`${slot}#`)).map((r) => Number(r.key.slice(slot.length + 1))).sort((a, b) => a - b);
  }

  /** ETSI GS QKD 014 §5.1 Get status: the master (caller) asks about a slave SAE. */
  etsiStatus(master: string, slave: string): Result<Record<string, unknown>> {
    const peer = this.guard(master, slave, 'etsi014', 'etsi');
    if (!peer.ok) return peer;
    const lim = this.config.etsi;
    const poolBits = this.keystore.poolBytes(peer.value.link_id) * 8;
    return ok({
      source_KME_ID: this.ports.mission.kme_id,
      target_KME_ID: `kme-${peer.value.link_id}`,
      master_SAE_ID: master,
      slave_SAE_ID: slave,
      key_size: lim.defaultKeySize,
      stored_key_count: Math.floor(poolBits / lim.defaultKeySize),
      max_key_count: lim.maxKeyCount,
      max_key_per_request: lim.maxKeyPerRequest,
      max_key_size: lim.maxKeySize,
      min_key_size: lim.minKeySize,
      max_SAE_ID_count: lim.maxSaeIdCount,
    });
  }

  /** ETSI GS QKD 014 §5.2 Get key: `number` keys of `size` bits for the slave and any additional slaves. */
  etsiEncKeys(master: string, slave: string, number: number, size: number, additional: readonly string[]): Result<EtsiKey[]> {
    const started = this.ports.clock.monotonicMs();
    const slaves = [slave, ...additional];
    let linkId: string | undefined;
    for (const s of slaves) {
      const peer = this.guard(master, s, 'etsi014', 'etsi');
      if (!peer.ok) return peer;
      if (linkId !== undefined && peer.value.link_id !== linkId)
        return refuse(ApiReject.BAD_REQUEST, 'additional slave SAEs must be reached over the same link', [{ field: 'additional_slave_SAE_IDs', sae: s }]);
      linkId = peer.value.link_id;
    }
    const e = this.links.get(linkId!);
    if (!e) return refuse(ApiReject.UNKNOWN_LINK, 'the link to this SAE is not served here');
    if (!servesQmk(e.policy)) {
      this.counters.handoffFailures++;
      this.record(EvidenceKind.REQUEST_REFUSED, { caller: master, peer_id: slave, link_id: linkId, reason: 'LINK_DEGRADED', code: ApiReject.QMK_UNAVAILABLE });
      return refuse(ApiReject.QMK_UNAVAILABLE, 'the quantum channel is quarantined; no QKD keys are delivered', [{ reason: 'LINK_DEGRADED', link_id: linkId! }]);
    }
    if (this.keystore.poolBytes(linkId!) < (number * size) / 8) {
      this.counters.handoffFailures++;
      return refuse(ApiReject.KEY_EXHAUSTED, 'not enough key material for this request', [{ reason: 'KEY_EXHAUSTED', requested_bits: number * size }]);
    }
    const wall = this.ports.clock.wallMs();
    const keys = this.commit((tx) => {
      const out: EtsiKey[] = [];
      for (let i = 0; i < number; i++) {
        const carved = this.keystore.carve(tx, linkId!, size / 8, wall)!;
        const keyId = newKeyId(this.ports.entropy);
        const meta: KeyMeta = {
          name: etsiName(keyId), keyId, mode: 'QMK', linkId: linkId!, bits: size, createdMs: wall,
          expiresMs: wall + this.config.defaultTtlS * 1000, owner: master, readers: slaves, peerId: slave, qber: carved.qber,
        };
        try {
          this.keystore.put(tx, meta, carved.key);
          out.push({ key_ID: keyId, key: base64Encode(carved.key) });
        } finally {
          zeroise(carved.key);
        }
        this.evidence.append(tx, EvidenceKind.KEY_HANDOFF, {
          caller: master, peer_id: slaves.join(','), link_id: linkId, key_id: keyId, bits: size, mode: 'QMK', qber: carved.qber,
          context: 'etsi014', ttl_s: this.config.defaultTtlS,
        });
      }
      return out;
    });
    this.counters.handoffs += number;
    this.counters.handoffLatencySumS += (this.ports.clock.monotonicMs() - started) / 1000;
    return ok(keys);
  }

  /** ETSI GS QKD 014 §5.3 Get key with key IDs: the slave (caller) fetches what `master` asked for it; all or nothing. */
  etsiDecKeys(slave: string, master: string, keyIds: readonly string[]): Result<EtsiKey[]> {
    const known = this.ports.mission.peers.some((p) => p.peer_id === master);
    if (!known) return refuse(ApiReject.UNKNOWN_SAE, `SAE ${JSON.stringify(master)} is not known to this KME`, [{ reason: 'UNKNOWN_PEER', code: GuardReject.UNKNOWN_PEER }]);
    const now = this.ports.clock.wallMs();
    const failures: Array<Record<string, string | number>> = [];
    const keys: EtsiKey[] = [];
    try {
      this.commit((tx) => {
        for (const keyId of keyIds) {
          const name = etsiName(keyId);
          const peek = this.keystore.meta(name);
          if (peek && peek.owner !== master) {
            failures.push({ key_ID: keyId, reason: 'NOT_FOR_CALLER', code: KeyRefReject.NOT_FOR_CALLER });
            continue;
          }
          const r = this.keystore.take(tx, name, slave, now);
          if (!r.ok) {
            failures.push({ key_ID: keyId, reason: KEY_REF_REJECT_NAMES[r.reason], code: r.reason });
            continue;
          }
          keys.push({ key_ID: keyId, key: base64Encode(r.key) });
          zeroise(r.key);
          this.evidence.append(tx, EvidenceKind.KEY_CONSUMED, { key_id: keyId, caller: slave, peer_id: master, link_id: r.meta.linkId, mode: 'QMK', bits: r.meta.bits, context: 'etsi014' });
        }
        if (failures.length) throw new AbortTransaction();
      });
    } catch (err) {
      if (!(err instanceof AbortTransaction)) throw err;
      keys.length = 0;
      this.record(EvidenceKind.REQUEST_REFUSED, {
        caller: slave, peer_id: master, context: 'etsi014', reason: failures.map((f) => `${f.key_ID}:${f.reason}`).join(' '), count: failures.length,
      });
      const notMine = failures.some((f) => f.reason === 'NOT_FOR_CALLER');
      return refuse(notMine ? ApiReject.NOT_AUTHENTICATED : ApiReject.BAD_REQUEST,
        notMine ? 'one or more keys were not issued for this SAE; nothing was delivered' : 'one or more key IDs are unknown, consumed or expired; nothing was delivered', failures);
    }
    this.counters.consumed += keys.length;
    return ok(keys);
  }
}

class AbortTransaction extends Error {}

export const ROTATION_TABLE = 'rotation';

export interface RotationEntry {
  readonly key_ID: string;
  readonly generation: number;
  readonly generated_ms: number;
  readonly qber: number;
  readonly size: number;
  /** Base64; present only when read by a consumer of the slot. */
  readonly key?: string;
}

function rotationSlot(owner: string, peer: string): string {
  return `${owner}>${peer}`;
}

/** The associated data a seed-001 delivery is sealed under: the HSM/TEE unseals with the same. */
export function deliveryAad(keyRef: string): Uint8Array {
  return asciiBytes(`LIGHTVIBES/key/v1|${keyRef}`);
}

/**
 * Golden-vector suites and inputs of the keystore area (see test/vectors/suites.ts for the
 * conventions): key-ref ids, evidence record encoding and hash chain, a signed checkpoint, and the
 * API's responses for fixed inputs over simulated ports — the same bytes on Node and in lvxs.
 * Keys never appear in outputs: delivered key fields are replaced by their SHA-256.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { SimClock } from '../../../hal/sim/clock.ts';
import { SimEntropy } from '../../../hal/sim/entropy.ts';
import { SimSealer } from '../../../hal/sim/sealer.ts';
import { MemoryStorage } from '../../../hal/sim/storage.ts';
import { handleRequest } from '../../../src/agent/api.ts';
import { DEFAULT_SERVICE_CONFIG, KeyService } from '../../../src/agent/service.ts';
import { base64Decode, base64Encode } from '../../../src/base64.ts';
import { asciiBytes, bytesToHex, hexToBytes } from '../../../src/bytes.ts';
import { asciiString } from '../../../src/evidence/canonical.ts';
import { signCheckpoint } from '../../../src/evidence/log.ts';
import { encodeEvidenceRecord, GENESIS_PREV, makeEvidenceRecord } from '../../../src/evidence/record.ts';
import { EVIDENCE_REJECT_NAMES, verifyEvidence } from '../../../src/evidence/verify.ts';
import { keyRefId } from '../../../src/keystore/keyref.ts';
import { generatePqcPeer } from '../../../src/policy/fallback.ts';
import type { MissionPolicy } from '../../../src/policy/mission-guard.ts';
import { SimKeySupply } from '../../../sim/key-supply.ts';
import type { VectorSuites, VectorInputs } from '../types.ts';

function hideKeys(value: any): any {
  if (Array.isArray(value)) return value.map(hideKeys);
  if (value && typeof value === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(value))
      out[k] = (k === 'key' || k === 'wireguard_psk' || k === 'key_sealed') && typeof v === 'string' ? `sha256:${bytesToHex(sha256(base64Decode(v)!))}` : hideKeys(v);
    return out;
  }
  return value;
}

const publicKeys = new Map<string, Uint8Array>();
function genesisOf(seedHex: string) {
  let pk = publicKeys.get(seedHex);
  if (!pk) publicKeys.set(seedHex, (pk = ml_dsa65.keygen(hexToBytes(seedHex)).publicKey));
  return { kind: 0, wallMs: 0, fields: { signer: bytesToHex(sha256(pk)).slice(0, 32), signer_public_key: base64Encode(pk) } };
}

function chain(specs: any[]): Uint8Array[] {
  let seq = -1;
  let prev = GENESIS_PREV;
  return specs.map((s) => {
    const r = makeEvidenceRecord(seq, prev, s.kind, s.wallMs, s.fields);
    seq = r.seq;
    prev = r.hash;
    return encodeEvidenceRecord(r);
  });
}

export const keystoreSuites: VectorSuites = {
  'keystore-key-ref-id': (input) => keyRefId(input.keyRef),

  'evidence-record': (input) => {
    const r = makeEvidenceRecord(input.prevSeq, input.prevHash, input.kind, input.wallMs, input.fields);
    return { encoded: asciiString(encodeEvidenceRecord(r)), hash: r.hash };
  },

  'evidence-chain': (input) => {
    const records = chain([genesisOf(input.signerSeedHex), ...input.records]);
    if (input.tamper) {
      const r = JSON.parse(asciiString(records[input.tamper.index]!));
      r[input.tamper.field] = input.tamper.value;
      records[input.tamper.index] = asciiBytes(JSON.stringify(r));
    }
    const v = verifyEvidence(records);
    return {
      hashes: records.map((b) => JSON.parse(asciiString(b)).hash),
      ok: v.ok,
      firstBad: v.firstBad ? { index: v.firstBad.index, reason: EVIDENCE_REJECT_NAMES[v.firstBad.reason] } : null,
    };
  },

  'evidence-checkpoint': (input) => {
    const keys = ml_dsa65.keygen(hexToBytes(input.seedHex));
    const signature = signCheckpoint(input.uptoSeq, input.head, keys, false);
    publicKeys.set(input.seedHex, keys.publicKey);
    const genesis = genesisOf(input.seedHex);
    const [g] = chain([genesis]);
    const head = JSON.parse(asciiString(g!)).hash;
    const sig0 = signCheckpoint(0, head, keys, false);
    const cp = makeEvidenceRecord(0, head, 11, 1, { upto_seq: 0, head, signer: genesis.fields.signer, signature: base64Encode(sig0) });
    const v = verifyEvidence([g!, encodeEvidenceRecord(cp)]);
    return { publicKeySha256: bytesToHex(sha256(keys.publicKey)), signatureSha256: bytesToHex(sha256(signature)), signatureBytes: signature.length, chainOk: v.ok, checkpoints: v.checkpoints };
  },

  'keystore-api': (input) => {
    const clock = new SimClock(input.wallMs);
    const entropy = new SimEntropy(input.seed, 'vectors:keystore');
    const peers = input.peers.map((p: string) => ({
      peer_id: p, link_id: 'sim-link-1', contexts: ['default', 'etsi014'], callers: input.peers.filter((o: string) => o !== p),
      pqc: (() => { const k = generatePqcPeer(new SimEntropy(input.seed, `pqc:${p}`)).publicKeys; return { ml_kem_768: base64Encode(k.mlKem768), x25519: base64Encode(k.x25519) }; })(),
    }));
    const mission: MissionPolicy = { version: 1, policy_id: 'vectors', kme_id: 'kme-vectors', not_before_ms: 0, not_after_ms: input.wallMs + 86_400_000, peers };
    const supply = new SimKeySupply({ linkId: 'sim-link-1', entropy, clock, secureRateBps: 0, blockBits: 2048, initialBlocks: input.blocks });
    const service = new KeyService({ storage: new MemoryStorage(), sealer: new SimSealer(new SimEntropy(input.seed, 'vectors:sealer')), clock, entropy, supplies: [supply], mission },
      { ...DEFAULT_SERVICE_CONFIG, deterministic: true, checkpointEvery: 1_000_000 });
    service.tick();
    const refs: string[] = [];
    const ids: string[] = [];
    const out: any[] = [];
    for (const step of input.steps) {
      if (step.advanceMs) clock.advance(step.advanceMs);
      if (step.qber !== undefined) { supply.setQber(step.qber); service.tick(); }
      if (!step.method) continue;
      const path = step.path.replace('{ref}', refs[refs.length - 1] ?? '').replace('{id}', ids[ids.length - 1] ?? '');
      const body = step.body === undefined ? undefined : JSON.stringify(step.body).replace('"{ids}"', JSON.stringify(ids.map((key_ID) => ({ key_ID }))));
      const r = handleRequest(service, { listener: step.listener ?? 'api', method: step.method, path, query: step.query ?? {}, body, caller: step.caller ?? 'sae-a' });
      const json = r.contentType.startsWith('application/json') ? JSON.parse(r.body) : r.body.split('\n').filter((l) => /^(qkd_keys_generated|lightvibes_pqc_fallback|qkd_kms_key_push_total)/.test(l));
      if (json && json.key_ref && step.method === 'POST') refs.push(json.key_ref);
      if (json && Array.isArray(json.keys) && step.path.endsWith('enc_keys')) ids.push(...json.keys.map((k: any) => k.key_ID));
      out.push({ status: r.status, body: hideKeys(json) });
    }
    return { responses: out, evidenceHead: service.evidence.headHash, evidenceRecords: service.evidence.headSeq + 1 };
  },
};

const FIELDS_HANDOFF = { session_id: 'ss-000000000000000000000001', link_id: 'sim-link-1', peer_id: 'sae-b', key_id: '00000000-0000-4000-8000-000000000001', key_ref_id: '0123456789abcdef0123456789abcdef', bits: 256, mode: 'QMK', qber: 0.021, ttl_s: 120 };

export const keystoreInputs: VectorInputs = {
  'keystore-key-ref-id': {
    description: 'stored id of a key ref: SHA-256("LIGHTVIBES/keystore/key-ref/v1" ‖ 0x00 ‖ ref), first 128 bits, hex',
    cases: [
      { name: 'zero ref', input: { keyRef: 'kr-00000000000000000000000000000000' } },
      { name: 'some ref', input: { keyRef: 'kr-27021def27b5619ba4be216b575d4ceb' } },
    ],
  },
  'evidence-record': {
    description: 'evidence record: canonical JSON (sorted keys, ASCII) and its chained SHA-256 (src/evidence/record.ts)',
    cases: [
      { name: 'genesis-like first record', input: { prevSeq: -1, prevHash: GENESIS_PREV, kind: 0, wallMs: 1795420800000, fields: { run_id: '87af98f3409dab07', operator: 'op' } } },
      { name: 'key hand-off', input: { prevSeq: 6, prevHash: 'ab'.repeat(32), kind: 2, wallMs: 1795420800123, fields: FIELDS_HANDOFF } },
      { name: 'non-ASCII is escaped', input: { prevSeq: 1, prevHash: 'cd'.repeat(32), kind: 10, wallMs: 5, fields: { reason: 'caf\u00e9 \u2713', caller: 'sae-a' } } },
    ],
  },
  'evidence-chain': {
    description: 'a hash chain of records and what the verifier says, including the first bad record of a tampered chain',
    cases: [
      { name: 'three records verify', input: { signerSeedHex: '42'.repeat(32), records: [{ kind: 1, wallMs: 1, fields: { session_id: 's1' } }, { kind: 2, wallMs: 2, fields: FIELDS_HANDOFF }, { kind: 3, wallMs: 3, fields: { key_id: 'k' } }] } },
      { name: 'an edited qber is named', input: { signerSeedHex: '42'.repeat(32), records: [{ kind: 1, wallMs: 1, fields: {} }, { kind: 2, wallMs: 2, fields: FIELDS_HANDOFF }, { kind: 3, wallMs: 3, fields: {} }], tamper: { index: 2, field: 'qber', value: 0.001 } } },
    ],
  },
  'evidence-checkpoint': {
    description: 'ML-DSA-65 checkpoint signature (deterministic, context LIGHTVIBES/evidence/checkpoint/v1) and a genesis+checkpoint chain that verifies',
    cases: [{ name: 'seed 0x42…', input: { seedHex: '42'.repeat(32), uptoSeq: 7, head: 'ef'.repeat(32) } }],
  },
  'keystore-api': {
    description: 'API responses for fixed inputs over simulated ports (seeded entropy, sim clock, memory storage, sim sealer); delivered keys shown as sha256',
    cases: [
      {
        name: 'seed 001 session, one-shot key, ETSI enc/dec, errors',
        input: {
          seed: 11, wallMs: 1795420800000, blocks: 2, peers: ['sae-a', 'sae-b'],
          steps: [
            { method: 'POST', path: '/lightvibes/session', body: { peer_id: 'sae-b', policy: { min_keybits: 256, ttl_s: 120 }, fallback: 'PQC' } },
            { method: 'GET', path: '/lightvibes/key/{ref}' },
            { method: 'GET', path: '/lightvibes/key/{ref}' },
            { method: 'POST', path: '/lightvibes/session', body: { peer_id: 'sae-b', policy: { min_keybits: 250 } } },
            { method: 'GET', path: '/api/v1/keys/sae-b/status' },
            { method: 'POST', path: '/api/v1/keys/sae-b/enc_keys', body: { number: 2, size: 128 } },
            { method: 'POST', path: '/api/v1/keys/sae-a/dec_keys', caller: 'sae-b', body: { key_IDs: '{ids}' } },
            { method: 'GET', path: '/api/v1/keys/sae-a/dec_keys', caller: 'sae-b', query: { key_ID: '00000000-0000-4000-8000-000000000000' } },
            { method: 'POST', path: '/lightvibes/session', body: { peer_id: 'sae-b', policy: { ttl_s: 5 } } },
            { advanceMs: 6000, method: 'GET', path: '/lightvibes/key/{ref}' },
            { method: 'GET', path: '/metrics', listener: 'ops' },
          ],
        },
      },
      {
        name: 'quarantine, explicit PQC fallback, mission guard',
        input: {
          seed: 12, wallMs: 1795420800000, blocks: 1, peers: ['sae-a', 'sae-b'],
          steps: [
            { qber: 0.2 },
            { method: 'POST', path: '/lightvibes/session', body: { peer_id: 'sae-b' } },
            { method: 'POST', path: '/lightvibes/session', body: { peer_id: 'sae-b', fallback: 'PQC' } },
            { method: 'GET', path: '/lightvibes/key/{ref}' },
            { method: 'POST', path: '/lightvibes/session', body: { peer_id: 'sae-x', fallback: 'PQC' } },
            { method: 'GET', path: '/v1/links' },
            { method: 'GET', path: '/metrics', listener: 'ops' },
          ],
        },
      },
    ],
  },
};

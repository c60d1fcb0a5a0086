/**
 * Key capsules (src/capsule/): seal → open round trips, and the rejection table of issue 8 —
 * expired, not-yet-valid, forged, re-signed by another node, wrong recipient, replayed and
 * hop-exhausted capsules, several of each, every one refused with its typed reason, with an
 * evidence record and nothing else stored. Then the bad-input table (truncated CBOR, wrong types,
 * oversized fields, unknown versions, duplicate map keys, skew beyond the limit).
 */
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimClock } from '../hal/sim/clock.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { MemoryStorage } from '../hal/sim/storage.ts';
import { asciiBytes, bytesToHex, hexToBytes } from '../src/bytes.ts';
import { CborReject, decodeCbor, encodeCbor, type CborMap } from '../src/capsule/cbor.ts';
import { decodeCapsule, encodeCapsule, Field, MAX_CAPSULE_BYTES, SIGNATURE_CONTEXT, signedBytes, withHopCount, type Capsule } from '../src/capsule/format.ts';
import { generateCapsuleIdentity, pinDirectory, type CapsuleIdentity } from '../src/capsule/identity.ts';
import { CapsuleOpener, DEFAULT_CAPSULE_POLICY, inspectCapsule } from '../src/capsule/open.ts';
import { CAPSULE_REJECT_NAMES, CapsuleError, CapsuleReject } from '../src/capsule/reject.ts';
import { SEEN_TABLE } from '../src/capsule/replay.ts';
import { sealCapsule } from '../src/capsule/seal.ts';
import { EvidenceLog, EVIDENCE_TABLE } from '../src/evidence/log.ts';
import { decodeEvidenceRecord } from '../src/evidence/record.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import { artefact, issuedKey } from './_scan.ts';

const entropy = new SimEntropy(81, 'capsule-test');
const a = generateCapsuleIdentity('node-a', entropy);
const b = generateCapsuleIdentity('node-b', entropy);
const c = generateCapsuleIdentity('node-c', entropy);
const m = generateCapsuleIdentity('relay-m', entropy);
const x = generateCapsuleIdentity('outsider-x', entropy); // never pinned
const directory = pinDirectory([a, b, c, m]);
const HOUR = 3_600_000;
const skew = DEFAULT_CAPSULE_POLICY.skewMs;

function node(identity: CapsuleIdentity, storage = new MemoryStorage(), clock = new SimClock(Date.UTC(2026, 10, 23, 12))) {
  const evidence = new EvidenceLog(storage, { identity: { publicKey: identity.signingPublicKey, secretKey: identity.signingSecretKey }, entropy, wallMs: () => clock.wallMs(), runId: 'capsule-test', operator: identity.id, checkpointEvery: 100_000 });
  return { storage, clock, evidence, opener: new CapsuleOpener({ identity, directory, storage, clock, evidence }) };
}

let keyCounter = 0;
function seal(opts: { sender?: CapsuleIdentity; to?: CapsuleIdentity[]; nb?: number; na?: number; hops?: number; now: number; key?: Uint8Array }) {
  const key = opts.key ?? entropy.randomBytes(32);
  const keyId = new Uint8Array(16);
  keyId[15] = ++keyCounter;
  const s = sealCapsule({
    sender: opts.sender ?? a, recipients: opts.to ?? [b], key, keyId, entropy,
    notBeforeMs: opts.now + (opts.nb ?? -60_000), notAfterMs: opts.now + (opts.na ?? HOUR), hopLimit: opts.hops ?? 8,
  });
  return { ...s, key };
}

/** Re-encodes a decoded capsule with changes, re-signed by `signer` when given. */
function resign(bytes: Uint8Array, change: Partial<Capsule>, signer?: CapsuleIdentity): Uint8Array {
  const cap = { ...decodeCapsule(bytes), ...change };
  const signature = signer ? ml_dsa65.sign(signedBytes(cap), signer.signingSecretKey, { context: asciiBytes(SIGNATURE_CONTEXT) }) : cap.signature;
  return encodeCapsule({ ...cap, signature });
}

test('seal → open: the recipient gets the key; the capsule fits one 8 KiB bundle payload', () => {
  const n = node(b);
  const now = n.clock.wallMs();
  const s = seal({ now });
  issuedKey(s.key);
  assert.ok(s.bytes.length < 8192, `${s.bytes.length} bytes`);
  const r = n.opener.open(s.bytes);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.is(bytesToHex(r.capsule.key), bytesToHex(s.key));
  assert.is(bytesToHex(r.capsule.capsuleId), bytesToHex(s.capsuleId));
  assert.is(r.capsule.sender, 'node-a');
  // three recipients, a 512-byte key: still one bundle payload
  const big = seal({ now, to: [b, c, m], key: entropy.randomBytes(512) });
  assert.ok(big.bytes.length <= MAX_CAPSULE_BYTES, `${big.bytes.length} bytes`);
  for (const who of [b, c, m]) {
    const o = node(who).opener.open(big.bytes);
    assert.ok(o.ok && bytesToHex(o.capsule.key) === bytesToHex(big.key), who.id);
  }
  for (const v of [s.bytes, big.bytes]) artefact('capsule bytes', v);
});

test('rejection table: every expired, not-yet-valid, forged, re-signed, wrong-recipient, replayed and hop-exhausted capsule refused with its reason', () => {
  const n = node(b);
  const now = n.clock.wallMs();
  const cases: Array<{ what: string; bytes: Uint8Array; reason: CapsuleReject }> = [];
  const add = (what: string, reason: CapsuleReject, bytes: Uint8Array) => cases.push({ what, bytes, reason });
  for (let i = 0; i < 4; i++) {
    add(`expired #${i}`, CapsuleReject.EXPIRED, seal({ now, nb: -2 * HOUR, na: -skew - 1 - i * 600_000 }).bytes);
    add(`not yet valid #${i}`, CapsuleReject.NOT_YET_VALID, seal({ now, nb: skew + 1 + i * 600_000, na: 3 * HOUR }).bytes);
    const good = seal({ now });
    const flipped = decodeCapsule(good.bytes);
    const payload = flipped.payload.slice();
    payload[i] = payload[i]! ^ 1;
    add(`forged: payload altered #${i}`, CapsuleReject.BAD_SIGNATURE, encodeCapsule({ ...flipped, payload }));
    add(`forged: signed by an outsider as node-a #${i}`, CapsuleReject.BAD_SIGNATURE, resign(seal({ now }).bytes, {}, x));
    add(`forged: a pinned relay signs as node-a #${i}`, CapsuleReject.BAD_SIGNATURE, resign(seal({ now }).bytes, {}, m));
    add(`forged: unpinned sender #${i}`, CapsuleReject.UNKNOWN_SENDER, seal({ now, sender: x }).bytes);
    add(`re-signed by another node #${i}`, CapsuleReject.SENDER_MISMATCH, resign(seal({ now }).bytes, { sender: 'relay-m' }, m));
    add(`re-signed by another recipient #${i}`, CapsuleReject.SENDER_MISMATCH, resign(seal({ now, to: [b, c] }).bytes, { sender: 'node-c' }, c));
    add(`wrong recipient #${i}`, CapsuleReject.WRONG_RECIPIENT, seal({ now, to: i % 2 ? [c] : [c, m] }).bytes);
    const hops = 1 + i * 3;
    add(`hop-exhausted #${i}`, CapsuleReject.HOP_LIMIT_EXCEEDED, withHopCount(seal({ now, hops }).bytes, hops + 1 + i));
  }
  const replayed = [0, 1, 2, 3].map(() => seal({ now }).bytes);
  for (const r of replayed) assert.ok(n.opener.open(r).ok);
  replayed.forEach((r, i) => add(`replayed #${i}`, CapsuleReject.REPLAYED, r));
  replayed.forEach((r, i) => add(`replayed with a higher hop count #${i}`, CapsuleReject.REPLAYED, withHopCount(r, 1)));

  const seenBefore = n.storage.list(SEEN_TABLE).length;
  const evidenceBefore = n.storage.list(EVIDENCE_TABLE).length;
  const tally: Record<string, [number, number]> = {};
  for (const k of cases) {
    const r = n.opener.open(k.bytes);
    const name = CAPSULE_REJECT_NAMES[k.reason];
    tally[name] ??= [0, 0];
    tally[name]![1]++;
    assert.ok(!r.ok, `${k.what}: accepted`);
    if (!r.ok) {
      assert.is(CAPSULE_REJECT_NAMES[r.reason], name, `${k.what}: ${r.detail}`);
      tally[name]![0]++;
    }
  }
  assert.is(n.storage.list(SEEN_TABLE).length, seenBefore, 'a rejected capsule left a ledger entry');
  const records = n.storage.list(EVIDENCE_TABLE).slice(evidenceBefore).map((e) => decodeEvidenceRecord(e.value)!);
  assert.is(records.length, cases.length, 'one evidence record per rejection');
  assert.equal(records.map((r) => r.reason), cases.map((k) => CAPSULE_REJECT_NAMES[k.reason]));
  assert.ok(records.every((r) => r.kind_name === 'capsule_refused' && r.context === 'capsule/open'));
  const opened = n.storage.list(EVIDENCE_TABLE).slice(0, evidenceBefore).map((e) => decodeEvidenceRecord(e.value)!).filter((r) => r.kind_name === 'capsule_opened');
  assert.is(opened.length, replayed.length, 'each capsule opened once has its capsule_opened record');
  assert.ok(verifyEvidence(n.storage.list(EVIDENCE_TABLE).map((e) => e.value)).ok);
  for (const e of n.storage.list(EVIDENCE_TABLE)) artefact('capsule evidence', e.value);
  for (const [name, [hit, all]] of Object.entries(tally)) assert.is(hit, all, `${name}: ${hit}/${all}`);
  assert.equal(Object.keys(tally).sort(), ['BAD_SIGNATURE', 'EXPIRED', 'HOP_LIMIT_EXCEEDED', 'NOT_YET_VALID', 'REPLAYED', 'SENDER_MISMATCH', 'UNKNOWN_SENDER', 'WRONG_RECIPIENT']);
});

test('time box edges: inside the skew allowance is accepted; a hop count at the limit is accepted', () => {
  const n = node(b);
  const now = n.clock.wallMs();
  assert.ok(n.opener.open(seal({ now, nb: skew - 1, na: HOUR }).bytes).ok, 'not_before within the skew');
  assert.ok(n.opener.open(seal({ now, nb: -HOUR, na: -skew + 1 }).bytes).ok, 'not_after within the skew');
  assert.ok(n.opener.open(withHopCount(seal({ now, hops: 3 }).bytes, 3)).ok, 'hop_count = hop_limit');
  const long = seal({ now, na: DEFAULT_CAPSULE_POLICY.maxLifetimeMs });
  const r = n.opener.open(long.bytes);
  assert.ok(!r.ok && r.reason === CapsuleReject.BAD_TIME_BOX);
  // the clock moves past not_after: the same capsule, unopened, expires
  const later = seal({ now, na: HOUR });
  n.clock.advance(HOUR + skew + 1);
  const e = n.opener.open(later.bytes);
  assert.ok(!e.ok && e.reason === CapsuleReject.EXPIRED);
});

test('replay ledger: persisted across a restart, purged only after not_after', () => {
  const storage = new MemoryStorage();
  const first = node(b, storage);
  const now = first.clock.wallMs();
  const s = seal({ now, na: HOUR });
  assert.ok(first.opener.open(s.bytes).ok);
  const second = node(b, storage, first.clock);
  const r = second.opener.open(s.bytes);
  assert.ok(!r.ok && r.reason === CapsuleReject.REPLAYED);
  assert.is(second.opener.purge(), 0);
  first.clock.advance(HOUR + skew + 1);
  assert.is(second.opener.purge(), 1);
  assert.is(storage.list(SEEN_TABLE).length, 0);
  const again = second.opener.open(s.bytes);
  assert.ok(!again.ok && again.reason === CapsuleReject.EXPIRED, 'once purged, the time box refuses it');
});

function rawMap(bytes: Uint8Array): CborMap {
  return decodeCbor(bytes, { maxDepth: 4, maxItems: 16, maxBytes: 8192 }) as CborMap;
}

test('bad input: each malformed capsule has its typed reason, an evidence record, and nothing stored', () => {
  const n = node(b);
  const now = n.clock.wallMs();
  const good = seal({ now }).bytes;
  const hex = bytesToHex(good);
  const withField = (key: number, value: any) => { const mm = rawMap(good); mm.set(key, value); return encodeCbor(mm); };
  const without = (key: number) => { const mm = rawMap(good); mm.delete(key); return encodeCbor(mm); };
  const table: Array<[string, Uint8Array, CapsuleReject, CborReject?]> = [
    ['empty', new Uint8Array(0), CapsuleReject.MALFORMED, CborReject.TRUNCATED],
    ['truncated by one byte', good.subarray(0, good.length - 1), CapsuleReject.MALFORMED, CborReject.TRUNCATED],
    ['truncated in half', good.subarray(0, good.length >> 1), CapsuleReject.MALFORMED, CborReject.TRUNCATED],
    ['trailing byte', hexToBytes(hex + '00'), CapsuleReject.MALFORMED, CborReject.TRAILING_BYTES],
    ['duplicate map key (not deterministic CBOR)', hexToBytes('ad' + '0101' + hex.slice(2)), CapsuleReject.MALFORMED, CborReject.DUPLICATE_KEY],
    ['unsorted map keys', hexToBytes('ac' + '0201' + '0101' + hex.slice(10)), CapsuleReject.MALFORMED, CborReject.UNSORTED_KEYS],
    ['non-shortest version', hexToBytes('ac' + '01' + '1801' + hex.slice(6)), CapsuleReject.MALFORMED, CborReject.NOT_SHORTEST],
    ['indefinite-length map', hexToBytes('bf' + hex.slice(2) + 'ff'), CapsuleReject.MALFORMED, CborReject.INDEFINITE_LENGTH],
    ['a float where a field is', hexToBytes('a1' + '01' + 'f93c00'), CapsuleReject.MALFORMED, CborReject.UNSUPPORTED],
    ['not a map', encodeCbor([1, 2, 3]), CapsuleReject.MALFORMED],
    ['unknown version 2', withField(Field.VERSION, 2), CapsuleReject.UNKNOWN_VERSION],
    ['unknown version 0', withField(Field.VERSION, 0), CapsuleReject.UNKNOWN_VERSION],
    ['unknown suite', withField(Field.SUITE, 9), CapsuleReject.UNKNOWN_SUITE],
    ['version of the wrong type', withField(Field.VERSION, '1'), CapsuleReject.MALFORMED],
    ['sender of the wrong type', withField(Field.SENDER, new Uint8Array(4)), CapsuleReject.MALFORMED],
    ['not_after of the wrong type', withField(Field.NOT_AFTER, -5), CapsuleReject.MALFORMED],
    ['recipients of the wrong type', withField(Field.RECIPIENTS, 'node-b'), CapsuleReject.MALFORMED],
    ['recipients empty', withField(Field.RECIPIENTS, []), CapsuleReject.MALFORMED],
    ['a missing field', without(Field.KEY_ID), CapsuleReject.MALFORMED],
    ['an unknown field', withField(13, 0), CapsuleReject.MALFORMED],
    ['a text-keyed field', withField('x' as any, 0), CapsuleReject.MALFORMED],
    ['oversized capsule_id', withField(Field.CAPSULE_ID, new Uint8Array(17)), CapsuleReject.OVERSIZED],
    ['oversized sender id', withField(Field.SENDER, 'n'.repeat(65)), CapsuleReject.OVERSIZED],
    ['oversized payload', withField(Field.PAYLOAD, new Uint8Array(600)), CapsuleReject.OVERSIZED],
    ['oversized capsule', new Uint8Array(MAX_CAPSULE_BYTES + 1), CapsuleReject.OVERSIZED],
    ['too many recipients', withField(Field.RECIPIENTS, Array.from({ length: 4 }, (_, i) => [`r${i}`, new Uint8Array(32), new Uint8Array(1088), new Uint8Array(48)])), CapsuleReject.OVERSIZED],
    ['hop_limit 0', withField(Field.HOP_LIMIT, 0), CapsuleReject.MALFORMED],
    ['clock skew beyond the limit (not_before)', seal({ now, nb: skew + 1, na: HOUR }).bytes, CapsuleReject.NOT_YET_VALID],
    ['clock skew beyond the limit (not_after)', seal({ now, nb: -HOUR, na: -skew - 1 }).bytes, CapsuleReject.EXPIRED],
    ['not_before after not_after', withField(Field.NOT_BEFORE, now + 2 * HOUR), CapsuleReject.BAD_TIME_BOX],
  ];
  const before = n.storage.list(SEEN_TABLE).length;
  const evidenceBefore = n.storage.list(EVIDENCE_TABLE).length;
  for (const [what, bytes, reason, cbor] of table) {
    const r = n.opener.open(bytes);
    assert.ok(!r.ok, `${what}: accepted`);
    if (r.ok) continue;
    assert.is(CAPSULE_REJECT_NAMES[r.reason], CAPSULE_REJECT_NAMES[reason], `${what}: ${r.detail}`);
    if (cbor !== undefined) {
      try {
        inspectCapsule(bytes, directory, now);
      } catch (e) {
        assert.is((e as CapsuleError).cbor, cbor, `${what}: CBOR reason`);
      }
    }
  }
  assert.is(n.storage.list(SEEN_TABLE).length, before);
  assert.is(n.storage.list(EVIDENCE_TABLE).length - evidenceBefore, table.length);
  assert.ok(n.opener.open(good).ok, 'the original still opens');
});

test('seal refuses bad arguments by name', () => {
  const now = Date.UTC(2026, 0, 1);
  assert.throws(() => seal({ now, key: new Uint8Array(8) }), /"key" expected 16..512 bytes/);
  assert.throws(() => seal({ now, to: [] }), /"recipients" expected 1..3/);
  assert.throws(() => seal({ now, to: [b, b] }), /names a node twice/);
  assert.throws(() => seal({ now, hops: 0 }), /"hopLimit"/);
  assert.throws(() => seal({ now, nb: 10, na: 5 }), /"notAfterMs"/);
});

test.run();

/** Evidence: records, hash chain, ML-DSA-65 checkpoints, the verifier naming the first bad record, the CLI. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SqliteStorage } from '../hal/node/sqlite-storage.ts';
import { startCheckpointSigner } from '../hal/node/checkpoint-signer.ts';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { DEFAULT_SERVICE_CONFIG, KeyService } from '../src/agent/service.ts';
import { handleRequest } from '../src/agent/api.ts';
import { base64Encode } from '../src/base64.ts';
import { encodeEvidenceRecord } from '../src/evidence/record.ts';
import { signCheckpoint, signerId } from '../src/evidence/log.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { SimSealer } from '../hal/sim/sealer.ts';
import { asciiBytes, bytesToHex } from '../src/bytes.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { asciiString, canonicalJson } from '../src/evidence/canonical.ts';
import { EvidenceKind, makeEvidenceEntry, makeEvidenceRecord, GENESIS_PREV, EVIDENCE_FIELDS } from '../src/evidence/record.ts';
import fc from 'fast-check';
import { EvidenceReject, verifyEvidence } from '../src/evidence/verify.ts';
import { describeVerdict } from '../sim/evidence-cli.ts';
import { fixture, session } from './_keyservice.ts';
import { artefact } from './_scan.ts';
import { ROOT } from './xs/harness.ts';

function populated() {
  const f = fixture({ config: { checkpointEvery: 8 } });
  for (let i = 0; i < 6; i++) {
    const s = session(f);
    f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` });
  }
  f.call({ method: 'GET', path: '/lightvibes/key/kr-00000000000000000000000000000000' });
  f.service.checkpoint();
  return f;
}

const records = (f: ReturnType<typeof fixture>) => f.storage.list('evidence').map((r) => r.value);

test('a service log verifies: chain, checkpoints every N records, genesis names the signer', () => {
  const f = populated();
  const v = verifyEvidence(records(f));
  assert.ok(v.ok, JSON.stringify(v));
  assert.ok(v.checkpoints >= 3);
  assert.is(v.checkpointedUpTo, v.records - 2);
  const all = records(f).map((r) => JSON.parse(asciiString(r)));
  assert.is(all[0].kind_name, 'genesis');
  for (const k of ['session_init', 'key_handoff', 'key_consumed', 'request_refused', 'block_ingested', 'checkpoint']) assert.ok(all.some((r) => r.kind_name === k), k);
  const init = all.find((r) => r.kind_name === 'session_init');
  for (const k of ['run_id', 'operator', 'qber', 'policy_id', 'min_keybits', 'ttl_s', 'session_id', 'peer_id']) assert.ok(k in init, k);
  const block = all.find((r) => r.kind_name === 'block_ingested');
  for (const k of ['pa_seed_hash', 'pulses', 'detections', 'sifted_bits', 'errors_corrected', 'leaked_bits', 'test_qber']) assert.ok(k in block, k);
  for (const r of records(f)) artefact('evidence record', r);
});

test('the verifier names the first bad record: edited, deleted, reordered, forged checkpoint, foreign signer', () => {
  const f = populated();
  const good = records(f);
  const edit = (i: number, change: (r: any) => void) => {
    const out = good.slice();
    const r = JSON.parse(asciiString(out[i]!));
    change(r);
    out[i] = asciiBytes(canonicalJson(r));
    return out;
  };
  let v = verifyEvidence(edit(5, (r) => { r.qber = 0.001; }));
  assert.equal([v.ok, v.firstBad?.seq, v.firstBad?.reason], [false, 5, EvidenceReject.HASH_MISMATCH]);
  v = verifyEvidence([...good.slice(0, 4), ...good.slice(5)]);
  assert.equal([v.firstBad?.index, v.firstBad?.reason], [4, EvidenceReject.SEQ_GAP]);
  v = verifyEvidence([...good.slice(0, 3), good[4]!, good[3]!, ...good.slice(5)]);
  assert.is(v.firstBad?.index, 3);
  const cp = good.findIndex((r) => JSON.parse(asciiString(r)).kind === EvidenceKind.CHECKPOINT);
  v = verifyEvidence(edit(cp, (r) => { const s = r.signature; r.signature = (s[0] === 'A' ? 'B' : 'A') + s.slice(1); }));
  assert.equal([v.firstBad?.seq, v.firstBad?.reason], [cp, EvidenceReject.HASH_MISMATCH], 'a changed signature breaks the hash first');
  // re-hash after forging the signature: the signature check catches it
  const forged = good.slice();
  const r = JSON.parse(asciiString(forged[cp]!));
  const { hash: _h, ...body } = r;
  body.signature = 'A' + body.signature.slice(1);
  const re = makeEvidenceRecord(body.seq - 1, body.prev, body.kind, body.wall_ms, Object.fromEntries(Object.entries(body).filter(([k]) => EVIDENCE_FIELDS.includes(k))) as any);
  forged[cp] = asciiBytes(canonicalJson(re));
  v = verifyEvidence(forged.slice(0, cp + 1));
  assert.equal([v.firstBad?.seq, v.firstBad?.reason], [cp, EvidenceReject.BAD_SIGNATURE]);
  v = verifyEvidence(good, new Uint8Array(1952));
  assert.is(v.firstBad?.reason, EvidenceReject.SIGNER_MISMATCH);
  v = verifyEvidence([...good.slice(0, 2), asciiBytes('{"not":"a record"}')]);
  assert.equal([v.firstBad?.index, v.firstBad?.reason], [2, EvidenceReject.MALFORMED]);
  assert.match(describeVerdict('x', verifyEvidence(edit(5, (r) => { r.qber = 0.001; }))), /first bad record is #5 .*HASH_MISMATCH/);
});

test('detached checkpoints: signed on a worker thread over an earlier head while records follow; the log verifies', async () => {
  const f = fixture({ config: { checkpointEvery: 1_000_000 } });
  // a second service on the same store: same identity (sealed seed), with the worker signer port
  const s = new KeyService({ storage: f.storage, sealer: f.sealer, clock: f.clock, entropy: f.entropy, supplies: [], mission: f.mission.policy, checkpointSigner: startCheckpointSigner },
    { ...DEFAULT_SERVICE_CONFIG, checkpointEvery: 1_000_000 });
  const refuse = () => handleRequest(s, { listener: 'api', method: 'GET', path: '/lightvibes/key/kr-00000000000000000000000000000000', query: {}, caller: 'sae-a' });
  try {
    refuse();
    const head = s.evidence.headSeq;
    const pending = s.checkpointDetached();
    refuse(); refuse(); // committed while the signature is being made
    assert.is(await pending, true);
    const all = records(f).map((r) => JSON.parse(asciiString(r)));
    const cp = all[all.length - 1];
    assert.equal([cp.kind, cp.upto_seq, cp.seq], [EvidenceKind.CHECKPOINT, head, head + 3], 'covers the head taken, two records back');
    const v = verifyEvidence(records(f));
    assert.ok(v.ok, JSON.stringify(v));
    assert.is(v.checkpointedUpTo, head);
    assert.is(s.evidence.uncheckpointed, 2, 'the two records after the covered head still await a checkpoint');
    // a checkpoint signed in place meanwhile covers more: the detached one is dropped, the log stays valid
    refuse();
    const late = s.checkpointDetached();
    s.checkpoint();
    assert.is(await late, false);
    assert.ok(verifyEvidence(records(f)).ok);
    assert.is(await s.checkpointDetached(), false, 'nothing new to cover');
  } finally {
    s.close();
  }
});

test('the verifier on detached checkpoints: head must be record upto_seq, never behind an earlier checkpoint', () => {
  const id = ml_dsa65.keygen(new Uint8Array(32).fill(7));
  const chain: any[] = [];
  const add = (kind: EvidenceKind, fields: Record<string, unknown>) => {
    const last = chain[chain.length - 1];
    chain.push(makeEvidenceRecord(last ? last.seq : -1, last ? last.hash : GENESIS_PREV, kind, 1_763_900_000_000, fields as any));
  };
  const checkpoint = (upto: number, head = chain[upto].hash) =>
    add(EvidenceKind.CHECKPOINT, { upto_seq: upto, head, signer: signerId(id.publicKey), signature: base64Encode(signCheckpoint(upto, head, id, false)) });
  add(EvidenceKind.GENESIS, { signer: signerId(id.publicKey), signer_public_key: base64Encode(id.publicKey) });
  for (let i = 0; i < 4; i++) add(EvidenceKind.REQUEST_REFUSED, { reason: 'UNKNOWN', code: 1 });
  checkpoint(2); // detached: covers #2, records #3 and #4 follow it
  add(EvidenceKind.REQUEST_REFUSED, { reason: 'UNKNOWN', code: 1 });
  const enc = () => chain.map((r) => encodeEvidenceRecord(r));
  let v = verifyEvidence(enc());
  assert.ok(v.ok, JSON.stringify(v));
  assert.is(v.checkpointedUpTo, 2);
  const ok = chain.slice();
  checkpoint(1); // behind the checkpoint before it
  v = verifyEvidence(enc());
  assert.equal([v.firstBad?.seq, v.firstBad?.reason], [7, EvidenceReject.CHECKPOINT_HEAD_MISMATCH]);
  chain.splice(0, chain.length, ...ok);
  checkpoint(4, chain[3].hash); // a validly signed message whose head is not record #4's hash
  v = verifyEvidence(enc());
  assert.equal([v.firstBad?.seq, v.firstBad?.reason], [7, EvidenceReject.CHECKPOINT_HEAD_MISMATCH]);
  chain.splice(0, chain.length, ...ok);
  checkpoint(4);
  assert.ok(verifyEvidence(enc()).ok, 'a later detached checkpoint covering more is fine');
});

test('the one-pass record encoding is canonical JSON of the record, and its hash is the chain hash', () => {
  const value = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ maxLength: 12 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(),
  );
  const fields = fc.dictionary(fc.constantFrom(...EVIDENCE_FIELDS), value, { maxKeys: 12 });
  fc.assert(fc.property(fields, fc.integer({ min: -1, max: 1e9 }), fc.constantFrom(...Object.values(EvidenceKind)), fc.integer({ min: 0, max: 2 ** 50 }),
    (f, prevSeq, kind, wallMs) => {
      const { record, encoded } = makeEvidenceEntry(prevSeq, GENESIS_PREV, kind, wallMs, f as any);
      assert.is(asciiString(encoded), canonicalJson(record));
      const { hash, ...body } = record;
      assert.is(hash, bytesToHex(sha256(asciiBytes(`LIGHTVIBES/evidence/v1\u0000${GENESIS_PREV}\u0000${canonicalJson(body)}`))));
    }), { numRuns: 400 });
});

test('records refuse byte arrays and fields outside the closed set (no key material by construction)', () => {
  assert.throws(() => makeEvidenceRecord(-1, GENESIS_PREV, EvidenceKind.KEY_HANDOFF, 0, { key: 'x' } as any), /not an evidence field/);
  assert.throws(() => makeEvidenceRecord(-1, GENESIS_PREV, EvidenceKind.KEY_HANDOFF, 0, { head: new Uint8Array(32) } as any), /expected a string or number/);
  assert.throws(() => canonicalJson({ a: new Uint8Array(2) }), /byte arrays are not allowed/);
});

test('npm run evidence -- verify <db> and <file>: OK, then the first bad record named, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lv-ev-'));
  try {
    const db = join(dir, 'lightvibes.db');
    const storage = new SqliteStorage(db);
    const f = fixture({ storage, sealer: new SimSealer(new SimEntropy(1, 'ev')), config: { checkpointEvery: 4 } });
    for (let i = 0; i < 3; i++) f.call({ method: 'GET', path: `/lightvibes/key/${session(f).json.key_ref}` });
    f.service.checkpoint();
    storage.close();
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'sim', 'evidence-cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
    let r = cli('verify', db);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /OK — \d+ records, hash chain intact, \d+ signed checkpoint/);
    artefact('evidence verify report (db)', r.stdout);
    const jsonl = join(dir, 'evidence.jsonl');
    r = cli('export', db, jsonl);
    assert.is(r.status, 0, r.stderr);
    const lines = readFileSync(jsonl, 'utf8').trimEnd().split('\n');
    artefact('evidence export', lines.join('\n'));
    const bad = JSON.parse(lines[3]!);
    bad.wall_ms += 1;
    lines[3] = canonicalJson(bad);
    writeFileSync(jsonl, lines.join('\n') + '\n');
    r = cli('verify', jsonl);
    assert.is(r.status, 1);
    assert.match(r.stdout, /BAD — first bad record is #3 \(line 4\): HASH_MISMATCH/);
    artefact('evidence verify report (file)', r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

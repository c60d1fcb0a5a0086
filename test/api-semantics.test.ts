/**
 * The API semantics (src/agent/api.ts) over plain request objects: bad input of every kind gets a
 * clear 4xx in ETSI GS QKD 014's error shape and consumes nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, session, type Fixture } from './_keyservice.ts';
import { issuedKey, responseBody } from './_scan.ts';
import { base64Decode } from '../src/base64.ts';

function unchanged(f: Fixture, work: () => void): void {
  const pool = f.service.keystore.poolBytes('sim-link-1');
  const stored = f.service.keystore.storedKeyCount();
  work();
  assert.is(f.service.keystore.poolBytes('sim-link-1'), pool, 'pool changed');
  assert.is(f.service.keystore.storedKeyCount(), stored, 'stored keys changed');
}

function expectError(r: { status: number; json: any }, status: number, reason: string): void {
  assert.is(r.status, status, JSON.stringify(r.json));
  assert.type(r.json.message, 'string');
  assert.ok(Array.isArray(r.json.details));
  assert.is(r.json.details[0].reason, reason, JSON.stringify(r.json));
  assert.type(r.json.details[0].code, 'number');
}

test('POST /lightvibes/session: malformed JSON, wrong types, bad sizes, unknown fields → 400, nothing issued', () => {
  const f = fixture();
  unchanged(f, () => {
    const post = (body: string) => f.call({ method: 'POST', path: '/lightvibes/session', body });
    expectError(post('{"peer_id": "sae-b"'), 400, 'MALFORMED_JSON');
    expectError(post('[1,2]'), 400, 'MALFORMED_JSON');
    expectError(post('{}'), 400, 'BAD_REQUEST');
    expectError(post('{"peer_id": 7}'), 400, 'BAD_REQUEST');
    expectError(post('{"peer_id": "sae-b", "policy": {"min_keybits": 250}}'), 400, 'BAD_REQUEST');
    expectError(post('{"peer_id": "sae-b", "policy": {"min_keybits": "256"}}'), 400, 'BAD_REQUEST');
    expectError(post('{"peer_id": "sae-b", "policy": {"min_keybits": 1e9}}'), 400, 'BAD_REQUEST');
    expectError(post('{"peer_id": "sae-b", "policy": {"ttl_s": 0}}'), 400, 'BAD_REQUEST');
    expectError(post('{"peer_id": "sae-b", "policy": {"ttl_s": 1.5}}'), 400, 'BAD_REQUEST');
    expectError(post('{"peer_id": "sae-b", "fallback": "AES"}'), 400, 'BAD_REQUEST');
    expectError(post('{"peer_id": "sae-b", "polcy": {}}'), 400, 'BAD_REQUEST');
    expectError(post('{"peer_id": "../../etc"}'), 400, 'BAD_REQUEST');
    expectError(post('{"peer_id":"sae-b","x":"' + 'a'.repeat(70_000) + '"}'), 413, 'BODY_TOO_LARGE');
  });
  f.bodies.forEach((b, i) => responseBody(`api-semantics session #${i}`, b));
});

test('GET /lightvibes/key: malformed, unknown, replayed, expired, another caller; wrong method; no certificate', () => {
  const f = fixture();
  const s = session(f, { peer_id: 'sae-b', policy: { ttl_s: 10 } });
  unchanged(f, () => {
    expectError(f.call({ method: 'GET', path: '/lightvibes/key/not-a-ref' }), 400, 'BAD_REQUEST');
    expectError(f.call({ method: 'GET', path: '/lightvibes/key/kr-00000000000000000000000000000000' }), 404, 'KEY_UNAVAILABLE');
    expectError(f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}`, caller: 'sae-b' }), 403, 'NOT_FOR_CALLER');
    expectError(f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}`, query: { format: 'pem' } }), 400, 'BAD_REQUEST');
    expectError(f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}`, query: { fmt: 'x' } }), 400, 'BAD_REQUEST');
    expectError(f.call({ method: 'DELETE', path: `/lightvibes/key/${s.json.key_ref}` }), 405, 'METHOD_NOT_ALLOWED');
    expectError(f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}`, caller: undefined }), 401, 'NOT_AUTHENTICATED');
    expectError(f.call({ method: 'GET', path: '/lightvibes/key/%E0%A4%A' }), 400, 'BAD_REQUEST');
    expectError(f.call({ method: 'GET', path: '/nope' }), 404, 'NO_ROUTE');
    expectError(f.call({ method: 'GET', path: '/metrics' }), 404, 'NO_ROUTE');
  });
  assert.is(f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` }).status, 200, 'the owner still gets it');
  expectError(f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` }), 404, 'KEY_UNAVAILABLE');
  const late = session(f, { peer_id: 'sae-b', policy: { ttl_s: 1 } });
  f.clock.advance(1_000);
  const r = f.call({ method: 'GET', path: `/lightvibes/key/${late.json.key_ref}` });
  expectError(r, 404, 'KEY_UNAVAILABLE');
  assert.is(r.json.details[1].reason, 'EXPIRED');
  const ev = f.storage.list('evidence').map((x) => JSON.parse(new TextDecoder().decode(x.value)));
  assert.ok(ev.some((e) => e.kind_name === 'request_refused' && e.reason === 'REPLAY'));
  assert.ok(ev.some((e) => e.kind_name === 'request_refused' && e.reason === 'NOT_FOR_CALLER'));
  f.bodies.forEach((b, i) => responseBody(`api-semantics key #${i}`, b));
});

test('ETSI 014 enc_keys: sizes not multiples of 8, absurd counts, unknown SAE, mandatory extensions → 400', () => {
  const f = fixture();
  unchanged(f, () => {
    const enc = (q: Record<string, string>) => f.call({ method: 'GET', path: '/api/v1/keys/sae-b/enc_keys', query: q });
    const post = (body: unknown, sae = 'sae-b') => f.call({ method: 'POST', path: `/api/v1/keys/${sae}/enc_keys`, body: JSON.stringify(body) });
    expectError(enc({ size: '100' }), 400, 'BAD_REQUEST');
    expectError(enc({ size: '-8' }), 400, 'BAD_REQUEST');
    expectError(enc({ number: '0' }), 400, 'BAD_REQUEST');
    expectError(enc({ number: '1000000' }), 400, 'BAD_REQUEST');
    expectError(enc({ number: 'two' }), 400, 'BAD_REQUEST');
    expectError(post({ number: 1, size: 260 }), 400, 'BAD_REQUEST');
    expectError(post({ number: '1' }), 400, 'BAD_REQUEST');
    expectError(post({ number: 1, extension_mandatory: [{ abc: 1 }] }), 400, 'UNSUPPORTED_EXTENSION');
    expectError(post({ additional_slave_SAE_IDs: ['sae-b'] }), 400, 'BAD_REQUEST');
    expectError(post({ number: 1 }, 'sae-unknown'), 400, 'UNKNOWN_SAE');
    expectError(f.call({ method: 'GET', path: '/api/v1/keys/sae-unknown/status' }), 400, 'UNKNOWN_SAE');
    expectError(post({ number: 128, size: 8192 }), 503, 'KEY_EXHAUSTED');
    expectError(f.call({ method: 'PUT', path: '/api/v1/keys/sae-b/enc_keys' }), 405, 'METHOD_NOT_ALLOWED');
  });
  f.bodies.forEach((b, i) => responseBody(`api-semantics enc #${i}`, b));
});

test('ETSI 014 dec_keys: only the slave it was meant for, only from its master, all or nothing', () => {
  const f = fixture();
  const e = f.call({ method: 'POST', path: '/api/v1/keys/sae-b/enc_keys', body: JSON.stringify({ number: 2, size: 256 }) });
  assert.is(e.status, 200);
  assert.is(e.json.keys.length, 2);
  const ids = e.json.keys.map((k: any) => ({ key_ID: k.key_ID }));
  const dec = (body: unknown, caller = 'sae-b', master = 'sae-a') => f.call({ method: 'POST', path: `/api/v1/keys/${master}/dec_keys`, caller, body: JSON.stringify(body) });
  unchanged(f, () => {
    expectError(dec({ key_IDs: ids }, 'sae-a'), 401, 'NOT_AUTHENTICATED'); // the master is not a reader
    expectError(dec({ key_IDs: ids }, 'sae-b', 'sae-b'), 401, 'NOT_AUTHENTICATED'); // wrong master
    expectError(dec({ key_IDs: [...ids, { key_ID: '00000000-0000-4000-8000-000000000000' }] }), 400, 'BAD_REQUEST');
    expectError(dec({ key_IDs: [{ key_ID: 'nope' }] }), 400, 'BAD_REQUEST');
    expectError(dec({ key_IDs: [ids[0], ids[0]] }), 400, 'BAD_REQUEST');
    expectError(dec({ key_IDs: [] }), 400, 'BAD_REQUEST');
    expectError(dec({ keyIDs: ids }), 400, 'BAD_REQUEST');
    expectError(dec({ key_IDs: ids }, 'sae-b', 'sae-nobody'), 400, 'UNKNOWN_SAE');
    expectError(f.call({ method: 'GET', path: '/api/v1/keys/sae-a/dec_keys', caller: 'sae-b' }), 400, 'BAD_REQUEST');
  });
  const d = dec({ key_IDs: ids });
  assert.is(d.status, 200);
  for (const k of d.json.keys) issuedKey(base64Decode(k.key)!);
  assert.equal(d.json, e.json, 'the slave gets the same keys under the same IDs');
  expectError(f.call({ method: 'GET', path: '/api/v1/keys/sae-a/dec_keys', caller: 'sae-b', query: { key_ID: ids[0].key_ID } }), 400, 'BAD_REQUEST');
  const st = f.call({ method: 'GET', path: '/api/v1/keys/sae-b/status' });
  for (const k of ['source_KME_ID', 'target_KME_ID', 'master_SAE_ID', 'slave_SAE_ID', 'key_size', 'stored_key_count', 'max_key_count', 'max_key_per_request', 'max_key_size', 'min_key_size', 'max_SAE_ID_count'])
    assert.ok(k in st.json, k);
  assert.is(st.json.master_SAE_ID, 'sae-a');
  f.bodies.forEach((b, i) => responseBody(`api-semantics dec #${i}`, b));
});

test('WireGuard export: a 256-bit key as base64 of 32 bytes; other sizes refused before consumption', () => {
  const f = fixture();
  const s = session(f);
  const w = f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}`, query: { format: 'wireguard' } });
  assert.is(w.status, 200);
  assert.match(w.json.wireguard_psk, /^[A-Za-z0-9+/]{43}=$/);
  issuedKey(base64Decode(w.json.wireguard_psk)!);
  const big = session(f, { peer_id: 'sae-b', policy: { min_keybits: 512 } });
  unchanged(f, () => expectError(f.call({ method: 'GET', path: `/lightvibes/key/${big.json.key_ref}`, query: { format: 'wireguard' } }), 400, 'BAD_REQUEST'));
  assert.is(f.call({ method: 'GET', path: `/lightvibes/key/${big.json.key_ref}` }).status, 200);
});

test('rotation (seed 002 CURRENT / PREVIOUS): polled as often as wanted, by either end; the one before is retired', () => {
  const f = fixture();
  expectError(f.call({ method: 'GET', path: '/v1/rotation/sae-b' }), 404, 'KEY_UNAVAILABLE');
  const r1 = f.call({ method: 'POST', path: '/v1/rotation/sae-b', body: '{}' });
  assert.is(r1.status, 201);
  assert.is(r1.json.key, undefined, 'rotating does not hand out the key');
  const p1 = f.call({ method: 'GET', path: '/v1/rotation/sae-b' });
  assert.is(p1.json.current.key_ID, r1.json.key_ID);
  assert.is(p1.json.previous, undefined);
  const r2 = f.call({ method: 'POST', path: '/v1/rotation/sae-b', body: JSON.stringify({ size: 512 }) });
  const fromPeer = f.call({ method: 'GET', path: '/v1/rotation/sae-a', caller: 'sae-b' });
  assert.is(fromPeer.json.current.key_ID, r2.json.key_ID);
  assert.is(fromPeer.json.previous.key_ID, r1.json.key_ID);
  assert.equal(f.call({ method: 'GET', path: '/v1/rotation/sae-b' }).json, fromPeer.json, 'polling again gives the same keys');
  f.call({ method: 'POST', path: '/v1/rotation/sae-b' });
  const p3 = f.call({ method: 'GET', path: '/v1/rotation/sae-b' });
  assert.is(p3.json.previous.key_ID, r2.json.key_ID);
  assert.is(f.storage.list('rotation').length, 2, 'the third-oldest key is gone');
  expectError(f.call({ method: 'POST', path: '/v1/rotation/sae-b', body: JSON.stringify({ size: 100 }) }), 400, 'BAD_REQUEST');
  expectError(f.call({ method: 'POST', path: '/v1/rotation/sae-q' }), 403, 'GUARD_DENIED');
  f.bodies.forEach((b, i) => responseBody(`api-semantics rotation #${i}`, b));
});

test('links, metrics, qber history, healthz, metrics on the ops listener only', () => {
  const f = fixture();
  f.service.tick();
  const links = f.call({ method: 'GET', path: '/v1/links' });
  assert.is(links.json.links[0].link_id, 'sim-link-1');
  assert.is(f.call({ method: 'GET', path: '/v1/links/sim-link-1/metrics' }).json.qber, 0.021);
  assert.ok(f.call({ method: 'GET', path: '/v1/links/sim-link-1/qber' }).json.points.length >= 2);
  expectError(f.call({ method: 'GET', path: '/v1/links/nope/qber' }), 404, 'UNKNOWN_LINK');
  assert.is(f.call({ method: 'GET', path: '/healthz', listener: 'ops' }).json.status, 'ok');
  const m = f.call({ method: 'GET', path: '/metrics', listener: 'ops' });
  assert.is(m.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  for (const name of ['qkd_keys_generated_total', 'qkd_key_bits_generated_total', 'qkd_secure_key_rate_bps', 'qkd_raw_key_rate_bps', 'qkd_qber',
    'qkd_channel_loss_db', 'qkd_photon_rate_hz', 'qkd_visibility', 'qkd_qber_threshold_exceeded_total', 'qkd_key_generation_halted_total',
    'qkd_device_temperature_celsius', 'qkd_device_uptime_seconds', 'qkd_kms_key_push_total', 'qkd_kms_key_push_latency_seconds'])
    assert.match(m.body, new RegExp(`^# TYPE ${name} `, 'm'), name);
  expectError(f.call({ method: 'GET', path: '/v1/links', listener: 'ops' }), 404, 'NO_ROUTE');
  f.bodies.forEach((b, i) => responseBody(`api-semantics links #${i}`, b));
});

test.run();

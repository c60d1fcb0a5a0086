/**
 * The real transport: node:https with mutual TLS on loopback, SQLite with group commit. Client
 * certificates come from a CA made with openssl for the test; a certificate from another CA, or
 * none, gets 401; a SAE never gets keys meant for another; 1,000 concurrent GETs of one ref → one 200.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deliveryAad } from '../src/agent/service.ts';
import { base64Decode } from '../src/base64.ts';
import { call, saeAgent } from './_https-client.ts';
import { artefact, issuedKey, responseBody } from './_scan.ts';
import { startTestServer, type TestServer } from './_server.ts';
import { request } from 'node:http';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let srv: TestServer;
const agents: Record<string, ReturnType<typeof saeAgent>> = {};
const as = (sae: string) => (agents[sae] ??= saeAgent(srv.tlsDir, sae, 256));
const seen: string[] = [];
const api = async (sae: string, method: string, path: string, body?: unknown) => {
  const r = await call(as(sae), srv.port, method, path, body);
  seen.push(r.body);
  return r;
};

function plain(port: number, path: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    }).on('error', reject).end();
  });
}

test.before(async () => {
  srv = await startTestServer();
});

test('no client certificate, or one from another CA → 401 with the error shape, on every route', async () => {
  const anon = saeAgent(srv.tlsDir, undefined);
  for (const path of ['/openapi.json', '/v1/links', '/api/v1/keys/sae-b/status', '/lightvibes/key/kr-00000000000000000000000000000000']) {
    const r = await call(anon, srv.port, 'GET', path);
    assert.is(r.status, 401, path);
    assert.is(r.json.details[0].reason, 'NOT_AUTHENTICATED');
  }
  const foreign = saeAgent(srv.foreignTlsDir, 'sae-a');
  (foreign.options as any).ca = readFileSync(`${srv.tlsDir}/ca.pem`, 'utf8');
  const r = await call(foreign, srv.port, 'POST', '/lightvibes/session', { peer_id: 'sae-b' });
  assert.is(r.status, 401, 'a certificate the server CA did not sign');
  anon.destroy();
  foreign.destroy();
});

test('seed 001 over HTTPS: session 201, key 200 sealed, then 404; another SAE gets 403 and consumes nothing', async () => {
  const s = await api('sae-a', 'POST', '/lightvibes/session', { peer_id: 'sae-b', policy: { min_keybits: 256, ttl_s: 120 }, fallback: 'PQC' });
  assert.is(s.status, 201);
  assert.is(s.json.mode, 'QMK');
  const stolen = await api('sae-b', 'GET', `/lightvibes/key/${s.json.key_ref}`);
  assert.is(stolen.status, 403);
  const k = await api('sae-a', 'GET', `/lightvibes/key/${s.json.key_ref}`);
  assert.is(k.status, 200);
  issuedKey(srv.sealer.unseal(base64Decode(k.json.key_sealed)!, deliveryAad(s.json.key_ref)));
  assert.is((await api('sae-a', 'GET', `/lightvibes/key/${s.json.key_ref}`)).status, 404);
});

test('ETSI 014 over HTTPS: the master gets keys, the slave the same ones, a third SAE nothing', async () => {
  const st = await api('sae-a', 'GET', '/api/v1/keys/sae-b/status');
  assert.is(st.status, 200);
  const e = await api('sae-a', 'POST', '/api/v1/keys/sae-b/enc_keys', { number: 3, size: 256 });
  assert.is(e.status, 200);
  for (const k of e.json.keys) issuedKey(base64Decode(k.key)!);
  const ids = { key_IDs: e.json.keys.map((k: any) => ({ key_ID: k.key_ID })) };
  const c = await api('sae-c', 'POST', '/api/v1/keys/sae-a/dec_keys', ids);
  assert.ok(c.status === 401 || c.status === 403, `sae-c got ${c.status}`);
  const d = await api('sae-b', 'POST', '/api/v1/keys/sae-a/dec_keys', ids);
  assert.is(d.status, 200);
  assert.equal(d.json, e.json);
  const again = await api('sae-b', 'GET', `/api/v1/keys/sae-a/dec_keys?key_ID=${e.json.keys[0].key_ID}`);
  assert.is(again.status, 400);
  const g = await api('sae-a', 'GET', '/api/v1/keys/sae-b/enc_keys?number=2&size=512');
  assert.is(g.json.keys.length, 2);
  for (const k of g.json.keys) { issuedKey(base64Decode(k.key)!); assert.is(base64Decode(k.key)!.length, 64); }
});

test('1,000 concurrent GETs of one key ref → exactly one 200', async () => {
  const s = await api('sae-a', 'POST', '/lightvibes/session', { peer_id: 'sae-b' });
  const results = await Promise.all(Array.from({ length: 1000 }, () => call(as('sae-a'), srv.port, 'GET', `/lightvibes/key/${s.json.key_ref}`)));
  const ok = results.filter((r) => r.status === 200);
  assert.is(ok.length, 1);
  assert.is(results.filter((r) => r.status === 404).length, 999);
  issuedKey(srv.sealer.unseal(base64Decode(ok[0]!.json.key_sealed)!, deliveryAad(s.json.key_ref)));
  for (const r of results.slice(0, 5)) seen.push(r.body);
});

test('WireGuard: a base64 32-byte pre-shared key', async () => {
  const s = await api('sae-a', 'POST', '/lightvibes/session', { peer_id: 'sae-b', context: 'wireguard' });
  const w = await api('sae-a', 'GET', `/lightvibes/key/${s.json.key_ref}?format=wireguard`);
  assert.is(w.status, 200);
  const psk = base64Decode(w.json.wireguard_psk)!;
  assert.is(psk.length, 32);
  assert.is(w.json.wireguard_psk.length, 44);
  issuedKey(psk);
  // wg reads keys as base64 of 32 bytes; `wg pubkey` parses one from stdin (checked only where wireguard-tools is installed)
  const wg = spawnSync('wg', ['pubkey'], { input: w.json.wireguard_psk + '\n', encoding: 'utf8' });
  if (!wg.error) {
    assert.is(wg.status, 0, wg.stderr);
    assert.match(wg.stdout.trim(), /^[A-Za-z0-9+/]{43}=$/);
    assert.is(spawnSync('wg', ['pubkey'], { input: 'not-a-key\n', encoding: 'utf8' }).status === 0, false, 'wg refuses a bad key');
  }
});

test('ops listener: /healthz and /metrics over plain HTTP on the second port; nothing else there', async () => {
  const h = await plain(srv.metricsPort, '/healthz');
  assert.is(h.status, 200);
  assert.is(JSON.parse(h.body).status, 'ok');
  const m = await plain(srv.metricsPort, '/metrics');
  assert.is(m.status, 200);
  assert.match(m.type, /^text\/plain; version=0\.0\.4/);
  assert.match(m.body, /^qkd_kms_key_push_total\{status="success"\} \d+$/m);
  assert.is((await plain(srv.metricsPort, '/v1/links')).status, 404);
  seen.push(h.body, m.body);
});

test('log lines name method, route and status; key refs are redacted', async () => {
  assert.ok(srv.logs.length > 1000);
  assert.ok(srv.logs.some((l) => /^api GET \/lightvibes\/key\/kr-\[redacted\] 200 /.test(l)));
  assert.not.ok(srv.logs.some((l) => /kr-[0-9a-f]{32}/.test(l)));
});

test.after(async () => {
  seen.forEach((b, i) => responseBody(`api-https #${i}`, b));
  srv.logs.forEach((l) => artefact('server log', l));
  for (const a of Object.values(agents)) a.destroy();
  await srv.stop();
});

test.run();

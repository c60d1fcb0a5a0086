/** The OpenAPI 3.1 document served at /openapi.json matches the server: real responses checked against it. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { call, saeAgent } from './_https-client.ts';
import { validate } from './_schema.ts';
import { responseBody } from './_scan.ts';
import { startTestServer, type TestServer } from './_server.ts';

let srv: TestServer;
let doc: any;
let a: ReturnType<typeof saeAgent>;
let b: ReturnType<typeof saeAgent>;

test.before(async () => {
  srv = await startTestServer();
  a = saeAgent(srv.tlsDir, 'sae-a');
  b = saeAgent(srv.tlsDir, 'sae-b');
  doc = (await call(a, srv.port, 'GET', '/openapi.json')).json;
});

async function check(agent: typeof a, method: string, path: string, template: string, body?: unknown) {
  const r = await call(agent, srv.port, method, path, body);
  responseBody(`openapi ${method} ${template} ${r.status}`, r.body);
  const op = doc.paths[template]?.[method.toLowerCase()];
  assert.ok(op, `${method} ${template} is not in the document`);
  const resp = op.responses[r.status];
  assert.ok(resp, `${method} ${template}: status ${r.status} is not documented`);
  const schema = resp.content['application/json'].schema;
  assert.equal(validate(schema, r.json, doc), [], `${method} ${template} ${r.status}`);
  return r;
}

test('the document is OpenAPI 3.1 and lists every route of the API listener', () => {
  assert.is(doc.openapi, '3.1.0');
  for (const p of ['/lightvibes/session', '/lightvibes/key/{key_ref}', '/api/v1/keys/{slave_SAE_ID}/status', '/api/v1/keys/{slave_SAE_ID}/enc_keys',
    '/api/v1/keys/{master_SAE_ID}/dec_keys', '/v1/links', '/v1/links/{link_id}/metrics', '/v1/links/{link_id}/qber', '/openapi.json'])
    assert.ok(doc.paths[p], p);
  assert.ok(doc['x-ops-listener']['/healthz'] && doc['x-ops-listener']['/metrics']);
});

test('real responses, success and error, match their documented schemas', async () => {
  const s = await check(a, 'POST', '/lightvibes/session', '/lightvibes/session', { peer_id: 'sae-b', policy: { min_keybits: 256, ttl_s: 60 } });
  await check(a, 'POST', '/lightvibes/session', '/lightvibes/session', { peer_id: 'sae-b', policy: { min_keybits: 7 } });
  await check(a, 'POST', '/lightvibes/session', '/lightvibes/session', { peer_id: 'sae-zz' });
  await check(b, 'GET', `/lightvibes/key/${s.json.key_ref}`, '/lightvibes/key/{key_ref}');
  await check(a, 'GET', `/lightvibes/key/${s.json.key_ref}`, '/lightvibes/key/{key_ref}');
  await check(a, 'GET', `/lightvibes/key/${s.json.key_ref}`, '/lightvibes/key/{key_ref}');
  await check(a, 'GET', '/lightvibes/key/bad', '/lightvibes/key/{key_ref}');
  const w = await call(a, srv.port, 'POST', '/lightvibes/session', { peer_id: 'sae-b' });
  await check(a, 'GET', `/lightvibes/key/${w.json.key_ref}?format=wireguard`, '/lightvibes/key/{key_ref}');
  await check(a, 'GET', '/api/v1/keys/sae-b/status', '/api/v1/keys/{slave_SAE_ID}/status');
  await check(a, 'GET', '/api/v1/keys/nobody/status', '/api/v1/keys/{slave_SAE_ID}/status');
  const e = await check(a, 'POST', '/api/v1/keys/sae-b/enc_keys', '/api/v1/keys/{slave_SAE_ID}/enc_keys', { number: 2, size: 256 });
  await check(a, 'GET', '/api/v1/keys/sae-b/enc_keys?size=12', '/api/v1/keys/{slave_SAE_ID}/enc_keys');
  await check(a, 'GET', '/api/v1/keys/sae-b/enc_keys', '/api/v1/keys/{slave_SAE_ID}/enc_keys');
  await check(b, 'POST', '/api/v1/keys/sae-a/dec_keys', '/api/v1/keys/{master_SAE_ID}/dec_keys', { key_IDs: e.json.keys.map((k: any) => ({ key_ID: k.key_ID })) });
  await check(b, 'GET', `/api/v1/keys/sae-a/dec_keys?key_ID=${e.json.keys[0].key_ID}`, '/api/v1/keys/{master_SAE_ID}/dec_keys');
  await check(a, 'POST', '/v1/rotation/sae-b', '/v1/rotation/{peer_id}', {});
  await check(a, 'POST', '/v1/rotation/sae-b', '/v1/rotation/{peer_id}', { size: 9 });
  await check(b, 'GET', '/v1/rotation/sae-a', '/v1/rotation/{peer_id}');
  await check(b, 'GET', '/v1/rotation/sae-c', '/v1/rotation/{peer_id}');
  await check(a, 'GET', '/v1/links', '/v1/links');
  await check(a, 'GET', '/v1/links/sim-link-1/metrics', '/v1/links/{link_id}/metrics');
  await check(a, 'GET', '/v1/links/sim-link-1/qber', '/v1/links/{link_id}/qber');
  await check(a, 'GET', '/v1/links/nope/qber', '/v1/links/{link_id}/qber');
});

test('the validator itself refuses a wrong shape', () => {
  assert.ok(validate({ $ref: '#/components/schemas/SessionResponse' }, { session_id: 's', key_ref: 'kr-x', health: {}, mode: 'QMK' }, doc).length > 0);
});

test.after(async () => {
  a.destroy();
  b.destroy();
  await srv.stop();
});

test.run();

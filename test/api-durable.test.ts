/**
 * The serving transport (hal/node/key-server.ts): group commit with the WAL fdatasync off
 * the event loop. An answer never leaves before its batch's sync has finished; one ref read by many
 * at once still yields one 200; a failed sync answers nothing, ever again, and says so.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type KeyServer, startKeyServer } from '../hal/node/key-server.ts';
import { deliveryAad } from '../src/agent/service.ts';
import { base64Decode } from '../src/base64.ts';
import { call, saeAgent } from './_https-client.ts';
import { issuedKey, responseBody } from './_scan.ts';
import { startTestServer, type TestServer } from './_server.ts';
import { readFileSync } from 'node:fs';

let srv: TestServer;
let agent: ReturnType<typeof saeAgent>;
const servers: KeyServer[] = [];

/** A durable server on the test service whose syncs finish only when the test opens the gate. */
async function gated(opts: { fail?: boolean } = {}) {
  let open: () => void = () => {};
  let gate = new Promise<void>((r) => { open = r; });
  const failures: Error[] = [];
  const server = await startKeyServer({
    service: srv.service, host: '127.0.0.1', port: 0, metricsPort: 0,
    groupDurable: (work) => {
      const g = srv.storage.groupDurable(work);
      const durable = opts.fail ? g.durable.then(() => Promise.reject(new Error('EIO (test)'))) : Promise.all([g.durable, gate]).then(() => {});
      return { value: g.value, durable };
    },
    onStorageFailure: (e) => failures.push(e),
    tls: { key: readFileSync(`${srv.tlsDir}/server.key`, 'utf8'), cert: readFileSync(`${srv.tlsDir}/server.pem`, 'utf8'), ca: readFileSync(`${srv.tlsDir}/ca.pem`, 'utf8') },
  });
  servers.push(server);
  return { port: server.apiPort, failures, open: () => { open(); gate = Promise.resolve(); } };
}

test.before(async () => {
  srv = await startTestServer();
  agent = saeAgent(srv.tlsDir, 'sae-a', 256);
});

test('durable transport: the key is consumed at once but answered only after the sync', async () => {
  const g = await gated();
  g.open();
  const s = await call(agent, g.port, 'POST', '/lightvibes/session', { peer_id: 'sae-b' });
  assert.is(s.status, 201);
  const gate2 = await gated();
  let answered = false;
  const pending = call(agent, gate2.port, 'GET', `/lightvibes/key/${s.json.key_ref}`).then((r) => { answered = true; return r; });
  await new Promise((r) => setTimeout(r, 300));
  assert.is(answered, false, 'no answer before the sync finished');
  assert.is(srv.service.keystore.meta(`ref:${s.json.key_ref}`), undefined, 'already consumed (committed) meanwhile');
  gate2.open();
  const k = await pending;
  assert.is(k.status, 200);
  issuedKey(srv.sealer.unseal(base64Decode(k.json.key_sealed)!, deliveryAad(s.json.key_ref)));
  assert.is((await call(agent, gate2.port, 'GET', `/lightvibes/key/${s.json.key_ref}`)).status, 404);
  responseBody('api-durable #1', k.body);
});

test('durable transport: 300 concurrent GETs of one ref over pipelined batches → exactly one 200', async () => {
  const g = await gated();
  g.open();
  const s = await call(agent, g.port, 'POST', '/lightvibes/session', { peer_id: 'sae-b' });
  const results = await Promise.all(Array.from({ length: 300 }, () => call(agent, g.port, 'GET', `/lightvibes/key/${s.json.key_ref}`)));
  const ok = results.filter((r) => r.status === 200);
  assert.is(ok.length, 1);
  assert.is(results.filter((r) => r.status === 404).length, 299);
  issuedKey(srv.sealer.unseal(base64Decode(ok[0]!.json.key_sealed)!, deliveryAad(s.json.key_ref)));
  responseBody('api-durable #2', ok[0]!.body);
});

test('durable transport: a failed sync answers nothing (connection dropped) and reports the failure', async () => {
  const g = await gated({ fail: true });
  const fresh = saeAgent(srv.tlsDir, 'sae-a', 4);
  let error: unknown;
  const r = await call(fresh, g.port, 'POST', '/lightvibes/session', { peer_id: 'sae-b' }).catch((e) => { error = e; return undefined; });
  assert.is(r, undefined, 'no answer');
  assert.ok(error instanceof Error);
  assert.is(g.failures.length, 1);
  const again = await call(fresh, g.port, 'GET', '/api/v1/keys/sae-b/status').catch(() => undefined);
  assert.is(again, undefined, 'nothing more is answered');
  fresh.destroy();
});

test.after(async () => {
  agent.destroy();
  for (const s of servers) await s.close();
  await srv.stop();
});

test.run();

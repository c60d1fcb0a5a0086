/**
 * Trusted-node relays (src/relay/, seed 002): the 5-hop chain delivers identical end-to-end keys
 * at both ends in 100 of 100 seeded runs, no hop message carries the key in clear, relays record
 * no key; route selection by cumulative key rate and trust; attacks on the hop channel (tamper,
 * replay, misdirection, exhausted pool, malformed) refused with their typed reasons; and the two
 * key-service routes, GET /v1/relay/routes and POST /v1/relay/keys/request.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChaCha20Drbg } from '../hal/sim/drbg.ts';
import { attachRelay } from '../src/agent/relay-api.ts';
import { base64Decode } from '../src/base64.ts';
import { bytesToHex } from '../src/bytes.ts';
import { encodeCbor } from '../src/capsule/cbor.ts';
import { decodeRelayHop, encodeRelayHop, RelayError, RelayReject, RELAY_REJECT_NAMES } from '../src/relay/hop.ts';
import { findRoutes, type RelayGraph } from '../src/relay/routes.ts';
import { RelayNetwork, SimRelayService } from '../sim/relay-network.ts';
import { openApiDocument } from '../src/agent/openapi.ts';
import { fixture } from './_keyservice.ts';
import { validate } from './_schema.ts';
import { artefact, issuedKey, responseBody } from './_scan.ts';
import { call, saeAgent } from './_https-client.ts';
import { ROOT } from './xs/harness.ts';

const CHAIN = ['site-a', 'relay-1', 'relay-2', 'relay-3', 'relay-4', 'site-b'];

function chainGraph(seed: number): RelayGraph {
  const r = new ChaCha20Drbg(seed, 'relay-chain-graph').randomBytes(16);
  return {
    nodes: CHAIN.map((id, i) => ({ id, trust: i === 0 || i === CHAIN.length - 1 ? 1 : 0.95 + (r[i]! % 5) / 100 })),
    links: CHAIN.slice(1).map((b, i) => ({ a: CHAIN[i]!, b, keyRateBps: 1000 + 100 * r[8 + i]! })),
  };
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

test('5-hop chain: identical end-to-end keys at both ends in 100 of 100 seeded runs; no message carries the key', () => {
  let same = 0;
  const keys = new Set<string>();
  for (let seed = 1; seed <= 100; seed++) {
    const net = new RelayNetwork({ graph: chainGraph(seed), seed });
    const o = net.relay('site-a', 'site-b', 32);
    assert.is(o.route.hops, 5);
    assert.equal(o.route.path, CHAIN);
    if (bytesToHex(o.originKey) === bytesToHex(o.destinationKey)) same++;
    keys.add(bytesToHex(o.originKey));
    assert.is(o.messages.length, 5);
    for (const m of o.messages) assert.not.ok(contains(m, o.originKey.subarray(0, 16)), 'a hop message carries the key in clear');
    const events = JSON.stringify([...net.nodes.values()].map((n) => n.events));
    assert.not.ok(events.includes(bytesToHex(o.originKey).slice(0, 16)), 'a relay recorded the key');
    assert.is([...net.nodes.values()].flatMap((n) => n.events).filter((e) => e.kind === 'forwarded').length, 4);
    issuedKey(o.originKey);
    if (seed <= 3) for (const m of o.messages) artefact('relay hop message', m);
  }
  assert.is(same, 100, `${same}/100 runs agreed`);
  assert.is(keys.size, 100, 'every run a different key');
});

test('multi-hop: several keys in a row over one network keep the pools in step', () => {
  const net = new RelayNetwork({ graph: chainGraph(7), seed: 7 });
  for (let i = 0; i < 20; i++) {
    const o = net.relay(i % 2 ? 'site-b' : 'site-a', i % 2 ? 'site-a' : 'site-b', 16 + (i % 4) * 16);
    assert.is(bytesToHex(o.originKey), bytesToHex(o.destinationKey), `key ${i}`);
  }
});

const MESH: RelayGraph = {
  nodes: [
    { id: 'a', trust: 1 }, { id: 'b', trust: 1 },
    { id: 'fast-shady', trust: 0.5 }, { id: 'r1', trust: 0.99 }, { id: 'r2', trust: 0.97 }, { id: 'r3', trust: 0.92 },
  ],
  links: [
    { a: 'a', b: 'fast-shady', keyRateBps: 50_000 }, { a: 'fast-shady', b: 'b', keyRateBps: 50_000 },
    { a: 'a', b: 'r1', keyRateBps: 8_000 }, { a: 'r1', b: 'r2', keyRateBps: 6_000 }, { a: 'r2', b: 'b', keyRateBps: 9_000 },
    { a: 'a', b: 'r3', keyRateBps: 7_000 }, { a: 'r3', b: 'b', keyRateBps: 2_000 },
  ],
};

test('route selection: cumulative key rate = slowest link, trust = product of relays, untrusted relays ineligible', () => {
  const routes = findRoutes(MESH, 'a', 'b');
  const best = routes[0]!;
  assert.equal(best.path, ['a', 'r1', 'r2', 'b']);
  assert.is(best.keyRateBps, 6_000);
  assert.ok(Math.abs(best.trust - 0.99 * 0.97) < 1e-12);
  assert.ok(best.eligible);
  const shady = routes.find((r) => r.path.includes('fast-shady'))!;
  assert.is(shady.keyRateBps, 50_000);
  assert.not.ok(shady.eligible, 'a relay under the trust threshold makes a route ineligible');
  assert.ok(routes.indexOf(shady) > routes.findIndex((r) => r.path.includes('r3')), 'eligible routes rank first');
  const lax = findRoutes(MESH, 'a', 'b', { maxHops: 8, minNodeTrust: 0.4, limit: 8 });
  assert.equal(lax[0]!.path, ['a', 'fast-shady', 'b'], 'with a laxer policy the faster route wins');
  assert.equal(findRoutes(MESH, 'a', 'b', { maxHops: 2, minNodeTrust: 0.9, limit: 8 }).map((r) => r.path.join('>')), ['a>r3>b', 'a>fast-shady>b']);
  assert.equal(findRoutes(MESH, 'a', 'nowhere'), []);
  const net = new RelayNetwork({ graph: MESH, seed: 1 });
  const o = net.relay('a', 'b', 32);
  assert.equal(o.route.path, ['a', 'r1', 'r2', 'b']);
  assert.is(bytesToHex(o.originKey), bytesToHex(o.destinationKey));
  assert.throws(() => net.relay('a', 'b', 32, { policy: { maxHops: 8, minNodeTrust: 0.999, limit: 8 } }), (e: RelayError) => e.reason === RelayReject.UNTRUSTED_ROUTE);
});

function refusedWith(reason: RelayReject, run: () => unknown): void {
  try {
    run();
    assert.unreachable('accepted');
  } catch (e) {
    if (!(e instanceof RelayError)) throw e;
    assert.is(RELAY_REJECT_NAMES[e.reason], RELAY_REJECT_NAMES[reason], e.message);
  }
}

test('attacks on the hop channel: each refused with its typed reason', () => {
  const flip = (at: number) => (hop: number, m: Uint8Array) => { if (hop !== 2) return m; const x = m.slice(); x[x.length - at] = x[x.length - at]! ^ 1; return x; };
  refusedWith(RelayReject.BAD_TAG, () => new RelayNetwork({ graph: chainGraph(2), seed: 2 }).relay('site-a', 'site-b', 32, { tamper: flip(20) }));
  refusedWith(RelayReject.BAD_TAG, () => new RelayNetwork({ graph: chainGraph(2), seed: 2 }).relay('site-a', 'site-b', 32, { tamper: flip(1) }));
  // replay: a message delivered once finds its pad gone the second time
  const net = new RelayNetwork({ graph: chainGraph(3), seed: 3 });
  const o = net.relay('site-a', 'site-b', 32);
  refusedWith(RelayReject.KEY_UNAVAILABLE, () => net.nodes.get('relay-3')!.receive(o.messages[2]!));
  refusedWith(RelayReject.NOT_ON_ROUTE, () => net.nodes.get('relay-4')!.receive(o.messages[2]!));
  refusedWith(RelayReject.UNKNOWN_LINK, () => net.nodes.get('site-b')!.originate(new Uint8Array(16), ['site-b', 'relay-1'], 32));
  refusedWith(RelayReject.MALFORMED, () => net.nodes.get('relay-1')!.receive(o.messages[0]!.subarray(0, 20)));
  refusedWith(RelayReject.MALFORMED, () => net.nodes.get('relay-1')!.receive(encodeCbor(new Map([[1, 1]]))));
  refusedWith(RelayReject.UNKNOWN_VERSION, () => net.nodes.get('relay-1')!.receive(encodeCbor(new Map([[1, 2]]))));
  // an exhausted pool
  const tiny = new RelayNetwork({ graph: chainGraph(4), seed: 4, poolBytes: (a) => (a === 'relay-2' ? 100 : 10_000) });
  tiny.relay('site-a', 'site-b', 32);
  refusedWith(RelayReject.KEY_UNAVAILABLE, () => tiny.relay('site-a', 'site-b', 32));
  assert.ok(tiny.nodes.get('relay-2')!.events.some((e) => e.kind === 'refused' && e.reason === 'KEY_UNAVAILABLE'));
});

test('a lost hop message does not put a link out of step for good; a forged offset consumes nothing', () => {
  const net = new RelayNetwork({ graph: chainGraph(5), seed: 5 });
  // a first request whose hop message is lost on the way to relay-1
  net.nodes.get('site-a')!.originate(new Uint8Array(16).fill(1), CHAIN, 32);
  const o = net.relay('site-a', 'site-b', 32);
  assert.is(bytesToHex(o.destinationKey), bytesToHex(o.originKey), 'the next key goes through; the lost one’s bytes were skipped');
  // a forged message naming an offset far ahead: its tag cannot verify, and no pool byte moves
  const genuine = decodeRelayHop(net.nodes.get('site-a')!.originate(new Uint8Array(16).fill(2), CHAIN, 32).message);
  const { tag: _tag, ...fields } = genuine;
  const forged = encodeRelayHop({ ...fields, keyId: genuine.keyId + 100_000 }, new Uint8Array(32));
  refusedWith(RelayReject.BAD_TAG, () => net.nodes.get('relay-1')!.receive(forged));
  const again = net.relay('site-a', 'site-b', 32);
  assert.is(bytesToHex(again.destinationKey), bytesToHex(again.originKey), 'still in step after the forgery');
  // the error message names its reason once
  const err = (() => { try { net.nodes.get('relay-1')!.receive(new Uint8Array([0xa1, 1, 2])); } catch (e) { return e as Error; } return undefined; })();
  assert.ok(err instanceof RelayError);
  assert.is(err.message.split('relay rejected').length, 2, err.message);
});

test('API: GET /v1/relay/routes and POST /v1/relay/keys/request', () => {
  const f = fixture({ seed: 11 });
  const none = f.call({ method: 'GET', path: '/v1/relay/routes', query: { destination: 'b' } });
  assert.is(none.status, 404, 'no relay attached');
  const net = new RelayNetwork({ graph: MESH, seed: 9 });
  const relay = new SimRelayService(net, 'a');
  attachRelay(f.service, relay);
  const r = f.call({ method: 'GET', path: '/v1/relay/routes', query: { destination: 'b' } });
  assert.is(r.status, 200, r.body);
  assert.is(r.json.source, 'a');
  assert.equal(r.json.routes[0].path, ['a', 'r1', 'r2', 'b']);
  assert.is(r.json.routes[0].key_rate_bps, 6000);
  assert.ok(r.json.routes.some((x: any) => !x.eligible));
  const k = f.call({ method: 'POST', path: '/v1/relay/keys/request', body: JSON.stringify({ destination: 'b', size: 256 }) });
  assert.is(k.status, 200, k.body);
  const key = base64Decode(k.json.key)!;
  assert.is(key.length, 32);
  issuedKey(key);
  const there = relay.takeAtDestination(k.json.key_ID)!;
  assert.is(bytesToHex(there), bytesToHex(key), 'the destination holds the same key');
  assert.is(relay.takeAtDestination(k.json.key_ID), undefined, 'once');
  for (const [req, status] of [
    [{ method: 'GET', path: '/v1/relay/routes', query: { destination: 'zz' } }, 400],
    [{ method: 'GET', path: '/v1/relay/routes', query: {} }, 400],
    [{ method: 'GET', path: '/v1/relay/routes', query: { destination: 'b', extra: '1' } }, 400],
    [{ method: 'POST', path: '/v1/relay/routes' }, 405],
    [{ method: 'GET', path: '/v1/relay/keys/request' }, 405],
    [{ method: 'POST', path: '/v1/relay/keys/request', body: '{' }, 400],
    [{ method: 'POST', path: '/v1/relay/keys/request', body: JSON.stringify({ destination: 'b', size: 100 }) }, 400],
    [{ method: 'POST', path: '/v1/relay/keys/request', body: JSON.stringify({ destination: 'b', key: 'x' }) }, 400],
    [{ method: 'POST', path: '/v1/relay/keys/request', body: JSON.stringify({ destination: 'a' }) }, 400],
    [{ method: 'GET', path: '/v1/relay/nothing' }, 404],
  ] as const) {
    const res = f.call({ ...({ query: {} } as object), ...req } as any);
    assert.is(res.status, status, `${req.method} ${req.path}: ${res.body}`);
    assert.ok(typeof res.json.message === 'string' && Array.isArray(res.json.details));
  }
  const strict = new SimRelayService(new RelayNetwork({ graph: MESH, seed: 9 }), 'a', { maxHops: 8, minNodeTrust: 0.999, limit: 8 });
  attachRelay(f.service, strict);
  const refused = f.call({ method: 'POST', path: '/v1/relay/keys/request', body: JSON.stringify({ destination: 'b' }) });
  assert.is(refused.status, 404);
  assert.is(refused.json.details[1].relay_reason, 'UNTRUSTED_ROUTE');
  // every answer matches its documented schema (GET /openapi.json)
  const doc: any = openApiDocument();
  const documented = (path: string, method: string, res: { status: number; json: any }) => {
    const schema = doc.paths[path][method].responses[res.status]?.content['application/json'].schema;
    assert.ok(schema, `${method} ${path} ${res.status} is not documented`);
    assert.equal(validate(schema, res.json, doc), [], `${method} ${path} ${res.status}`);
  };
  documented('/v1/relay/routes', 'get', r);
  documented('/v1/relay/keys/request', 'post', k);
  documented('/v1/relay/keys/request', 'post', refused);
  documented('/v1/relay/routes', 'get', f.call({ method: 'GET', path: '/v1/relay/routes', query: { destination: 'zz' } }));
  for (const body of f.bodies) responseBody('relay api', body);
  relay.destroy();
});

test('npm run serve -- --dev: the live HTTPS server answers both relay routes (and says so on start-up)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lv-serve-relay-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sim', 'serve.ts'), '--dev', '--port', '0', '--metrics-port', '0', '--state-dir', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const out = await new Promise<string>((resolve, reject) => {
      let text = '';
      proc.stdout!.on('data', (d) => { text += d; if (text.includes('trusted-node relay')) resolve(text); });
      proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${text}`)));
    });
    const port = Number(out.match(/listening on https:\/\/127\.0\.0\.1:(\d+)/)![1]);
    const agent = saeAgent(join(dir, 'tls'), 'sae-a');
    const r = await call(agent, port, 'GET', '/v1/relay/routes?destination=kme-b');
    assert.is(r.status, 200, r.body);
    assert.equal(r.json.routes[0].path, ['kme-lightvibes-dev', 'relay-1', 'relay-2', 'kme-b'], 'the trusted path first');
    assert.ok(r.json.routes.some((x: any) => !x.eligible && x.path.includes('relay-3')), 'the faster path through an untrusted relay is listed, ineligible');
    const k = await call(agent, port, 'POST', '/v1/relay/keys/request', { destination: 'kme-c', size: 256 });
    assert.is(k.status, 200, k.body);
    assert.is(base64Decode(k.json.key)!.length, 32);
    issuedKey(base64Decode(k.json.key)!);
    responseBody('relay key response', k.body);
    assert.is((await call(agent, port, 'GET', '/v1/relay/routes?destination=nowhere')).status, 400);
    agent.destroy();
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

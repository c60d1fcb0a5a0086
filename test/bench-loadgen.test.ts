/**
 * bench/loadgen.c, the load generator behind `npm run bench:keys`: against a mutual-TLS server in
 * this process it must send every request once, on schedule, count every answer by its status
 * (answers larger than a TLS record, and a Content-Length in any case, included), and fail with
 * a reason, not with figures, when the server will not talk to it or its input is wrong.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildLoadgen, runLoadgen } from '../bench/loadgen.ts';
import { ensureDevTls, foreignClientCert } from '../sim/dev-tls.ts';
import { ROOT } from './xs/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'lv-loadgen-test-'));
const tls = ensureDevTls(join(dir, 'tls'), ['sae-a']);
const built = buildLoadgen(ROOT);
/** What the server saw: path and client certificate subject, in arrival order. */
let seen: Array<{ path: string; cn: string }> = [];
let server: Server;
let port = 0;

async function rejectsWith(run: Promise<unknown>, reason: RegExp): Promise<void> {
  try {
    await run;
  } catch (e) {
    assert.match((e as Error).message, reason);
    return;
  }
  assert.unreachable(`expected a failure matching ${reason}`);
}

test.before(async () => {
  server = createServer({
    key: readFileSync(tls.serverKey), cert: readFileSync(tls.serverCert), ca: readFileSync(tls.ca),
    requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3',
  }, (req, res) => {
    const path = req.url ?? '';
    seen.push({ path, cn: String((req.socket as TLSSocket).getPeerCertificate().subject?.CN) });
    req.resume();
    req.on('end', () => {
      const i = Number(/^\/r\/(\d+)$/.exec(path)?.[1] ?? -1);
      // every third answer spans several TLS records; every fifth is a 404
      const body = i >= 0 && i % 3 === 0 ? 'x'.repeat(40_000) : 'ok';
      res.writeHead(i >= 0 && i % 5 === 0 ? 404 : 200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

test.after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('it builds against the system OpenSSL', () => {
  assert.ok(built.bin, `bench/loadgen.c did not build: ${built.why}`);
});

test('one request, sent total times on schedule: every answer counted', async () => {
  seen = [];
  const r = await runLoadgen(built.bin!, { port, tlsDir: tls.dir, sae: 'sae-a', rate: 2000, connections: 8, requests: ['GET / HTTP/1.1\r\nhost: localhost\r\n\r\n'], total: 400 });
  assert.equal(r.statuses, { 200: 400 });
  assert.is(seen.length, 400);
  assert.ok(seen.every((s) => s.path === '/' && s.cn === 'sae-a'));
  assert.is(r.latencies.length, 400);
  assert.ok(r.latencies.every((l) => Number.isFinite(l) && l > 0), 'every latency is a positive figure');
  // open loop: the last request is due 399/2000 s after the first, so the run cannot be shorter
  assert.ok(r.elapsedS >= 0.199, `elapsed ${r.elapsedS} s`);
  assert.ok(r.lateMaxMs >= r.lateP99Ms && r.cpuMs > 0);
});

test('distinct requests: each sent once, long answers and 404s counted by status', async () => {
  seen = [];
  const n = 300;
  const requests = Array.from({ length: n }, (_, i) => `GET /r/${i} HTTP/1.1\r\nhost: localhost\r\n\r\n`);
  const r = await runLoadgen(built.bin!, { port, tlsDir: tls.dir, sae: 'sae-a', rate: 3000, connections: 4, requests, total: n });
  const notFound = Array.from({ length: n }, (_, i) => i).filter((i) => i % 5 === 0).length;
  assert.equal(r.statuses, { 200: n - notFound, 404: notFound });
  assert.equal(seen.map((s) => s.path).sort(), requests.map((_, i) => `/r/${i}`).sort());
  assert.ok(r.latencies.every((l) => l > 0));
});

test('a client certificate from another CA: it fails with a reason, no figures', async () => {
  const foreign = foreignClientCert(join(dir, 'foreign'), 'sae-a');
  const tlsDir = join(dir, 'foreign-client');
  mkdirSync(tlsDir);
  // the server's CA to check the server, the foreign CA's certificate to present
  copyFileSync(tls.ca, join(tlsDir, 'ca.pem'));
  copyFileSync(foreign.cert, join(tlsDir, 'sae-x.pem'));
  copyFileSync(foreign.key, join(tlsDir, 'sae-x.key'));
  seen = [];
  await rejectsWith(runLoadgen(built.bin!, { port, tlsDir, sae: 'sae-x', rate: 1000, connections: 2, requests: ['GET / HTTP/1.1\r\nhost: localhost\r\n\r\n'], total: 10 }),
    /loadgen exited 2: loadgen: (TLS handshake failed|the server closed a connection or TLS failed)/);
  assert.is(seen.length, 0);
});

test('bad input is refused before anything is sent', async () => {
  seen = [];
  const job = { port, tlsDir: tls.dir, sae: 'sae-a', rate: 1000, connections: 2, requests: ['GET / HTTP/1.1\r\n\r\n', 'GET / HTTP/1.1\r\n\r\n'], total: 3 };
  await rejectsWith(runLoadgen(built.bin!, job), /--requests must hold one request or --total of them/);
  await rejectsWith(runLoadgen(built.bin!, { ...job, requests: ['GET / HTTP/1.1\r\n\r\n'], rate: 0 }), /must be positive/);
  await rejectsWith(runLoadgen(built.bin!, { ...job, requests: ['GET / HTTP/1.1\r\n\r\n'], sae: 'nobody' }), /cannot load --cert/);
  assert.is(seen.length, 0);
});

test.run();

/**
 * `npm run bench:keys -- [--rate 1000] [--seconds 30] [--connections 128] [--generator c|node|c,node] [--state-dir <dir>] [--server-bundle <file.mjs>] [--no-floor]`
 * (`npm run bench:keys -- --components`: the cost of each part of a request, see `components`):
 * latency of GET /lightvibes/key/{ref} and POST /api/v1/keys/{slave}/enc_keys against
 * `npm run serve -- --dev` on loopback (HTTPS, mutual TLS, SQLite WAL with every commit fdatasynced
 * before its answer, group commit). Open loop: request i is due at start + i/rate and its latency
 * counts from that moment (no coordinated omission). Prints p50/p99/max and the sustained rate for
 * each route, with the load average, and the server's own figures (group commits, WAL syncs, CPU per
 * request, event-loop delay). First, in the same run, the floor: the same generator against a
 * no-op mutual-TLS node:https server (`--no-floor` skips it), so the API's figures can be read
 * against what this machine gives a request that does nothing.
 *
 * The load generator must not be what it measures, and it shares the 2 cores with the server. The
 * default (`--generator c`) is `bench/loadgen.c`, built here on demand against the system's OpenSSL:
 * one epoll loop in its own process, a timerfd armed at each due time, 80-100 µs of CPU per request
 * here. `--generator node` is the same open loop in Node, on a worker thread of its own: it
 * writes pre-built HTTP/1.1 requests straight onto a pool of keep-alive TLS connections (no
 * http.Agent, no JSON), reads only the status line and content-length of each answer, and between
 * due times SLEEPS (Atomics.wait, ≤ 0.2 ms at a time) instead of spinning; it costs about twice
 * the C one's CPU, and has an event loop of its own to be late. `--generator c,node` runs both, one
 * after the other, on each route. Each reports its send lateness and its own cost, so a late
 * generator shows as such.
 * Without a C compiler or OpenSSL's headers the bench says so and uses the Node generator.
 * `--server-bundle` runs a previously bundled server (before/after comparisons).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { connect, type TLSSocket } from 'node:tls';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { buildLoadgen, type LoadJob, type LoadResult, runLoadgen } from './loadgen.ts';

const GENERATOR = 'lightvibes/bench-keys-generator';

interface GeneratorJob extends LoadJob {
  readonly kind: typeof GENERATOR;
}

interface GeneratorResult extends LoadResult {
  /** The Node generator's event-loop delay; the C one has no event loop. */
  readonly loopP99Ms?: number;
  readonly loopMaxMs?: number;
}

const pct = (sorted: ArrayLike<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** The generator thread: open loop over a pool of keep-alive mTLS connections. */
async function runGenerator(job: GeneratorJob): Promise<GeneratorResult> {
  const tlsOpts = {
    host: '127.0.0.1', port: job.port, servername: 'localhost', ca: readFileSync(`${job.tlsDir}/ca.pem`),
    cert: readFileSync(`${job.tlsDir}/${job.sae}.pem`), key: readFileSync(`${job.tlsDir}/${job.sae}.key`), minVersion: 'TLSv1.3' as const,
  };
  const wire: Uint8Array[] = job.requests.map((r) => new Uint8Array(Buffer.from(r, "latin1")));
  const latencies = new Float64Array(job.total);
  const lateness = new Float64Array(job.total);
  const statuses: Record<string, number> = {};
  const dueOf = (i: number) => start + (i * 1000) / job.rate;
  let start = 0;
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => { finish = r; });
  const waiting: number[] = [];
  let waitingHead = 0;

  interface Conn { readonly socket: TLSSocket; current: number; buf: Buffer }
  const idle: Conn[] = [];
  const complete = (c: Conn, status: number) => {
    latencies[c.current] = performance.now() - dueOf(c.current);
    statuses[status] = (statuses[status] ?? 0) + 1;
    c.current = -1;
    if (++done === job.total) finish();
    if (waitingHead < waiting.length) send(c, waiting[waitingHead++]!);
    else idle.push(c);
  };
  const send = (c: Conn, i: number) => {
    c.current = i;
    lateness[i] = performance.now() - dueOf(i);
    c.socket.write((wire.length === 1 ? wire[0]! : wire[i]!) as Uint8Array);
  };
  // an HTTP/1.1 answer: status line, headers, content-length bytes of body (the server always sends one)
  const onData = (c: Conn, chunk: Buffer) => {
    c.buf = c.buf.length ? Buffer.concat([c.buf, chunk] as Uint8Array[]) : chunk;
    for (;;) {
      const end = c.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = c.buf.toString('latin1', 0, end);
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const total = end + 4 + (m ? Number(m[1]) : 0);
      if (c.buf.length < total) return;
      const status = Number(head.slice(9, 12));
      c.buf = c.buf.subarray(total);
      if (c.current < 0) throw new Error('bench: an answer nobody asked for');
      complete(c, status);
    }
  };
  const conns = await Promise.all(Array.from({ length: job.connections }, () => new Promise<Conn>((resolve, reject) => {
    const socket = connect(tlsOpts, () => { socket.setNoDelay(true); resolve(c); });
    const c: Conn = { socket, current: -1, buf: Buffer.alloc(0) };
    socket.on('data', (d: Buffer) => onData(c, d));
    socket.once('error', reject);
  })));
  idle.push(...conns);

  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const nap = new Int32Array(new SharedArrayBuffer(4));
  // process-wide, but while it runs the bench's main thread only waits for this worker
  const cpu0 = process.cpuUsage();
  start = performance.now() + 20;
  let next = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      const now = performance.now();
      for (; next < job.total && dueOf(next) <= now; next++) {
        const c = idle.pop();
        if (c) send(c, next);
        else waiting.push(next);
      }
      if (next >= job.total) return resolve();
      // sleep (not spin) until the next request is due, at most 0.2 ms so answers are read promptly
      const wait = Math.min(0.2, dueOf(next) - performance.now());
      if (wait > 0.02) Atomics.wait(nap, 0, 0, wait);
      setImmediate(pump);
    };
    pump();
  });
  await finished;
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  for (const c of conns) c.socket.destroy();
  lateness.sort();
  return {
    latencies, statuses, elapsedS, lateP99Ms: pct(lateness, 99), lateMaxMs: lateness[lateness.length - 1]!,
    loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6, cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/**
 * The floor: a node:https server in its own process with the dev certificates (client
 * certificate required, as the API) that answers every request 200 "ok" and does nothing else.
 * The generator measures it exactly as the API, so what the API adds above it is ours; what the
 * floor itself shows is the machine's (TLS on loopback, two processes sharing 2 cores).
 */
function startFloorServer(tlsDir: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const code = `
    const { createServer } = require('node:https');
    const { readFileSync } = require('node:fs');
    const d = process.env.LV_FLOOR_TLS;
    const s = createServer({ key: readFileSync(d + '/server.key'), cert: readFileSync(d + '/server.pem'), ca: readFileSync(d + '/ca.pem'),
      requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' }, (req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }); res.end('ok'); });
    });
    s.keepAliveTimeout = 60000;
    s.listen(0, '127.0.0.1', () => console.log('port ' + s.address().port));
    process.on('SIGTERM', () => process.exit(0));`;
  const p = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LV_FLOOR_TLS: tlsDir } });
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    let out = '';
    p.once('exit', (code) => reject(new Error(`bench: the floor server exited (${code})`)));
    p.stdout.on('data', (d) => {
      out += d;
      const m = /port (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), stop: async () => { p.kill('SIGTERM'); await exited; } });
    });
  });
}

if (!isMainThread && workerData?.kind === GENERATOR) {
  const r = await runGenerator(workerData as GeneratorJob);
  parentPort!.postMessage(r, [r.latencies.buffer as ArrayBuffer]);
} else if (isMainThread) {
  if (process.argv.includes('--components')) await components();
  else await main();
}

/**
 * `--components`: what one request costs, piece by piece, without HTTP: the service alone
 * (MemoryStorage), the service on SQLite in groups of 1 and 10 (sync commit, as the crash child),
 * CPU time per request beside wall time (the desk is shared), and the parts the tail is built
 * from — a raw fdatasync on the state disk, an ML-DSA-65 checkpoint signature, SHA-256 of an
 * evidence record, one AES-GCM seal.
 */
async function components(): Promise<void> {
  const { fdatasyncSync, openSync, writeSync, closeSync } = await import('node:fs');
  const { NodeClock } = await import('../hal/node/clock.ts');
  const { NodeEntropy } = await import('../hal/node/entropy.ts');
  const { FileSealer } = await import('../hal/node/file-sealer.ts');
  const { SqliteStorage } = await import('../hal/node/sqlite-storage.ts');
  const { MemoryStorage } = await import('../hal/sim/storage.ts');
  const { SimEntropy } = await import('../hal/sim/entropy.ts');
  const { DEFAULT_SERVICE_CONFIG, KeyService } = await import('../src/agent/service.ts');
  const { handleRequest } = await import('../src/agent/api.ts');
  const { SimKeySupply } = await import('../sim/key-supply.ts');
  const { devMission } = await import('../sim/mission.ts');
  const { sha256 } = await import('@noble/hashes/sha2.js');
  const { ml_dsa65 } = await import('@noble/post-quantum/ml-dsa.js');
  const dir = mkdtempSync(join(tmpdir(), 'lv-components-'));
  console.log(`components (${loadavg().map((x) => x.toFixed(2)).join(' ')} load average on ${cpus().length} cores):`);
  const clock = new NodeClock();
  const entropy = new NodeEntropy();
  const mission = devMission(new SimEntropy(77, 'bench-components'), { linkId: 'sim-link-1', wallMs: clock.wallMs() });
  const N = 3000;
  const cpuMs = (since: NodeJS.CpuUsage) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };
  for (const kind of ['memory', 'sqlite'] as const) {
    const storage = kind === 'memory' ? new MemoryStorage() : new SqliteStorage(join(dir, 'components.db'));
    const group = (work: () => void) => (storage instanceof SqliteStorage ? storage.group(work) : work());
    const sealer = new FileSealer(join(dir, `${kind}.kek`));
    const supply = new SimKeySupply({ linkId: 'sim-link-1', entropy, clock, secureRateBps: 0, blockBits: 65_536, initialBlocks: 64 });
    const service = new KeyService({ storage, sealer, clock, entropy, supplies: [supply], mission: mission.policy }, { ...DEFAULT_SERVICE_CONFIG, checkpointEvery: 1e9 });
    for (let i = 0; i < 8; i++) service.tick();
    const req = (method: string, path: string, body?: string) => {
      const r = handleRequest(service, { listener: 'api', method, path, query: {}, body, caller: 'sae-a' });
      if (r.status >= 300) throw new Error(`bench: ${method} ${path} → ${r.status}`);
      return r;
    };
    const refs: string[] = [];
    group(() => { for (let i = 0; i < 2 * N; i++) refs.push(JSON.parse(req('POST', '/lightvibes/session', JSON.stringify({ peer_id: 'sae-b', policy: { min_keybits: 256, ttl_s: 3600 } })).body).key_ref); });
    for (const batch of kind === 'memory' ? [1] : [1, 10]) {
      const time = (one: () => void) => {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        for (let i = 0; i < N; i += batch) group(() => { for (let j = 0; j < batch; j++) one(); });
        return `${((performance.now() - t0) / N).toFixed(3)} ms wall, ${(cpuMs(c0) / N).toFixed(3)} ms CPU`;
      };
      const get = time(() => req('GET', `/lightvibes/key/${refs.pop()}`));
      const enc = time(() => req('POST', '/api/v1/keys/sae-b/enc_keys', '{"number":1,"size":256}'));
      console.log(`  service on ${kind}${kind === 'sqlite' ? `, ${batch} request(s) per durable commit` : ''}: GET key ${get}; POST enc_keys ${enc} (per request, no HTTP/TLS)`);
    }
    if (storage instanceof SqliteStorage) storage.close();
    sealer.destroy();
  }
  const fd = openSync(join(dir, 'fsync.bin'), 'w');
  const page = new Uint8Array(4096);
  const syncs: number[] = [];
  for (let i = 0; i < 300; i++) { writeSync(fd, page); const t = performance.now(); fdatasyncSync(fd); syncs.push(performance.now() - t); }
  closeSync(fd);
  syncs.sort((x, y) => x - y);
  console.log(`  fdatasync of a 4 KiB append on the state disk: p50 ${pct(syncs, 50).toFixed(3)} ms, p99 ${pct(syncs, 99).toFixed(3)} ms, max ${syncs[syncs.length - 1]!.toFixed(3)} ms`);
  const id = ml_dsa65.keygen(new Uint8Array(32).fill(1));
  let t = performance.now();
  for (let i = 0; i < 10; i++) ml_dsa65.sign(new Uint8Array(90), id.secretKey);
  console.log(`  ML-DSA-65 checkpoint signature: ${((performance.now() - t) / 10).toFixed(2)} ms (now on a worker thread in the server)`);
  const rec = new Uint8Array(600);
  t = performance.now();
  for (let i = 0; i < 10_000; i++) sha256(rec);
  console.log(`  SHA-256 of a 600-byte evidence record: ${((performance.now() - t) / 10).toFixed(2)} µs`);
  const sealer = new FileSealer(join(dir, 'x.kek'));
  t = performance.now();
  for (let i = 0; i < 10_000; i++) sealer.seal(new Uint8Array(32), new Uint8Array(40));
  console.log(`  AES-256-GCM seal of a 32-byte key (FileSealer): ${((performance.now() - t) / 10).toFixed(2)} µs`);
  sealer.destroy();
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const { buildSync } = await import('esbuild');
  const { call, saeAgent } = await import('../test/_https-client.ts');
  const { ROOT } = await import('../test/xs/harness.ts');
  const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1]! : dflt; };
  const rate = Number(arg('--rate', '1000'));
  const seconds = Number(arg('--seconds', '30'));
  const connections = Number(arg('--connections', '128'));
  const serverBundle = arg('--server-bundle', '');
  const stateDir = arg('--state-dir', '') || mkdtempSync(join(tmpdir(), 'lv-bench-'));
  const total = Math.round(rate * seconds);
  let generators = arg('--generator', 'c').split(',');
  if (generators.some((g) => g !== 'c' && g !== 'node')) throw new Error('bench: --generator takes c, node or c,node');
  const cGenerator = generators.includes('c') ? buildLoadgen(ROOT) : {};
  if (generators.includes('c') && !cGenerator.bin) {
    console.log(`bench: the C generator could not be built (${cGenerator.why}); using the Node generator instead`);
    generators = ['node'];
  }
  /** Keys each route uses up: `total` for every generator that runs it (GET refs, POST enc_keys). */
  const keysPerRoute = total * generators.length;
  /** The desk is shared: every figure goes out with the load it was measured under. */
  const load = () => `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cores`;

  async function startServer(): Promise<{ port: number; stop: () => Promise<string> }> {
    const blocks = Math.ceil(((keysPerRoute * 2 + 2000) * 256) / 65536) + 8;
    // bundled as a deployment would run it (no TypeScript loader in the measured process)
    const bundle = serverBundle || join(ROOT, 'build', 'bench', `serve-${process.pid}.mjs`);
    if (!serverBundle) buildSync({ entryPoints: [join(ROOT, 'sim', 'serve.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', external: ['better-sqlite3'], logLevel: 'error' });
    const p = spawn(process.execPath, [...(process.env.LV_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), bundle, '--dev', '--quiet', '--port', '0', '--metrics-port', '0', '--state-dir', stateDir,
      '--sim-rate-bps', '0', '--sim-block-bits', '65536', '--sim-initial-blocks', String(blocks)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LIGHTVIBES_BATCH_STATS: '1' } });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    return new Promise((resolve) => {
      let out = '';
      p.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/listening on https:\/\/127\.0\.0\.1:(\d+)/);
        if (m && out.includes('state in')) resolve({
          port: Number(m[1]),
          stop: async () => { p.kill('SIGTERM'); await exited; if (!serverBundle) rmSync(bundle, { force: true }); return err; },
        });
      });
    });
  }

  const server = await startServer();
  const tls = join(stateDir, 'tls');
  const a = saeAgent(tls, 'sae-a', 64);
  const openLoop = async (name: string, requests: string[], n: number, port = server.port) => {
    for (const generator of generators) {
      const loadBefore = load();
      // each run of a route needs its own refs: a GET list is split between the generators
      const share = requests.length === 1 ? requests : requests.splice(0, n);
      const job: GeneratorJob = { kind: GENERATOR, port, tlsDir: tls, sae: 'sae-a', rate, connections, requests: share, total: n };
      let r: GeneratorResult;
      if (generator === 'c') r = await runLoadgen(cGenerator.bin!, job);
      else {
        const data = { workerData: job };
        const worker = import.meta.url.endsWith('.ts')
          ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`, { ...data, eval: true })
          : new Worker(new URL(import.meta.url), data);
        r = await new Promise<GeneratorResult>((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
        await worker.terminate();
      }
      const lat = r.latencies.sort();
      console.log(`${name} [${generator} generator]: ${n} requests at a target of ${rate}/s for ${seconds} s → sustained ${(n / r.elapsedS).toFixed(0)} req/s; `
        + `latency p50 ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms, max ${lat[lat.length - 1]!.toFixed(2)} ms; statuses ${JSON.stringify(r.statuses)}`);
      const own = `its own CPU ${((r.cpuMs * 1000) / n).toFixed(1)} µs per request`
        + (r.loopP99Ms === undefined ? '' : `, its event-loop delay p99 ${r.loopP99Ms.toFixed(2)} ms, max ${r.loopMaxMs!.toFixed(2)} ms`);
      console.log(`  generator (${generator === 'c' ? 'bench/loadgen.c, own process' : 'Node worker thread'}, ${connections} connections): send lateness (from the due time, waiting for a free connection included) `
        + `p99 ${r.lateP99Ms.toFixed(2)} ms, max ${r.lateMaxMs.toFixed(2)} ms; ${own}`);
      console.log(`  (before: ${loadBefore}; after: ${load()})`);
    }
  };
  try {
    // wait for the pool, then make the refs (not timed)
    for (;;) {
      const s = await call(a, server.port, 'GET', '/api/v1/keys/sae-b/status');
      if (s.json.stored_key_count * 256 >= (keysPerRoute * 2 + 1000) * 256) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const refs: string[] = [];
    for (let i = 0; i < keysPerRoute; i += 64) {
      const batch = await Promise.all(Array.from({ length: Math.min(64, keysPerRoute - i) }, () =>
        call(a, server.port, 'POST', '/lightvibes/session', { peer_id: 'sae-b', policy: { min_keybits: 256, ttl_s: 3600 } })));
      for (const r of batch) if (r.status === 201) refs.push(r.json.key_ref);
    }
    // warm-up
    await Promise.all(Array.from({ length: 200 }, () => call(a, server.port, 'GET', '/api/v1/keys/sae-b/status')));
    const host = 'host: localhost\r\n';
    if (!process.argv.includes('--no-floor')) {
      // the machine's floor, same run: the same generator against a server that does nothing
      const floor = await startFloorServer(tls);
      try {
        await openLoop('floor: GET / on a no-op node:https server (mutual TLS, its own process)', [`GET / HTTP/1.1\r\n${host}\r\n`], total, floor.port);
      } finally {
        await floor.stop();
      }
    }
    await openLoop('GET /lightvibes/key/{ref}', refs.map((ref) => `GET /lightvibes/key/${ref} HTTP/1.1\r\n${host}\r\n`), total);
    const body = JSON.stringify({ number: 1, size: 256 });
    await openLoop('POST /api/v1/keys/sae-b/enc_keys',
      [`POST /api/v1/keys/sae-b/enc_keys HTTP/1.1\r\n${host}content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`], total);
  } finally {
    a.destroy();
    const err = await server.stop();
    for (const line of err.split('\n')) if (line.startsWith('lightvibes:')) console.log(`  server: ${line.slice(12)}`);
    if (!process.argv.includes('--state-dir')) rmSync(stateDir, { recursive: true, force: true });
  }
}

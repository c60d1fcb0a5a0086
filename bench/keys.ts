/**
 * `npm run bench:keys -- [--rate 1000] [--seconds 30] [--state-dir <dir>]`: latency of
 * GET /lightvibes/key/{ref} and POST /api/v1/keys/{slave}/enc_keys against `npm run serve -- --dev`
 * on loopback (HTTPS, mutual TLS, SQLite WAL synchronous=FULL with group commit). Open loop: request
 * i is due at start + i/rate and its latency counts from that moment (no coordinated omission).
 * Prints p50/p99/max and the sustained rate for each route.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { call, saeAgent } from '../test/_https-client.ts';
import { ROOT } from '../test/xs/harness.ts';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1]! : dflt; };
const rate = Number(arg('--rate', '1000'));
const seconds = Number(arg('--seconds', '30'));
const stateDir = arg('--state-dir', '') || mkdtempSync(join(tmpdir(), 'lv-bench-'));
const total = Math.round(rate * seconds);

async function startServer(): Promise<{ port: number; stop: () => void }> {
  const blocks = Math.ceil(((total * 2 + 2000) * 256) / 65536) + 8;
  // bundled as a deployment would run it (no TypeScript loader in the measured process)
  const bundle = join(ROOT, 'build', 'bench', `serve-${process.pid}.mjs`);
  buildSync({ entryPoints: [join(ROOT, 'sim', 'serve.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', external: ['better-sqlite3'], logLevel: 'error' });
  const p = spawn(process.execPath, [...(process.env.LV_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), bundle, '--dev', '--quiet', '--port', '0', '--metrics-port', '0', '--state-dir', stateDir,
    '--sim-rate-bps', '0', '--sim-block-bits', '65536', '--sim-initial-blocks', String(blocks)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on https:\/\/127\.0\.0\.1:(\d+)/);
      if (m && out.includes('state in')) resolve({ port: Number(m[1]), stop: () => { p.kill('SIGTERM'); rmSync(bundle, { force: true }); } });
    });
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The desk is shared: every figure goes out with the load it was measured under. */
const load = () => `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cores`;

async function openLoop(name: string, n: number, send: (i: number) => Promise<number>): Promise<void> {
  const loadBefore = load();
  const lat: number[] = [];
  const statuses = new Map<number, number>();
  const start = performance.now() + 50;
  let sent = 0;
  let done = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      const now = performance.now();
      while (sent < n && start + (sent * 1000) / rate <= now) {
        const due = start + (sent * 1000) / rate;
        const i = sent++;
        send(i).then((status) => {
          lat.push(performance.now() - due);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (++done === n) resolve();
        }, () => { statuses.set(0, (statuses.get(0) ?? 0) + 1); if (++done === n) resolve(); });
      }
      if (sent < n) setImmediate(pump);
    };
    pump();
  });
  const elapsed = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  console.log(`${name}: ${n} requests at a target of ${rate}/s for ${seconds} s → sustained ${(n / elapsed).toFixed(0)} req/s; `
    + `latency p50 ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms, max ${lat[lat.length - 1]!.toFixed(2)} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  console.log(`  (before: ${loadBefore}; after: ${load()})`);
}

const server = await startServer();
const tls = join(stateDir, 'tls');
const a = saeAgent(tls, 'sae-a', 64);
try {
  // wait for the pool, then make the refs (not timed)
  for (;;) {
    const s = await call(a, server.port, 'GET', '/api/v1/keys/sae-b/status');
    if (s.json.stored_key_count * 256 >= (total * 2 + 1000) * 256) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const refs: string[] = [];
  for (let i = 0; i < total; i += 64) {
    const batch = await Promise.all(Array.from({ length: Math.min(64, total - i) }, () =>
      call(a, server.port, 'POST', '/lightvibes/session', { peer_id: 'sae-b', policy: { min_keybits: 256, ttl_s: 3600 } })));
    for (const r of batch) if (r.status === 201) refs.push(r.json.key_ref);
  }
  // warm-up
  await Promise.all(Array.from({ length: 200 }, () => call(a, server.port, 'GET', '/api/v1/keys/sae-b/status')));
  await openLoop('GET /lightvibes/key/{ref}', refs.length, (i) => call(a, server.port, 'GET', `/lightvibes/key/${refs[i]}`).then((r) => r.status));
  await openLoop('POST /api/v1/keys/sae-b/enc_keys', total, () => call(a, server.port, 'POST', '/api/v1/keys/sae-b/enc_keys', { number: 1, size: 256 }).then((r) => r.status));
} finally {
  a.destroy();
  server.stop();
  if (!process.argv.includes('--state-dir')) setTimeout(() => rmSync(stateDir, { recursive: true, force: true }), 500);
}

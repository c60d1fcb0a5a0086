/**
 * `npm run bench:disk-sync -- [--dir <dir>] [--syncs 4000]`
 * What this machine's disk gives a durable commit, with no server around it: the latency of
 * fdatasync after a 16 KiB overwrite (a group commit's WAL frames land in a file that keeps its
 * size), back to back, on the calling thread; then the same while a worker thread appends 200 KiB
 * to a second file every 50 ms and fdatasyncs it (as the WAL checkpointer does to the database).
 * The key service's durable wait (bench/keys.ts: "WAL fdatasync ... mean") can be read against it:
 * what it adds over these figures is not the disk's. Writes into `--dir` (default: the system's
 * temporary directory, where bench/keys.ts keeps its state) and removes what it wrote.
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

const FRAME = 16 << 10;
const SLOTS = 2048;

/** The checkpointer-like writer (a worker thread, CommonJS, eval'd): 50 pages appended and synced every 50 ms. */
const WRITER = `
const { workerData } = require('node:worker_threads');
const { fdatasyncSync, openSync, writeSync } = require('node:fs');
const fd = openSync(workerData.path, 'w');
const page = new Uint8Array(4096).fill(3);
const wake = new Int32Array(new SharedArrayBuffer(4));
for (let offset = 0; ; ) {
  for (let i = 0; i < 50; i++, offset += page.length) writeSync(fd, page, 0, page.length, offset);
  fdatasyncSync(fd);
  Atomics.wait(wake, 0, 0, 50);
}
`;

function percentiles(ms: Float64Array): string {
  const s = Float64Array.from(ms).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(3);
  return `p50 ${at(0.5)} ms, p90 ${at(0.9)}, p99 ${at(0.99)}, p99.9 ${at(0.999)}, max ${s[s.length - 1]!.toFixed(2)}; over 1 ms: ${s.filter((x) => x > 1).length} of ${s.length}`;
}

/** `syncs` overwrites of a 16 KiB slot, each followed by fdatasync; returns each sync's time. */
function measureSyncs(path: string, syncs: number): Float64Array {
  const fd = openSync(path, 'w+');
  const frame = new Uint8Array(FRAME).fill(7);
  for (let i = 0; i < SLOTS; i++) writeSync(fd, frame, 0, FRAME, i * FRAME);
  fdatasyncSync(fd);
  const ms = new Float64Array(syncs);
  for (let i = 0; i < syncs; i++) {
    writeSync(fd, frame, 0, FRAME, (i % SLOTS) * FRAME);
    const t = performance.now();
    fdatasyncSync(fd);
    ms[i] = performance.now() - t;
  }
  closeSync(fd);
  return ms;
}

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1] ?? fallback;
};
const syncs = Number(arg('--syncs', '4000'));
if (!Number.isInteger(syncs) || syncs < 100) throw new RangeError(`--syncs expected an integer ≥ 100, got ${arg('--syncs', '')}`);
const dir = mkdtempSync(join(arg('--dir', tmpdir()), 'lv-disk-sync-'));
try {
  console.log(`fdatasync after a 16 KiB overwrite, ${syncs} back to back, in ${dir}`);
  console.log(`  alone:                                   ${percentiles(measureSyncs(join(dir, 'wal'), syncs))}`);
  const writer = new Worker(WRITER, { eval: true, workerData: { path: join(dir, 'db') } });
  await new Promise((r) => setTimeout(r, 100));
  console.log(`  beside a writer syncing 200 KiB / 50 ms: ${percentiles(measureSyncs(join(dir, 'wal'), syncs))}`);
  await writer.terminate();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

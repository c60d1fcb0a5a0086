/**
 * `bench/loadgen.c` from TypeScript: build it on demand against the system's OpenSSL, hand it one
 * open-loop job, read its figures back. bench/keys.ts drives its routes with it;
 * test/bench-loadgen.test.ts holds it to what it says.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoadJob {
  readonly port: number;
  /** Holds ca.pem and `<sae>.pem` + `<sae>.key` (sim/dev-tls.ts). */
  readonly tlsDir: string;
  readonly sae: string;
  readonly rate: number;
  readonly connections: number;
  /** Whole HTTP/1.1 requests (ASCII): one sent `total` times, or `total` of them, each sent once. */
  readonly requests: readonly string[];
  readonly total: number;
}

export interface LoadResult {
  /** Request i's latency in ms, from its due time to the end of its answer. */
  readonly latencies: Float64Array;
  readonly statuses: Record<string, number>;
  readonly elapsedS: number;
  /** Send lateness from the due time, waiting for a free connection included. */
  readonly lateP99Ms: number;
  readonly lateMaxMs: number;
  /** The generator's CPU time over the run. */
  readonly cpuMs: number;
}

/** Builds bench/loadgen.c into build/bench/loadgen unless that is newer than the source; `why` if it cannot. */
export function buildLoadgen(root: string): { readonly bin?: string; readonly why?: string } {
  const src = join(root, 'bench', 'loadgen.c');
  const bin = join(root, 'build', 'bench', 'loadgen');
  if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(src).mtimeMs) return { bin };
  mkdirSync(join(root, 'build', 'bench'), { recursive: true });
  try {
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-Wall', '-o', bin, src, '-lssl', '-lcrypto'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { bin };
  } catch (e: any) {
    return { why: String(e?.stderr ?? e?.message ?? e).trim().split('\n')[0] };
  }
}

/** The requests file loadgen reads: a u32 count, then (u32 length, bytes) per request, little-endian. */
function requestsFile(requests: readonly string[]): Uint8Array {
  const file = new Uint8Array(4 + requests.reduce((n, r) => n + 4 + r.length, 0));
  const view = new DataView(file.buffer);
  view.setUint32(0, requests.length, true);
  let at = 4;
  for (const r of requests) {
    view.setUint32(at, r.length, true);
    at += 4;
    for (let i = 0; i < r.length; i++) {
      const c = r.charCodeAt(i);
      if (c > 127) throw new RangeError(`"requests" expected ASCII, got code ${c}`);
      file[at++] = c;
    }
  }
  return file;
}

/** Runs one job in loadgen's own process; rejects with its message if it fails. */
export async function runLoadgen(bin: string, job: LoadJob): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lv-loadgen-'));
  try {
    writeFileSync(join(dir, 'requests.bin'), requestsFile(job.requests));
    const args = ['--port', String(job.port), '--ca', join(job.tlsDir, 'ca.pem'), '--cert', join(job.tlsDir, `${job.sae}.pem`),
      '--key', join(job.tlsDir, `${job.sae}.key`), '--servername', 'localhost', '--rate', String(job.rate),
      '--connections', String(job.connections), '--total', String(job.total), '--requests', join(dir, 'requests.bin'),
      '--out', join(dir, 'latencies.bin')];
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => { stdout += d; });
      p.stderr.on('data', (d) => { stderr += d; });
      p.once('error', reject);
      p.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`loadgen exited ${code}: ${stderr.trim()}`))));
    });
    const r = JSON.parse(out);
    const raw = readFileSync(join(dir, 'latencies.bin'));
    if (raw.byteLength !== job.total * 8) throw new Error(`loadgen wrote ${raw.byteLength} bytes of latencies, expected ${job.total * 8}`);
    const latencies = new Float64Array(job.total);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < job.total; i++) latencies[i] = view.getFloat64(i * 8, true);
    return { latencies, statuses: r.statuses, elapsedS: r.elapsed_s, lateP99Ms: r.late_p99_ms, lateMaxMs: r.late_max_ms, cpuMs: r.cpu_ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

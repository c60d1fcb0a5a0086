/**
 * Node's side of a HIL run with the agent in our XS host: start the rig emulator (sim/rig/main.ts)
 * in its own process, bundle sim/rig/hil-agent.xs.ts for XS, run it in lvxs against the rig, and
 * read back its `HIL {json}` line. Or, bridge only, one bad-input case (sim/rig/hil-bad.xs.ts, its
 * `BAD {json}` line). Used by test/hil-xs.test.ts and bench/heap.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundleForXs, LVXS, ROOT, taggedLines } from '../../test/xs/harness.ts';

export interface RigProcess {
  readonly proc: ChildProcess;
  /** The UDP port it listens on (undefined on a serial line). */
  readonly port?: number;
  /** Stops it (SIGTERM) and resolves with its counters (`RIG stats`), null if it had already exited. */
  stats(): Promise<any>;
}

/** Starts the rig emulator with `args` (see sim/rig/main.ts) and waits for its `RIG …` line. */
export async function startRig(args: string[]): Promise<RigProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sim/rig/main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const port = await new Promise<number | undefined>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rig did not start: ${err}`)), 20_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /^RIG (udp (\d+)|serial)/m.exec(out);
      if (m) { clearTimeout(timer); resolve(m[2] ? Number(m[2]) : undefined); }
    });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`rig exited with ${code}: ${err}`)); });
  });
  const stats = () => new Promise<any>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve(null);
    // 'close', not 'exit': only then has all of its stdout been read
    proc.once('close', () => resolve(JSON.parse(/RIG stats (.*)/.exec(out)?.[1] ?? 'null')));
    proc.kill('SIGTERM');
  });
  return { proc, port, stats };
}

const bundles = new Map<string, string>();

/** Bundles `entry` (once per process) and runs it in lvxs with `options` to its end; its one `tag` line, parsed. Throws with its stderr if it failed. */
async function runXsScript(entry: string, tag: string, options: Record<string, unknown>): Promise<any> {
  let bundled = bundles.get(entry);
  if (!bundled) bundles.set(entry, (bundled = bundleForXs(join(ROOT, 'sim/rig', `${entry}.xs.ts`), entry)));
  const proc = spawn(LVXS, [bundled, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  // 'close', not 'exit': 'exit' may come before the last of stdout is read (seen under load: exit 0, no line)
  const code = await new Promise<number | null>((resolve) => proc.once('close', resolve));
  const lines = taggedLines(out, tag);
  if (code !== 0 || lines.length !== 1) throw new Error(`lvxs ${entry} exited with ${code}: ${err.slice(0, 2000)}`);
  return lines[0];
}

/** Runs the XS agent with `options` (sim/rig/hil-agent.xs.ts) to its end; its `HIL` line, parsed. Throws with its stderr if it failed. */
export function runXsAgent(options: Record<string, unknown>): Promise<any> {
  return runXsScript('hil-agent', 'HIL', options);
}

/** Runs one bad-input case in XS (sim/rig/hil-bad.xs.ts: bridge only, no QKD block) to its end; its `BAD` line, parsed. */
export function runXsBadInput(options: Record<string, unknown>): Promise<any> {
  return runXsScript('hil-bad', 'BAD', options);
}

/**
 * One crash-injection step for the harnesses (harness.ts, capsule-harness.ts): run a bundled child,
 * wait for its READY line, SIGKILL it `killAfterMs` later, and hand back what it printed. A child
 * that ends by itself is a failure (it was meant to die mid-work); `guardMs` kills a hung one.
 */
import { spawn } from 'node:child_process';

export function runUntilKilled(child: string, args: readonly string[], killAfterMs: number, guardMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    p.stdout.on('data', (d) => {
      out += d;
      if (!timer && out.includes('READY')) timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
    });
    p.stderr.on('data', (d) => { err += d; });
    const guard = setTimeout(() => p.kill('SIGKILL'), guardMs);
    p.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited by itself (code ${code}): ${err.slice(0, 800)}`));
      else resolve(out);
    });
  });
}

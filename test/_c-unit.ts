/**
 * Builds and runs one C unit test (native/kernels/test_<kernel>.c with <kernel>.c; a name with a
 * folder, 'os/scratch', is native/os/test_scratch.c with scratch.c) under cc -std=c11 -Wall
 * -Wextra: it must compile without a warning, exit 0 and report 0 failures.
 * Returns what it printed, for the caller's own checks (backend, digests).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { ROOT } from './xs/harness.ts';

export function runCUnitTest(kernel: string, flags: readonly string[] = []): string {
  const work = join(ROOT, 'build', 'c-unit');
  mkdirSync(work, { recursive: true });
  const [folder, name] = kernel.includes('/') ? kernel.split('/') as [string, string] : ['kernels', kernel];
  const exe = join(work, `test_${name}-${process.pid}`);
  const cc = spawnSync('cc', ['-std=c11', '-O2', '-Wall', '-Wextra', ...flags, '-o', exe,
    join(ROOT, `native/${folder}/test_${name}.c`), join(ROOT, `native/${folder}/${name}.c`)], { encoding: 'utf8' });
  assert.is(cc.status, 0, `cc failed:\n${cc.stderr}`);
  assert.is(cc.stderr, '', `cc warned:\n${cc.stderr}`);
  const run = spawnSync(exe, [], { encoding: 'utf8', timeout: 60_000 });
  rmSync(exe, { force: true });
  assert.is(run.status, 0, `${run.stdout}${run.stderr}`);
  assert.match(run.stdout, / 0 failures/);
  return run.stdout;
}

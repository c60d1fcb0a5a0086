/**
 * Node's side of the XS runs: bundle a TypeScript entry for XS with esbuild, run it in lvxs,
 * and parse what it prints. esbuild lowers class static fields, which XS 13.3 rejects in noble.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LVXS = join(ROOT, 'build', 'host', 'lvxs');

/** Bundles `entry` to build/xs/<name>-<pid>.js (per process, so parallel runs do not collide). */
export function bundleForXs(entry: string, name: string): string {
  const outfile = join(ROOT, 'build', 'xs', `${name}-${process.pid}.js`);
  mkdirSync(dirname(outfile), { recursive: true });
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    supported: { 'class-static-field': false },
    logLevel: 'error',
  });
  return outfile;
}

export interface XsRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export function runOnXs(script: string, args: string[] = [], timeoutMs = 300_000): XsRun {
  if (!existsSync(LVXS)) throw new Error(`${LVXS} is missing: run npm install (or npm run build:native)`);
  const started = performance.now();
  const r = spawnSync(LVXS, [script, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

/** Lines `TAG {json}` of a run, parsed. */
export function taggedLines(stdout: string, tag: string): any[] {
  return stdout.split('\n').filter((l) => l.startsWith(`${tag} `)).map((l) => JSON.parse(l.slice(tag.length + 1)));
}

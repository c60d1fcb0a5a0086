#!/usr/bin/env node
// `npx lightvibes sim <scenario|file> [--seed N] [--out DIR] [--json]`: runs sim/cli.ts under tsx.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...rest] = process.argv.slice(2);
if (command !== 'sim') {
  console.error('usage: lightvibes sim <scenario|file.json> [--seed N] [--out DIR] [--json] [--no-engine] | lightvibes sim --list');
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'sim', 'cli.ts'), 'sim', ...rest], { stdio: 'inherit', cwd: process.cwd() });
process.exit(r.status ?? 1);

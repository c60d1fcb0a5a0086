/** Reads every golden vector file (Node side). */
import { readdirSync, readFileSync } from 'node:fs';
import type { VectorFile } from './types.ts';

export function loadVectorFiles(): VectorFile[] {
  const dir = new URL('./', import.meta.url);
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as VectorFile);
}

/**
 * Loading one of our Node-API addons (native/node/build/Release/*.node, built by `npm install`):
 * the file must exist, load, and have every function its TypeScript side calls. Anything else is
 * the caller's own typed MISSING error, whose message names the fix; never a silent fallback.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export function loadAddon<T>(path: string, functions: readonly (keyof T & string)[], missing: (detail: string) => Error): T {
  if (!existsSync(path)) throw missing(`${path} is not built; run \`npm run build:native\``);
  let loaded: T;
  try {
    loaded = createRequire(import.meta.url)(path) as T;
  } catch (e) {
    throw missing(`cannot load ${path}: ${(e as Error).message}`);
  }
  for (const name of functions)
    if (typeof loaded[name] !== 'function') throw missing(`the addon has no ${name} (stale build; run \`npm run build:native\`)`);
  return loaded;
}

/**
 * Node ↔ XS interop for QSP: Node runs a whole seeded session (handshake, data both ways, rekeys,
 * close) and logs what each side received and was asked to do; lvxs then plays one side alone —
 * the server against Node's client datagrams, then the client against Node's server datagrams —
 * and must send exactly the datagrams Node's side sent, byte for byte (SHA-256 over all of them).
 * Because every input is seeded, this is the same conversation with one end on each runtime.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForXs, ROOT, runOnXs, taggedLines } from '../test/xs/harness.ts';
import { replaySide, runScenario, type ScenarioLog, type ScenarioSpec } from './qsp-pair.ts';

export interface InteropReport {
  readonly spec: ScenarioSpec;
  readonly wireDigest: string;
  readonly sides: Array<{ role: 'client' | 'server'; node: ReturnType<typeof replaySide>; xs: ReturnType<typeof replaySide> & { ms: number }; equal: boolean }>;
  readonly ok: boolean;
}

export function runInterop(spec: ScenarioSpec): InteropReport {
  const log: ScenarioLog = { client: [], server: [] };
  const scenario = runScenario(spec, undefined, log);
  const bundle = bundleForXs(join(ROOT, 'sim', 'qsp-interop.xs.ts'), 'qsp-interop');
  const sides: InteropReport['sides'] = [];
  try {
    for (const role of ['server', 'client'] as const) {
      const file = join(ROOT, 'build', 'xs', `interop-${role}-${process.pid}.json`);
      writeFileSync(file, JSON.stringify({ spec, role, events: log[role] }));
      const run = runOnXs(bundle, [file], 3600_000);
      rmSync(file);
      if (run.status !== 0) throw new Error(`lvxs (${role}) exited with ${run.status}: ${run.stderr}`);
      const xs = taggedLines(run.stdout, 'INTEROP')[0];
      const node = replaySide(spec, role, log[role]);
      const { ms, ...xsResult } = xs;
      sides.push({ role, node, xs, equal: JSON.stringify(node) === JSON.stringify(xsResult) });
    }
  } finally {
    rmSync(bundle);
  }
  return { spec, wireDigest: scenario.wireDigest, sides, ok: sides.every((s) => s.equal) && scenario.delivered === spec.frames };
}

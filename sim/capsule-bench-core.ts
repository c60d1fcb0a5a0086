/**
 * What bench/capsule.ts times, runtime-agnostic (Node, and lvxs via sim/capsule-bench.xs.ts):
 * capsule size for a 256-bit key with 1..3 recipients, and seal / open of a one-recipient capsule
 * (open = verify + decapsulate + unwrap + decrypt, with a fresh replay ledger per open).
 */
import { SimClock } from '../hal/sim/clock.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { MemoryStorage } from '../hal/sim/storage.ts';
import { generateCapsuleIdentity, pinDirectory } from '../src/capsule/identity.ts';
import { CapsuleOpener } from '../src/capsule/open.ts';
import { sealCapsule } from '../src/capsule/seal.ts';
import { measure, type Timing } from '../bench/_measure.ts';

export interface CapsuleBench {
  readonly sizes: Record<string, number>;
  readonly seal: Timing;
  readonly open: Timing;
}

export function benchCapsule(now: () => number, runs: number, warmup: number): CapsuleBench {
  const e = new SimEntropy(1, 'capsule-bench');
  const ids = ['sat-1', 'gs-a', 'gs-b', 'gs-c'].map((id) => generateCapsuleIdentity(id, e));
  const [sender, ...rcpts] = ids as [typeof ids[0], ...typeof ids];
  const clock = new SimClock(Date.UTC(2026, 10, 23));
  const t0 = clock.wallMs();
  const seal = (n: number) => sealCapsule({ sender, recipients: rcpts.slice(0, n), key: e.randomBytes(32), keyId: e.randomBytes(16), entropy: e, notBeforeMs: t0, notAfterMs: t0 + 3_600_000, hopLimit: 8 });
  const sizes: Record<string, number> = {};
  for (const n of [1, 2, 3]) sizes[`${n} recipient${n > 1 ? 's' : ''}`] = seal(n).bytes.length;
  const directory = pinDirectory(ids);
  let bytes = seal(1).bytes;
  const sealT = measure(now, () => (bytes = seal(1).bytes), runs, warmup);
  const openT = measure(now, () => {
    const r = new CapsuleOpener({ identity: rcpts[0]!, directory, storage: new MemoryStorage(), clock }).open(bytes);
    if (!r.ok) throw new Error(`open failed: ${r.detail}`);
  }, runs, warmup);
  return { sizes, seal: sealT, open: openT };
}

/** Capsule seal/open inside lvxs; prints `BENCH {json}` for bench/capsule.ts. scriptArgs = runs */
import { XsClock } from '../hal/xs/clock.ts';
import { benchCapsule } from './capsule-bench-core.ts';

const clock = new XsClock();
print(`BENCH ${JSON.stringify(benchCapsule(clock.monotonicMs, Number(scriptArgs[0] ?? 1), 0))}`);

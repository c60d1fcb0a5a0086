/** The small QKD block timed inside lvxs; prints `BENCH {json}` for bench/qkd.ts. */
import { XsClock } from '../hal/xs/clock.ts';
import { runtimeKernels } from '../src/kernels/registry.ts';
import { runSmallBlock } from '../sim/qkd-small.ts';
import { measure } from './_measure.ts';

const clock = new XsClock();
let outcome = runSmallBlock(1, runtimeKernels());
const timing = measure(clock.monotonicMs, () => (outcome = runSmallBlock(1, runtimeKernels())), Number(scriptArgs[0] ?? 2), 0);
const a = outcome.alice!;
print(`BENCH ${JSON.stringify({ timing, id: a.id, keyBits: a.keyBits, sifted: a.stats.keyBasis.reduce((x, y) => x + y, 0), kernels: a.kernels })}`);

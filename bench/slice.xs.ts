/** The 100,000-pulse slice timed inside lvxs; prints `BENCH {json}` for bench/index.ts. */
import { XsClock } from '../hal/xs/clock.ts';
import { xsHeap } from '../hal/xs/heap.ts';
import { DEFAULT_SLICE, runBb84Slice } from '../sim/bb84-slice.ts';
import { measure } from './_measure.ts';

const runs = Number(scriptArgs[0] ?? 5);
const clock = new XsClock();
const before = xsHeap(true);
let transcript = '';
const timing = measure(clock.monotonicMs, () => (transcript = runBb84Slice(DEFAULT_SLICE).aliceTranscript), runs);
const after = xsHeap(true);
print(`BENCH ${JSON.stringify({ timing, transcript, heap: { before, after } })}`);

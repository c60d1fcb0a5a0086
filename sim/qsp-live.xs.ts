/**
 * Live Node ↔ XS QSP run, XS side (sim/qsp-live.ts starts it): reads its setup — spec, role and
 * script — as the first record on stdin, plays that side against the live peer over the stdio
 * link, and sends its result as the last record. Prints nothing: stdout carries the records.
 */
import { XsClock } from '../hal/xs/clock.ts';
import { StdioLink } from '../hal/xs/stdio-link.ts';
import { liveSide, type ScenarioSpec } from './qsp-pair.ts';

const link = new StdioLink();
const first = link.receive();
if (!first) throw new Error('qsp-live: no setup record on stdin');
const setup = JSON.parse(new TextDecoder().decode(first)) as { spec: ScenarioSpec; role: 'client' | 'server'; script: string };
const clock = new XsClock();
const t = clock.monotonicMs();
const side = liveSide(setup.spec, setup.role, setup.script);
let step = side.next();
while (!step.done) {
  if (step.value.kind === 'send') {
    link.send(step.value.datagram);
    step = side.next();
  } else step = side.next(link.receive());
}
link.send(new TextEncoder().encode(JSON.stringify({ ...step.value, ms: clock.monotonicMs() - t })));
link.close();

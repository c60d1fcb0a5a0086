/** Node ↔ XS interop, XS side: replays one side of a logged session (file scriptArgs[0]); prints `INTEROP {json}`. */
import { XsClock } from '../hal/xs/clock.ts';
import { replaySide, type ScenarioSpec, type SideEvent } from './qsp-pair.ts';

const input = JSON.parse(new TextDecoder().decode(new Uint8Array(native('xs_lv_read_file')(scriptArgs[0])))) as {
  spec: ScenarioSpec; role: 'client' | 'server'; events: SideEvent[];
};
const clock = new XsClock();
const t = clock.monotonicMs();
const result = replaySide(input.spec, input.role, input.events);
print(`INTEROP ${JSON.stringify({ ...result, ms: clock.monotonicMs() - t })}`);

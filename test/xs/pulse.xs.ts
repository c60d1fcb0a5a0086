/**
 * What test/pulse-kernel.test.ts runs inside lvxs: the pulse kernel through its xsmc binding
 * (hal/moddable/pulse.ts) on the cases in the JSON file scriptArgs[0], and the reference on XS
 * for the same cases. One line per case: `PULSE {json}`.
 */
import { xsPulseKernel } from '../../hal/moddable/pulse.ts';
import { referencePulseKernel, type PulseKernel } from '../../src/pulse/kernel.ts';
import { PulseError } from '../../src/pulse/errors.ts';

const input = JSON.parse(new TextDecoder().decode(new Uint8Array(native('xs_lv_read_file')(scriptArgs[0]))));
const kernel = xsPulseKernel();

function run(k: PulseKernel, c: any): unknown {
  try {
    if (c.kind === 'schedule') {
      const s = k.schedule(Uint8Array.from(c.bits), Uint8Array.from(c.bases), Uint8Array.from(c.intensities), c.firstSlot, c.timing);
      return { words: Array.from(s.words), edges: Array.from(s.edges) };
    }
    const b = k.bin(Uint32Array.from(c.stamps), Uint8Array.from(c.detectors), c.gate);
    return { slots: Array.from(b.slots), masks: Array.from(b.masks), stats: b.stats };
  } catch (e) {
    return { reason: e instanceof PulseError ? e.reason : String(e), index: (e as PulseError).index };
  }
}

for (const c of input.cases as any[])
  print(`PULSE ${JSON.stringify({ name: c.name, native: run(kernel, c), reference: run(referencePulseKernel, c), runtime: kernel.runtime })}`);

/**
 * Detector masks (from binDetections) → the Photonics port's Detections, with the squashing
 * convention of hal/sim/photonics.ts: a single click gives its basis and bit; a double click is
 * kept with a random bit (and, when the clicks span both bases, a random basis) and counted.
 * Randomness comes from the caller (an Entropy port), never from the runtime.
 */
import type { Detections } from '../../hal/photonics.ts';

/** `randomBit()` returns 0 or 1 from the agent's entropy source. */
export function detectionsFromMasks(slots: Uint32Array, masks: Uint8Array, randomBit: () => number): Detections {
  const n = slots.length;
  const bases = new Uint8Array(n), bits = new Uint8Array(n);
  let doubleClicks = 0;
  for (let i = 0; i < n; i++) {
    const m = masks[i]!;
    if ((m & (m - 1)) === 0) {
      const d = 31 - Math.clz32(m);
      bases[i] = d >> 1;
      bits[i] = d & 1;
      continue;
    }
    doubleClicks++;
    const z = m & 3, x = m & 12;
    bases[i] = z && x ? randomBit() & 1 : x ? 1 : 0;
    bits[i] = randomBit() & 1;
  }
  return { slots: slots.slice(), bases, bits, doubleClicks };
}

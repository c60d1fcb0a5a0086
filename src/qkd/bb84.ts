/**
 * BB84 state preparation (DESIGN §2 step 2, seed 000 "Micropulse Exchange"): for each slot Alice
 * draws a random bit and a random basis from the Entropy port. Two bits of entropy per slot:
 * byte b of the draw serves slots 4b..4b+3, bit 2j the key bit and bit 2j+1 the basis of slot 4b+j.
 * This slice emits signal pulses only; decoy classes come with the decoy-state engine.
 */
import type { Entropy } from '../../hal/entropy.ts';
import { Intensity, type PulseTrain } from '../../hal/photonics.ts';
import { checkInteger } from '../_check.ts';

export const MAX_PULSES_PER_BLOCK = 2 ** 28;

export function prepareTrain(entropy: Entropy, count: number): PulseTrain {
  checkInteger('count', count, 1, MAX_PULSES_PER_BLOCK);
  const draw = entropy.randomBytes(Math.ceil(count / 4));
  const bits = new Uint8Array(count);
  const bases = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = draw[i >>> 2]! >>> ((i & 3) << 1);
    bits[i] = v & 1;
    bases[i] = (v >>> 1) & 1;
  }
  draw.fill(0);
  return { count, bits, bases, intensities: new Uint8Array(count).fill(Intensity.SIGNAL) };
}

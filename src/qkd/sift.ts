/**
 * Basis sifting and sample selection (DESIGN §2 step 3): keep the detections whose measurement
 * basis matches Alice's preparation basis; choose the positions disclosed to estimate the QBER.
 */
import type { Entropy } from '../../hal/entropy.ts';
import { checkInteger, checkNumber } from '../_check.ts';

/** 1 for each detection whose basis matches Alice's basis in that slot. */
export function siftMask(aliceBases: Uint8Array, slots: Uint32Array, bobBases: Uint8Array): Uint8Array {
  if (slots.length !== bobBases.length) throw new RangeError('"bobBases" expected one per detection');
  const keep = new Uint8Array(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const a = aliceBases[slots[i]!];
    if (a === undefined) throw new RangeError(`"slots[${i}]" = ${slots[i]} is outside the pulse train`);
    keep[i] = a === bobBases[i] ? 1 : 0;
  }
  return keep;
}

/** The values at the positions a mask selects, in order. */
export function selectByMask(values: Uint8Array, mask: Uint8Array, select = 1): Uint8Array {
  if (values.length !== mask.length) throw new RangeError(`"mask" expected length ${values.length}, got ${mask.length}`);
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === select) n++;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i] === select) out[j++] = values[i]!;
  return out;
}

/**
 * Each of `length` positions joins the sample with probability `fraction`, decided by a fresh
 * 32-bit draw from the Entropy port, so the peer cannot predict which bits are disclosed.
 */
export function chooseSample(entropy: Entropy, length: number, fraction: number): Uint8Array {
  checkInteger('length', length);
  checkNumber('fraction', fraction, 0, 1);
  const threshold = Math.floor(fraction * 4294967296);
  const draw = entropy.randomBytes(4 * length);
  const sample = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const v = ((draw[4 * i]! << 24) | (draw[4 * i + 1]! << 16) | (draw[4 * i + 2]! << 8) | draw[4 * i + 3]!) >>> 0;
    sample[i] = v < threshold ? 1 : 0;
  }
  draw.fill(0);
  return sample;
}

/**
 * Decoy-state BB84 state preparation (DESIGN §2 step 2; Lim, Curty, Walenta, Xu, Zbinden,
 * PRA 89, 022307, 2014): per slot Alice draws a key bit, a basis with a bias towards the key
 * basis, and one of three intensity classes μ1 > μ2 + μ3, μ2 > μ3 ≥ 0 (signal, decoy, vacuum or
 * weak decoy). Basis 0 is the key basis (Lim et al.'s X), basis 1 the test basis (their Z).
 *
 * One 32-bit draw from the Entropy port per slot: bit 0 the key bit, bits 1–15 the basis
 * (P(key basis) quantised to 15 bits), bits 16–31 the class (probabilities quantised to 16
 * bits). The quantised probabilities are the ones the source really implements, so they are the
 * ones the security bound must use: checkDecoySource returns them.
 */
import type { Entropy } from '../../hal/entropy.ts';
import type { PulseTrain } from '../../hal/photonics.ts';
import { checkInteger, checkNumber, checkObject } from '../_check.ts';
import { MAX_PULSES_PER_BLOCK } from './bb84.ts';

export const KEY_BASIS = 0;
export const TEST_BASIS = 1;

export interface DecoySource {
  /** Mean photon numbers [μ1 (signal), μ2 (decoy), μ3 (vacuum or weak decoy)]. */
  readonly intensities: readonly [number, number, number];
  /** Probabilities [p1, p2, p3] of the three classes; they sum to 1. */
  readonly probabilities: readonly [number, number, number];
  /** Probability that a slot is prepared in the key basis, in (0, 1). */
  readonly keyBasisProbability: number;
}

const CLASS_SCALE = 65536;
const BASIS_SCALE = 32768;

/** Checks a source and returns it with the probabilities the 16/15-bit draws really implement. */
export function checkDecoySource(source: unknown, field = 'source'): DecoySource {
  const s = checkObject(field, source, ['intensities', 'probabilities', 'keyBasisProbability']);
  const mu = s.intensities;
  const p = s.probabilities;
  if (!Array.isArray(mu) || mu.length !== 3) throw new TypeError(`"${field}.intensities" expected [μ1, μ2, μ3]`);
  if (!Array.isArray(p) || p.length !== 3) throw new TypeError(`"${field}.probabilities" expected [p1, p2, p3]`);
  mu.forEach((m, i) => checkNumber(`${field}.intensities[${i}]`, m, 0, 100));
  p.forEach((x, i) => checkNumber(`${field}.probabilities[${i}]`, x, 0, 1));
  const [m1, m2, m3] = mu as number[];
  if (!(m2! > m3! && m1! > m2! + m3!))
    throw new RangeError(`"${field}.intensities" expected μ1 > μ2 + μ3 and μ2 > μ3 ≥ 0, got [${mu.join(', ')}]`);
  const sum = (p as number[]).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`"${field}.probabilities" expected to sum to 1, got ${sum}`);
  const q = checkNumber(`${field}.keyBasisProbability`, s.keyBasisProbability, 0, 1);
  // Quantise: class thresholds on a 16-bit draw, the key-basis threshold on a 15-bit draw.
  const t1 = Math.round((p[0] as number) * CLASS_SCALE);
  const t2 = Math.round(((p[0] as number) + (p[1] as number)) * CLASS_SCALE);
  const probabilities: [number, number, number] = [t1 / CLASS_SCALE, (t2 - t1) / CLASS_SCALE, (CLASS_SCALE - t2) / CLASS_SCALE];
  if (probabilities.some((x) => x === 0))
    throw new RangeError(`"${field}.probabilities" expected every class above 2^-16, got [${p.join(', ')}]`);
  const keyThreshold = Math.round(q * BASIS_SCALE);
  if (keyThreshold === 0 || keyThreshold === BASIS_SCALE)
    throw new RangeError(`"${field}.keyBasisProbability" expected a number strictly between 0 and 1, got ${q}`);
  return { intensities: [m1!, m2!, m3!], probabilities, keyBasisProbability: keyThreshold / BASIS_SCALE };
}

/** Alice's pulse train for one block. */
export function prepareDecoyTrain(entropy: Entropy, count: number, source: DecoySource): PulseTrain {
  checkInteger('count', count, 1, MAX_PULSES_PER_BLOCK);
  const s = checkDecoySource(source);
  const t1 = Math.round(s.probabilities[0] * CLASS_SCALE);
  const t2 = t1 + Math.round(s.probabilities[1] * CLASS_SCALE);
  const keyThreshold = Math.round(s.keyBasisProbability * BASIS_SCALE);
  const bits = new Uint8Array(count);
  const bases = new Uint8Array(count);
  const intensities = new Uint8Array(count);
  const chunk = 16384;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const draw = entropy.randomBytes(4 * n);
    for (let i = 0; i < n; i++) {
      const b0 = draw[4 * i]!;
      const basisDraw = (b0 >>> 1) | (draw[4 * i + 1]! << 7); // 15 bits
      const classDraw = draw[4 * i + 2]! | (draw[4 * i + 3]! << 8); // 16 bits
      bits[start + i] = b0 & 1;
      bases[start + i] = basisDraw < keyThreshold ? KEY_BASIS : TEST_BASIS;
      intensities[start + i] = classDraw < t1 ? 0 : classDraw < t2 ? 1 : 2;
    }
    draw.fill(0);
  }
  return { count, bits, bases, intensities };
}

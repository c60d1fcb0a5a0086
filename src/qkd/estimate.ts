/**
 * Parameter estimation of a decoy-state block (DESIGN §2 step 4): counts per intensity class of
 * the kept key-basis bits and of the disclosed test-basis bits, their QBER and policy state, and
 * the secret key length ℓ of the finite-key bound (finite-key.ts, Lim et al. 2014) for a given
 * number of leaked bits. Both peers compute the same numbers from the same public data.
 */
import { checkNumber } from '../_check.ts';
import { classifyQber, DEFAULT_QBER_THRESHOLDS, type QberState, type QberThresholds } from '../policy/qber.ts';
import type { DecoySource } from './decoy.ts';
import { finiteKeyBound, type FiniteKeyBound } from './finite-key.ts';

export interface SecurityParameters {
  /** Secrecy ε_sec of the final key. */
  readonly epsSec: number;
  /** Correctness ε_cor of the final key (the verification tag's collision bound must be below it). */
  readonly epsCor: number;
  readonly thresholds: QberThresholds;
}

export const DEFAULT_SECURITY: SecurityParameters = { epsSec: 1e-10, epsCor: 1e-15, thresholds: DEFAULT_QBER_THRESHOLDS };

export function checkSecurity(s: SecurityParameters, field = 'security'): SecurityParameters {
  const eps = (name: string, v: number) => {
    checkNumber(`${field}.${name}`, v, 0, 1);
    if (v === 0 || v === 1) throw new RangeError(`"${field}.${name}" expected a number strictly between 0 and 1, got ${v}`);
  };
  eps('epsSec', s.epsSec);
  eps('epsCor', s.epsCor);
  return s;
}

export interface ClassCounts {
  /** Per class [signal, decoy, vacuum/weak]. */
  readonly key: [number, number, number];
  readonly test: [number, number, number];
  readonly testErrors: [number, number, number];
}

/** Counts per class: `keyClasses` one entry per key bit, `testClasses`/`testErrors` one per test bit. */
export function countClasses(keyClasses: Uint8Array, testClasses: Uint8Array, aliceTest: Uint8Array, bobTest: Uint8Array): ClassCounts {
  if (aliceTest.length !== testClasses.length || bobTest.length !== testClasses.length)
    throw new RangeError('"bobTest" expected one bit per test-basis detection');
  const key = [0, 0, 0];
  const test = [0, 0, 0];
  const testErrors = [0, 0, 0];
  for (let i = 0; i < keyClasses.length; i++) key[keyClasses[i]!]!++;
  for (let i = 0; i < testClasses.length; i++) {
    test[testClasses[i]!]!++;
    testErrors[testClasses[i]!]! += (aliceTest[i]! ^ bobTest[i]!) & 1;
  }
  return { key: key as ClassCounts['key'], test: test as ClassCounts['test'], testErrors: testErrors as ClassCounts['testErrors'] };
}

export interface QberReading {
  readonly qber: number;
  /** The estimate plus one standard deviation: what reconciliation is planned for. */
  readonly planningQber: number;
  readonly state: QberState;
}

export function readQber(counts: ClassCounts, security: SecurityParameters): QberReading {
  const n = counts.test[0] + counts.test[1] + counts.test[2];
  const errors = counts.testErrors[0] + counts.testErrors[1] + counts.testErrors[2];
  const qber = n ? errors / n : 1;
  const planningQber = Math.min(0.5, n ? qber + Math.sqrt((qber * (1 - qber) + 1 / n) / n) : 0.5);
  return { qber, planningQber, state: classifyQber(qber, security.thresholds) };
}

/** ℓ for these counts with `leakedBits` disclosed by reconciliation. */
export function secretKeyLength(counts: ClassCounts, source: DecoySource, leakedBits: number, security: SecurityParameters): FiniteKeyBound {
  return finiteKeyBound({
    decoy: { intensities: source.intensities, probabilities: source.probabilities },
    keyBasis: { detections: counts.key, errors: [0, 0, 0] },
    testBasis: { detections: counts.test, errors: counts.testErrors },
    leakedBits,
    epsSec: security.epsSec,
    epsCor: security.epsCor,
  });
}

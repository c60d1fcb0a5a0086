/**
 * QBER estimate from a disclosed sample (DESIGN §2 step 4): errors / sample size, with its
 * binomial standard error. The decoy-state and finite-key bounds build on this estimate.
 */
export interface QberEstimate {
  readonly sampleSize: number;
  readonly errors: number;
  readonly qber: number;
  /** Binomial standard error of `qber`. */
  readonly standardError: number;
}

export function countErrors(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`"b" expected length ${a.length}, got ${b.length}`);
  let errors = 0;
  for (let i = 0; i < a.length; i++) errors += (a[i]! ^ b[i]!) & 1;
  return errors;
}

export function estimateQber(errors: number, sampleSize: number): QberEstimate {
  if (!Number.isInteger(sampleSize) || sampleSize < 1) throw new RangeError(`"sampleSize" expected an integer ≥ 1, got ${sampleSize}`);
  if (!Number.isInteger(errors) || errors < 0 || errors > sampleSize)
    throw new RangeError(`"errors" expected an integer in [0, ${sampleSize}], got ${errors}`);
  const qber = errors / sampleSize;
  return { sampleSize, errors, qber, standardError: Math.sqrt((qber * (1 - qber)) / sampleSize) };
}

/**
 * Argument and configuration checks, noble style: each names the argument and says what was
 * wanted. Wrong type → TypeError; wrong length or range → RangeError. Configuration is checked
 * in full before anything runs, so nothing half-runs on bad input.
 */

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (value instanceof Uint8Array) return `Uint8Array(length=${value.length})`;
  return typeof value;
}

/** A finite number in [min, max]. */
export function checkNumber(field: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new TypeError(`"${field}" expected a finite number, got ${show(value)}`);
  if (value < min || value > max)
    throw new RangeError(`"${field}" expected a number in [${min}, ${max}], got ${value}`);
  return value;
}

/** A safe integer in [min, max]. */
export function checkInteger(field: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new TypeError(`"${field}" expected an integer, got ${show(value)}`);
  if (value < min || value > max)
    throw new RangeError(`"${field}" expected an integer in [${min}, ${max}], got ${value}`);
  return value;
}

/** A probability: a finite number in [0, 1]. */
export function checkProbability(field: string, value: unknown): number {
  return checkNumber(field, value, 0, 1);
}

/** A Uint8Array, of an exact length when one is given. */
export function checkBytes(field: string, value: unknown, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new TypeError(`"${field}" expected Uint8Array, got ${show(value)}`);
  if (length !== undefined && value.length !== length)
    throw new RangeError(`"${field}" expected Uint8Array of length ${length}, got length=${value.length}`);
  return value;
}

/** A plain object whose keys are all among `allowed`: a misspelt option fails instead of being ignored. */
export function checkObject(field: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`"${field}" expected an object, got ${show(value)}`);
  for (const key of Object.keys(value))
    if (!allowed.includes(key)) throw new RangeError(`"${field}.${key}" is not a known option (known: ${allowed.join(', ')})`);
  return value as Record<string, unknown>;
}

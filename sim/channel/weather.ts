/**
 * Cloud outages for links through the atmosphere: listed intervals, plus (when `cloudFraction`
 * > 0) a seeded two-state Markov weather with mean outage `meanOutageS` and long-run clouded
 * share `cloudFraction`. A clouded link has no contact: no signal, no QBER reading.
 */
import { PhysicsRandom } from '../../hal/sim/prng.ts';

export interface WeatherSpec {
  readonly cloudFraction?: number;
  readonly meanOutageS?: number;
  readonly outages?: readonly { readonly startS: number; readonly endS: number }[];
}

/** Clouded or clear at each of `steps` instants `stepS` apart. */
export function cloudMask(spec: WeatherSpec | undefined, steps: number, stepS: number, random: PhysicsRandom): Uint8Array {
  const mask = new Uint8Array(steps);
  if (!spec) return mask;
  const f = spec.cloudFraction ?? 0;
  if (f > 0) {
    const meanOut = spec.meanOutageS ?? 600;
    const meanClear = (meanOut * (1 - f)) / f;
    const pEnd = Math.min(1, stepS / meanOut);
    const pStart = Math.min(1, stepS / meanClear);
    let clouded = random.uniform() < f;
    for (let i = 0; i < steps; i++) {
      mask[i] = clouded ? 1 : 0;
      clouded = clouded ? random.uniform() >= pEnd : random.uniform() < pStart;
    }
  }
  for (const o of spec.outages ?? []) {
    for (let i = Math.max(0, Math.ceil(o.startS / stepS)); i < steps && i * stepS < o.endS; i++) mask[i] = 1;
  }
  return mask;
}

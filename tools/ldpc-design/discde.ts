/**
 * Discretised density evolution of a degree profile on the BSC, and a hill-climb over profiles.
 * Offline only (Node). Messages live on the LLR grid kΔ, |kΔ| ≤ 25 (Δ = 0.1; sums saturate at
 * the ends); the check rule is float-decode.ts's own box-plus (`spec`, default) or exact sum-product
 * (`--check tanh`), tabulated pairwise on the grid (rounded to the nearest point); checks are
 * concentrated (two consecutive degrees), the fold of d − 1 inputs is built by repeated squaring.
 * Deterministic, so candidates compare without Monte-Carlo noise (popde.ts checks the result).
 *
 * `npx tsx tools/ldpc-design/discde.ts eval <rate> <f,f,…> [--profile 2:0.09,3:0.55,…] [--check tanh]`
 *   prints, per f, the iterations to a message error rate below 10^-6 (or `stuck`).
 * `npx tsx tools/ldpc-design/discde.ts climb <rate> <f> --profile … [--degrees 2,3,…]
 *   [--n2-max x] [--steps N]` moves node fraction between degrees (δ 0.01 → 0.0025), keeping any
 *   move that converges in fewer iterations (or stalls at a lower error), with the degree-2 node
 *   fraction at most x (default: 1 − rate, i.e. n2 ≤ m); when a profile converges at f in fewer
 *   than 250 iterations it goes on at f − 0.005 (with --hold it stays at f: the fewest
 *   iterations there). Prints each improvement as a --profile argument.
 * A run stops at a stall (5 iterations in a row that lower the error by less than 0.01 %).
 * The rate-0.91 profile of profiles.ts came from three climbs, each started from the last one's
 * best (--n2-max 0.09): from the 0.90 profile with --degrees 2,3,4,5,6,7,8,10,12,16,20,25,30 at
 * f 1.08 (to 1.07), then 2,3,4,5,6,8,10,12,16,20,30,40,50 at 1.07 (to 1.06), then those and 60
 * at 1.06, taken when it converged at 1.045; about an hour on one core, 0.5–3 s an evaluation.
 */
import { BOXPLUS_NAMES, boxplusFor } from './_corrections.ts';
import { crossoverFor, ensembleOf, profileArg } from './_ensemble.ts';

const DELTA = 0.1;
const K = 250;
const G = 2 * K + 1;
const MAX_ITER = 400;
const TARGET = 1e-6;

type Profile = Map<number, number>; // degree → node fraction

const show = (p: Profile) =>
  [...p.entries()].filter(([, x]) => x > 1e-9).sort((a, b) => a[0] - b[0]).map(([d, x]) => `${d}:${x.toFixed(4)}`).join(',');

function boxTable(bp: (A: number, B: number) => number): Int32Array {
  const t = new Int32Array(G * G);
  for (let i = 0; i < G; i++)
    for (let j = 0; j < G; j++) {
      const a = (i - K) * DELTA;
      const b = (j - K) * DELTA;
      const mag = bp(Math.abs(a), Math.abs(b));
      const sign = (a < 0) !== (b < 0) ? -1 : 1;
      let k = Math.round((sign * mag) / DELTA);
      if (a === 0 || b === 0) k = 0;
      t[i * G + j] = (k < -K ? -K : k > K ? K : k) + K;
    }
  return t;
}

function boxCombine(a: Float64Array, b: Float64Array, table: Int32Array): Float64Array {
  const out = new Float64Array(G);
  for (let i = 0; i < G; i++) {
    const ai = a[i]!;
    if (ai < 1e-16) continue;
    const row = i * G;
    for (let j = 0; j < G; j++) {
      const bj = b[j]!;
      if (bj < 1e-16) continue;
      out[table[row + j]!] += ai * bj;
    }
  }
  return out;
}

function boxPower(a: Float64Array, e: number, table: Int32Array): Float64Array {
  let result: Float64Array | undefined;
  let base = a;
  while (e > 0) {
    if (e & 1) result = result ? boxCombine(result, base, table) : base;
    e >>= 1;
    if (e) base = boxCombine(base, base, table);
  }
  return result!;
}

function convolve(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(G);
  for (let i = 0; i < G; i++) {
    const ai = a[i]!;
    if (ai < 1e-16) continue;
    for (let j = 0; j < G; j++) {
      const bj = b[j]!;
      if (bj < 1e-16) continue;
      let k = i + j - K;
      if (k < 0) k = 0;
      else if (k > 2 * K) k = 2 * K;
      out[k] += ai * bj;
    }
  }
  return out;
}

// Rounding (and the skipped products below 1e-16) leaks mass, and folding 70 inputs raises the
// leak to the 70th power every iteration: each density is scaled back to total 1.
function normalise(x: Float64Array): void {
  let s = 0;
  for (let i = 0; i < G; i++) s += x[i]!;
  for (let i = 0; i < G; i++) x[i] = x[i]! / s;
}

function errorRate(v: Float64Array): number {
  let s = 0.5 * v[K]!;
  for (let i = 0; i < K; i++) s += v[i]!;
  return s;
}

/** Iterations to error < TARGET, or −(final error) when it stalls. */
function evolve(profile: Profile, rate: number, f: number, table: Int32Array): number {
  const degrees = [...profile.keys()].sort((a, b) => a - b);
  const { lambda, dLow, rhoHigh } = ensembleOf(degrees, degrees.map((d) => profile.get(d)!), rate);
  const p = crossoverFor((1 - rate) / f);
  const lc = Math.round(Math.log((1 - p) / p) / DELTA);
  let c = new Float64Array(G);
  c[K] = 1;
  let last = 1;
  let stall = 0;
  for (let t = 1; t <= MAX_ITER; t++) {
    // variable side: channel * c^(d−1)
    const v = new Float64Array(G);
    let power = new Float64Array(G);
    power[K] = 1;
    let have = 0;
    const squares = [c]; // c^(*2^k)
    for (let i = 0; i < degrees.length; i++) {
      const d = degrees[i]!;
      for (let gap = d - 1 - have, k = 0; gap > 0; gap >>= 1, k++) {
        if (k === squares.length) squares.push(convolve(squares[k - 1]!, squares[k - 1]!));
        if (gap & 1) power = convolve(power, squares[k]!);
      }
      have = d - 1;
      const w = lambda[i]!;
      for (let k = 0; k < G; k++) {
        const x = power[k]!;
        if (x === 0) continue;
        const up = Math.min(2 * K, k + lc);
        const down = Math.max(0, k - lc);
        v[up] += w * (1 - p) * x;
        v[down] += w * p * x;
      }
    }
    normalise(v);
    const pe = errorRate(v);
    if (pe < TARGET) return t;
    if (pe > last * 0.9999) {
      if (++stall >= 5) return -pe;
    } else stall = 0;
    last = pe;
    const low = boxPower(v, dLow - 1, table);
    const high = boxCombine(low, v, table);
    c = new Float64Array(G);
    for (let k = 0; k < G; k++) c[k] = (1 - rhoHigh) * low[k]! + rhoHigh * high[k]!;
    normalise(c);
  }
  return -last;
}

/** Smaller is better: iterations when it converges, else 1000 + a measure of the stall. */
const score = (r: number) => (r > 0 ? r : 1000 + 100 * (8 + Math.log10(-r)));

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args.splice(at, 2)[1]! : fallback;
};
const check = option('check', 'spec')!;
const givenProfile = option('profile');
const degreeList = option('degrees');
const n2Max = option('n2-max');
const steps = Number(option('steps', '200'));
const hold = args.includes('--hold');
if (hold) args.splice(args.indexOf('--hold'), 1);
const [mode, rateArg, fArg] = args;
const rate = Number(rateArg);
const boxplus = check === 'tanh'
  ? (a: number, b: number) => 2 * Math.atanh(Math.tanh(a / 2) * Math.tanh(b / 2))
  : boxplusFor(check);
if (!boxplus) throw new RangeError(`--check expected tanh or one of ${BOXPLUS_NAMES.join(', ')}; got ${check}`);
const table = boxTable(boxplus);
const given = profileArg(givenProfile, rate);
const start: Profile = new Map(given.degrees.map((d, i) => [d, given.fractions[i]!]));

if (mode === 'eval') {
  console.log(`profile ${show(start)} at rate ${rate}, check ${check}`);
  for (const f of fArg!.split(',').map(Number)) {
    const t0 = Date.now();
    const r = evolve(start, rate, f, table);
    console.log(`f ${f.toFixed(3)}  ${r > 0 ? `converged in ${r}` : `stuck at ${(-r).toExponential(2)}`}  (${Date.now() - t0} ms)`);
  }
} else if (mode === 'climb') {
  const degrees = degreeList ? degreeList.split(',').map(Number) : [...start.keys()];
  const profile: Profile = new Map(degrees.map((d) => [d, start.get(d) ?? 0]));
  const cap2 = n2Max ? Number(n2Max) : 1 - rate;
  let f = Number(fArg);
  let best = score(evolve(profile, rate, f, table));
  console.log(`start f ${f} score ${best.toFixed(1)} ${show(profile)}`);
  let delta = 0.01;
  for (let step = 0; step < steps && delta >= 0.0025; step++) {
    let improved = false;
    for (const a of degrees)
      for (const b of degrees) {
        if (a === b || profile.get(a)! < delta) continue;
        if (b === 2 && profile.get(2)! + delta > cap2 + 1e-12) continue;
        const trial = new Map(profile);
        trial.set(a, trial.get(a)! - delta);
        trial.set(b, trial.get(b)! + delta);
        const s = score(evolve(trial, rate, f, table));
        if (s < best) {
          best = s;
          for (const [d, x] of trial) profile.set(d, x);
          improved = true;
          console.log(`f ${f.toFixed(3)} score ${s.toFixed(1)} move ${delta} ${a}→${b} --profile ${show(profile)}`);
        }
      }
    if (!hold && best < 250) {
      f -= 0.005;
      best = score(evolve(profile, rate, f, table));
      console.log(`now f ${f.toFixed(3)} score ${best.toFixed(1)}`);
      continue;
    }
    if (!improved) delta /= 2;
  }
  console.log(`final f ${f.toFixed(3)} score ${best.toFixed(1)} --profile ${show(profile)}`);
} else {
  throw new RangeError('usage: discde.ts eval|climb <rate> <f[,f…]> [--profile …] [--check tanh|spec] [--degrees …] [--n2-max x] [--steps N] [--hold]');
}

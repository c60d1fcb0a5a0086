/**
 * Monte-Carlo density evolution (population dynamics) of a degree profile on the BSC under exact
 * sum-product, flooding schedule: a check of the threshold model in threshold.py that assumes
 * nothing about message densities. Offline only (Node; uses Math.log/tanh, which is fine here).
 * `npx tsx tools/ldpc-design/popde.ts <rate> <f,f,…> [samples=100000] [iterations=400]
 *   [--profile 2:0.05,3:0.6,…] [--check tanh|spec|<correction>]` prints, per efficiency f (p from
 * h(p) = (1 − rate)/f), whether the bit error rate of the population falls below 10^-4 and in how
 * many iterations. The profile is profileFor(rate, 10^6) unless --profile gives one (degree:node
 * fraction pairs), so a candidate can be checked before it goes into profiles.ts. The check rule
 * is exact sum-product (tanh) unless --check names float-decode.ts's box-plus (`spec`) or a correction
 * of _corrections.ts folded the same way (|a| ⊞ |b| = min + g(A + B) − g(|A − B|), inputs
 * clamped at 1000 as float-decode.ts does): what a correction costs in threshold, apart from any code.
 */
import { LdpcRandom } from '../../src/qkd/ldpc/_prng.ts';
import { BOXPLUS_NAMES, boxplusFor } from './_corrections.ts';
import { crossoverFor, ensembleOf, profileArg } from './_ensemble.ts';

const args = process.argv.slice(2);
const profileAt = args.indexOf('--profile');
const given = profileAt >= 0 ? args.splice(profileAt, 2)[1] : undefined;
const checkAt = args.indexOf('--check');
const check = checkAt >= 0 ? args.splice(checkAt, 2)[1]! : 'tanh';
const boxplus = check === 'tanh' ? undefined : boxplusFor(check);
if (check !== 'tanh' && !boxplus) throw new RangeError(`--check expected tanh or one of ${BOXPLUS_NAMES.join(', ')}; got ${check}`);
const [rateArg, fArg, nArg, itArg] = args;
const rate = Number(rateArg);
const N = Number(nArg ?? 100_000);
const T = Number(itArg ?? 400);
const { designRate, degrees, fractions: nodes } = profileArg(given, rate);
const { lambda, dbar, dLow, rhoHigh } = ensembleOf(degrees, nodes, rate);

function run(p: number): number | undefined {
  const rng = new LdpcRandom([N, Math.round(p * 1e9)]);
  const u = () => rng.nextUint32() / 4294967296;
  const Lc = Math.log((1 - p) / p);
  let V = new Float64Array(N);
  let C = new Float64Array(N);
  const cum = lambda.map((_, i) => lambda.slice(0, i + 1).reduce((a, b) => a + b, 0));
  for (let t = 1; t <= T; t++) {
    const nextV = new Float64Array(N);
    let errors = 0;
    for (let k = 0; k < N; k++) {
      const x = u();
      let i = 0;
      while (i < cum.length - 1 && x >= cum[i]!) i++;
      let L = u() < p ? -Lc : Lc;
      for (let e = 1; e < degrees[i]!; e++) L += C[(u() * N) | 0]!;
      nextV[k] = L;
      // the decision uses all d inputs: one more check message
      const full = L + C[(u() * N) | 0]!;
      if (full < 0 || (full === 0 && u() < 0.5)) errors++;
    }
    V = nextV;
    if (errors / N < 1e-4) return t;
    const nextC = new Float64Array(N);
    for (let k = 0; k < N; k++) {
      const d = u() < rhoHigh ? dLow + 1 : dLow;
      if (boxplus) {
        let negative = false;
        let acc = -1;
        for (let e = 1; e < d; e++) {
          const x = V[(u() * N) | 0]!;
          if (x < 0) negative = !negative;
          const a = x < 0 ? (-x > 1000 ? 1000 : -x) : x > 1000 ? 1000 : x;
          acc = acc < 0 ? a : boxplus(acc, a);
        }
        nextC[k] = negative ? -acc : acc;
        continue;
      }
      let prod = 1;
      for (let e = 1; e < d; e++) prod *= Math.tanh(V[(u() * N) | 0]! / 2);
      if (prod > 1 - 1e-15) prod = 1 - 1e-15;
      if (prod < -1 + 1e-15) prod = -1 + 1e-15;
      nextC[k] = 2 * Math.atanh(prod);
    }
    C = nextC;
  }
  return undefined;
}

console.log(`profile ${given ? 'given' : designRate} at rate ${rate}: degrees ${degrees} nodes ${nodes}, mean check degree ${dbar.toFixed(2)}, ${N} samples, ${T} iterations, check rule ${check}`);
for (const f of fArg!.split(',').map(Number)) {
  const p = crossoverFor((1 - rate) / f);
  const t = run(p);
  console.log(`f ${f.toFixed(3)}  p ${p.toFixed(5)}  ${t === undefined ? 'stuck' : `BER < 1e-4 after ${t} iterations`}`);
}

/**
 * Golden-vector suites and inputs of the keyrate area (see test/vectors/suites.ts for the conventions).
 *
 * Math.exp/log/pow may differ in the last ulp between V8 and XS (each has its own libm), so real
 * outputs are rounded to 12 significant digits, and an optimal μ to 6: at a maximum the rate is
 * flat, so μ is only defined to about √ε of the rate and the last search steps follow rounding
 * noise. Integers (counts, ℓ) are reported as they are.
 */
import { finiteKeyBound, type FiniteKeyBound } from '../../../src/qkd/finite-key.ts';
import {
  asymptoticBb84Rate, channelObservables, decoyKeyRate, finiteKeyAnalysis, gg02KeyRate, gllpKeyRate, optimalMu, vacuumWeakKeyRate,
} from '../../../src/qkd/keyrate.ts';
import type { VectorSuites, VectorInputs } from '../types.ts';

const r12 = (x: number) => Number(x.toPrecision(12));
const r6 = (x: number) => Number(x.toPrecision(6));

function boundJson(b: FiniteKeyBound) {
  return {
    sX0: r12(b.sX0), sX1: r12(b.sX1), sZ0: r12(b.sZ0), sZ1: r12(b.sZ1), vZ1: r12(b.vZ1), phiX: r12(b.phiX),
    length: b.length, ...(b.reason === undefined ? {} : { reason: b.reason }),
  };
}

export const keyrateSuites: VectorSuites = {
  'keyrate-models': ({ mu, distanceKm, params, nu }) => {
    const o = channelObservables(mu, distanceKm, params);
    const optimal = (model: 'decoy' | 'gllp' | 'vacuum-weak') => {
      const best = optimalMu(model, distanceKm, params, nu);
      return { mu: r6(best.mu), rate: r12(best.rate) };
    };
    return {
      gain: r12(o.gain), qber: r12(o.qber), singlePhotonYield: r12(o.singlePhotonYield), singlePhotonError: r12(o.singlePhotonError),
      asymptoticBb84: r12(asymptoticBb84Rate(o.qber)),
      decoy: r12(decoyKeyRate(mu, distanceKm, params)),
      gllp: r12(gllpKeyRate(mu, distanceKm, params)),
      vacuumWeak: r12(vacuumWeakKeyRate(mu, distanceKm, params, nu)),
      optimalDecoy: optimal('decoy'), optimalGllp: optimal('gllp'), optimalVacuumWeak: optimal('vacuum-weak'),
    };
  },

  'finite-key-bound': (input) => boundJson(finiteKeyBound(input)),

  'keyrate-finite': ({ mu, distanceKm, options }) => {
    const { input, bound, rate } = finiteKeyAnalysis(mu, distanceKm, options);
    return { keyBasis: input.keyBasis, testBasis: input.testBasis, leakedBits: r12(input.leakedBits), bound: boundJson(bound), rate: r12(rate) };
  },

  'keyrate-gg02': (params) => {
    const r = gg02KeyRate(params);
    return {
      transmittance: r12(r.transmittance), mutualInformation: r12(r.mutualInformation), holevoBound: r12(r.holevoBound),
      eigenvalues: r.eigenvalues.map(r12), rate: r12(r.rate),
    };
  },
};

const basis = (detections: number[], errors: number[]) => ({ detections, errors });

export const keyrateInputs: VectorInputs = {
  'keyrate-models': {
    description: 'Lo–Ma–Chen 2005 channel (GYS unless overridden): observables, decoy (∞), GLLP and vacuum+weak rates at μ, and each at its optimal μ',
    cases: [
      { name: 'GYS, 0 km, μ = 0.48', input: { mu: 0.48, distanceKm: 0, nu: 0.1 } },
      { name: 'GYS, 25 km, μ = 0.02', input: { mu: 0.02, distanceKm: 25, nu: 0.1 } },
      { name: 'GYS, 50 km, μ = 0.48', input: { mu: 0.48, distanceKm: 50, nu: 0.1 } },
      { name: 'GYS, 140 km, μ = 0.45 (edge of decoy reach)', input: { mu: 0.45, distanceKm: 140, nu: 0.1 } },
      { name: 'e_d = 1.5 %, f = 1.1, ν = 0.05, 80 km', input: { mu: 0.5, distanceKm: 80, nu: 0.05, params: { misalignment: 0.015, reconciliationEfficiency: 1.1 } } },
    ],
  },
  'finite-key-bound': {
    description: 'finite-key decoy-state BB84 bound (Lim et al., PRA 89 022307, 2014) on given counts',
    cases: [
      {
        name: 'dark vacuum: s_0 > 0',
        input: { decoy: { intensities: [0.6, 0.2, 0], probabilities: [0.5, 0.25, 0.25] }, keyBasis: basis([100000, 20000, 5000], [3000, 1000, 500]),
          testBasis: basis([100000, 20000, 5000], [3000, 1000, 500]), leakedBits: 20000, epsSec: 1e-9, epsCor: 1e-12 },
      },
      {
        name: 'fiber at 10 km, 10^10 pulses',
        input: { decoy: { intensities: [0.4, 0.15, 0.0002], probabilities: [0.4, 0.3, 0.3] }, keyBasis: basis([15896227, 4487472, 7829], [525719, 148944, 1116]),
          testBasis: basis([7064990, 1994432, 3480], [233653, 66197, 496]), leakedBits: 5221900, epsSec: 1e-10, epsCor: 1e-15 },
      },
      {
        name: 'phase error bound ≥ 1/2: no key',
        input: { decoy: { intensities: [0.4, 0.15, 0.0002], probabilities: [0.4, 0.3, 0.3] }, keyBasis: basis([15896227, 4487472, 7829], [525719, 148944, 1116]),
          testBasis: basis([7064990, 1994432, 3480], [2800000, 800000, 1700]), leakedBits: 5221900, epsSec: 1e-10, epsCor: 1e-15 },
      },
    ],
  },
  'keyrate-finite': {
    description: 'expected counts of N pulses over the GYS channel fed to the finite-key bound (defaults: q_X = 0.6, μ2 = 0.15, μ3 = 0.0002, p = 0.4/0.3/0.3)',
    cases: [
      { name: '10 km, μ = 0.4, N = 10^10', input: { mu: 0.4, distanceKm: 10, options: { pulses: 1e10 } } },
      { name: '50 km, μ = 0.4, N = 10^12, q_X = 0.8', input: { mu: 0.4, distanceKm: 50, options: { pulses: 1e12, keyBasisProbability: 0.8 } } },
    ],
  },
  'keyrate-gg02': {
    description: 'GG02, Gaussian modulation, homodyne, reverse reconciliation, collective attacks (Lodewyck et al., PRA 76 042305, 2007)',
    cases: [
      { name: 'V_A 18.5, ξ 0.005, η 0.606, v_el 0.041, β 0.898, 25 km',
        input: { modulationVariance: 18.5, distanceKm: 25, excessNoise: 0.005, detectorEfficiency: 0.606, electronicNoise: 0.041, reconciliationEfficiency: 0.898 } },
      { name: 'ideal detector, β = 1, 100 km', input: { modulationVariance: 10, distanceKm: 100, excessNoise: 0, detectorEfficiency: 1, electronicNoise: 0, reconciliationEfficiency: 1 } },
    ],
  },
};

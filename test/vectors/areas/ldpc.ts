/** Golden-vector suites and inputs of the ldpc area (see test/vectors/suites.ts for the conventions). */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, packBits } from '../../../src/bytes.ts';
import { LdpcRandom } from '../../../src/qkd/ldpc/_prng.ts';
import { aliceFrame, bobChannelLlr, decoderLlrMagnitude, frameKeyBits, frameLayout, planReconciliation } from '../../../src/qkd/ldpc/adapt.ts';
import { buildLdpcCode, ldpcCodeDigest } from '../../../src/qkd/ldpc/code.ts';
import { referenceLdpcDecode } from '../../../src/qkd/ldpc/decode.ts';
import { binaryEntropy, bscLlrMagnitude } from '../../../src/qkd/ldpc/efficiency.ts';
import { ldpcSyndrome } from '../../../src/qkd/ldpc/syndrome.ts';
import type { Json, VectorSuites, VectorInputs } from '../types.ts';

function randomBits(rng: LdpcRandom, n: number): Uint8Array {
  const x = new Uint8Array(n);
  for (let j = 0; j < n; j++) x[j] = rng.nextUint32() >>> 31;
  return x;
}

/** Exactly `count` distinct positions of `bits` flipped (a seeded partial shuffle): integer-only, like the rest. */
function flip(rng: LdpcRandom, bits: Uint8Array, count: number): Uint8Array {
  const out = bits.slice();
  const perm = Uint32Array.from(bits, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const k = i + rng.below(bits.length - i);
    const t = perm[i]!;
    perm[i] = perm[k]!;
    perm[k] = t;
    out[perm[i]!]! ^= 1;
  }
  return out;
}

const hashBits = (bits: Uint8Array) => bytesToHex(sha256(packBits(bits)));

export const ldpcSuites: VectorSuites = {
  'ldpc-code': (input) => {
    const code = buildLdpcCode(input.n, input.rate, input.seed);
    return { m: code.m, edges: code.checkVars.length, fourCycleEdges: code.fourCycleEdges, digest: bytesToHex(ldpcCodeDigest(code)) };
  },

  'ldpc-syndrome': (input) => {
    const code = buildLdpcCode(input.n, input.rate, input.seed);
    return bytesToHex(ldpcSyndrome(code, randomBits(new LdpcRandom([input.wordSeed]), code.n)));
  },

  /**
   * One frame: Alice's key bits and punctured bits from wordSeed, shortened bits 0; Bob's key bits
   * with exactly `errors` flips; his LLRs ±llrMagnitude, 0 punctured, +∞ shortened; decoded.
   */
  'ldpc-decode': (input) => {
    const code = buildLdpcCode(input.n, input.rate, input.seed);
    const layout = frameLayout(code.n, input.punctured, input.shortened, input.layoutSeed);
    const rng = new LdpcRandom([input.wordSeed]);
    const aliceKey = randomBits(rng, layout.keyPositions.length);
    const frame = aliceFrame(layout, aliceKey, randomBits(rng, layout.punctured));
    const bobKey = flip(rng, aliceKey, input.errors);
    const decoded = referenceLdpcDecode(code, ldpcSyndrome(code, frame), bobChannelLlr(layout, bobKey, input.llrMagnitude), input.maxIterations);
    const r = { bits: decoded.bits, ...decoded.frames[0]! };
    const decodedKey = frameKeyBits(layout, r.bits);
    let errorsLeft = 0;
    for (let i = 0; i < aliceKey.length; i++) errorsLeft += decodedKey[i]! ^ aliceKey[i]!;
    const out: Json = { converged: r.converged, iterations: r.iterations, bits: hashBits(r.bits), errorsLeft };
    return out;
  },

  /** Plans and the numbers behind them: both peers (on any runtime) must derive the same plan. */
  'ldpc-plan': (input) => ({
    plan: planReconciliation(input.qber, input.keyBits),
    h: binaryEntropy(input.qber),
    llrMagnitude: bscLlrMagnitude(input.qber),
    decoderLlrMagnitude: decoderLlrMagnitude(input.qber),
  }),
};

// |LLR| = ln((1 − p)/p) for p = 0.02, 0.03, 0.05, written as the numbers themselves so that no
// runtime's logarithm is involved.
const LLR_2 = 3.8918202981106265;
const LLR_3 = 3.4760986898352733;
const LLR_5 = 2.9444389791664403;

export const ldpcInputs: VectorInputs = {
  'ldpc-plan': {
    description: 'rate adaptation (src/qkd/ldpc/adapt.ts) with the IEEE-only logarithm of efficiency.ts: the plan, h(qber), |LLR| and the |LLR| Bob decodes with',
    cases: [
      { name: 'qber 1 %, 100,000 key bits', input: { qber: 0.01, keyBits: 100_000 } },
      { name: 'qber 2 %, 100,000 key bits', input: { qber: 0.02, keyBits: 100_000 } },
      { name: 'qber 3 %, 100,000 key bits', input: { qber: 0.03, keyBits: 100_000 } },
      { name: 'qber 5 %, 100,000 key bits', input: { qber: 0.05, keyBits: 100_000 } },
      { name: 'qber 0.37 %, 4096 key bits', input: { qber: 0.0037, keyBits: 4096 } },
      { name: 'qber 10.5 %, 20,000 key bits', input: { qber: 0.105, keyBits: 20_000 } },
    ],
  },
  'ldpc-code': {
    description: 'LDPC family (src/qkd/ldpc/code.ts): m, edges, forced 4-cycle edges, SHA-256 of (n, m, checkPtr, checkVars) big-endian',
    cases: [
      { name: 'n 500, rate 0.5, seed 1', input: { n: 500, rate: 0.5, seed: 1 } },
      { name: 'n 1000, rate 0.6, seed 2', input: { n: 1000, rate: 0.6, seed: 2 } },
      { name: 'n 400, rate 0.9, seed 3 (dense: forced 4-cycles)', input: { n: 400, rate: 0.9, seed: 3 } },
      { name: 'n 700, rate 0.8, seed 4294967295', input: { n: 700, rate: 0.8, seed: 4294967295 } },
    ],
  },
  'ldpc-syndrome': {
    description: 'H·x packed MSB first (src/qkd/ldpc/syndrome.ts), x from LdpcRandom([wordSeed])',
    cases: [
      { name: 'n 500, rate 0.5 (m = 250, padded)', input: { n: 500, rate: 0.5, seed: 1, wordSeed: 7 } },
      { name: 'n 1000, rate 0.6', input: { n: 1000, rate: 0.6, seed: 2, wordSeed: 8 } },
    ],
  },
  'ldpc-decode': {
    description: 'layered box-plus decoding in 16-bit fixed point (src/qkd/ldpc/decode.ts): converged, iterations, SHA-256 of the packed word, key errors left',
    cases: [
      { name: 'no errors: 1 iteration', input: { n: 1000, rate: 0.6, seed: 2, punctured: 0, shortened: 0, layoutSeed: 0, wordSeed: 1, errors: 0, llrMagnitude: LLR_3, maxIterations: 30 } },
      { name: 'n 1000, rate 0.6, 40 errors', input: { n: 1000, rate: 0.6, seed: 2, punctured: 0, shortened: 0, layoutSeed: 0, wordSeed: 2, errors: 40, llrMagnitude: LLR_3, maxIterations: 50 } },
      { name: 'n 1000, rate 0.5, 50 errors, 20 punctured, 30 shortened', input: { n: 1000, rate: 0.5, seed: 5, punctured: 20, shortened: 30, layoutSeed: 9, wordSeed: 3, errors: 50, llrMagnitude: LLR_5, maxIterations: 60 } },
      { name: 'n 700, rate 0.8, 12 errors, 20 shortened', input: { n: 700, rate: 0.8, seed: 4294967295, punctured: 0, shortened: 20, layoutSeed: 10, wordSeed: 4, errors: 12, llrMagnitude: LLR_2, maxIterations: 60 } },
      { name: 'too many errors: not converged', input: { n: 500, rate: 0.5, seed: 1, punctured: 10, shortened: 10, layoutSeed: 11, wordSeed: 5, errors: 80, llrMagnitude: LLR_3, maxIterations: 12 } },
    ],
  },
};

/**
 * The inputs of every golden vector, with what each case is for. `npm run vectors:write` runs
 * them on Node and writes test/vectors/<suite>.json; review the diff before committing it.
 * Known answers that do not come from our own code (FIPS 180-4) are pinned here by hand.
 */
import { DEFAULT_SLICE } from '../../sim/bb84-slice.ts';
import { amplifyInputs } from './areas/amplify.ts';
import { hilInputs } from './areas/hil.ts';
import { capsuleInputs } from './areas/capsule.ts';
import { keyrateInputs } from './areas/keyrate.ts';
import { keystoreInputs } from './areas/keystore.ts';
import { ldpcInputs } from './areas/ldpc.ts';
import { qspInputs } from './areas/qsp.ts';
import { pqcInputs } from './areas/pqc.ts';
import type { VectorInputs } from './types.ts';

export const FIXED_OUTPUTS: Record<string, Record<string, unknown>> = {
  sha256: {
    'abc': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'empty': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
};

const CORE_INPUTS: VectorInputs = {
  'decoy-prepare': {
    description: "decoy-state BB84 source: bits, biased bases and intensity classes from the Entropy port",
    cases: [{ name: '3000 slots', input: { seed: 4, label: 'alice', count: 3000,
      source: { intensities: [0.5, 0.15, 0.0002], probabilities: [0.4, 0.3, 0.3], keyBasisProbability: 0.6 } } }],
  },
  'verify-tag': {
    description: 'Poly1305 verification tag over a key given one bit per byte (packed MSB first)',
    cases: [{ name: '40 bits', input: { keyHex: '01000101010000010100010101000001010001010100000101000101010000010100010101000001', hashKeyHex: '00'.repeat(16) + 'ff'.repeat(16) } }],
  },
  'qkd-block-bb84': {
    description: 'a whole decoy-BB84 key block (sim/qkd-small.ts): both parties agree; key as SHA-256',
    cases: [{ name: '2·10^5 pulses, clean link, ε_sec 1e-3, seed 1', input: { seed: 1 } }],
  },
  'sha256': {
    description: 'noble SHA-256 on the runtime under test; outputs are the FIPS 180-4 examples',
    cases: [
      { name: 'abc', input: { messageHex: '616263' } },
      { name: 'empty', input: { messageHex: '' } },
    ],
  },
  'sim-drbg': {
    description: 'hal/sim ChaCha20 DRBG: key = SHA-256("LIGHTVIBES/sim/drbg/v1" ‖ len ‖ label ‖ seed), keystream from counter 0',
    cases: [
      { name: 'seed 0, 64 bytes', input: { seed: 0, label: '', length: 64 } },
      { name: 'seed 1, label alice, 100 bytes', input: { seed: 1, label: 'entropy:alice', length: 100 } },
      { name: 'crosses a refill boundary', input: { seed: 42, label: 'x', length: 4200 } },
      { name: 'large seed', input: { seed: 9007199254740991, label: 'max', length: 32 } },
    ],
  },
  'sim-physics-random': {
    description: 'hal/sim xoshiro128** channel-physics generator seeded from the DRBG',
    cases: [{ name: 'seed 7, 16 words', input: { seed: 7, label: 'channel', count: 16 } }],
  },
  'transcript': {
    description: 'labelled, length-prefixed SHA-256 transcript',
    cases: [
      { name: 'protocol only', input: { protocol: 'LIGHTVIBES/test/v1', parts: [] } },
      { name: 'two parts', input: { protocol: 'LIGHTVIBES/test/v1', parts: [{ label: 'a', hex: '00ff' }, { label: 'b', hex: '' }] } },
      { name: 're-split parts differ', input: { protocol: 'LIGHTVIBES/test/v1', parts: [{ label: 'a', hex: '00' }, { label: 'b', hex: 'ff' }] } },
    ],
  },
  'sift-message': {
    description: 'BB84 sifting messages v1 (src/qkd/messages.ts): encoding and strict decoding',
    cases: [
      { name: 'detection report', input: { message: { type: 1, blockId: 7, slotCount: 1000, slots: [0, 1, 130, 999], bases: [1, 0, 1, 1] } } },
      { name: 'empty detection report', input: { message: { type: 1, blockId: 7, slotCount: 10, slots: [], bases: [] } } },
      { name: 'sift decision', input: { message: { type: 2, blockId: 7, keep: [1, 0, 0, 1, 1, 1, 0, 1, 1] } } },
      { name: 'sample challenge', input: { message: { type: 3, blockId: 7, sample: [0, 1, 0, 1, 1], aliceBits: [1, 0, 1] } } },
      { name: 'sample response', input: { message: { type: 4, blockId: 4294967295, bobBits: [1, 1, 0] } } },
    ],
  },
  'sift-message-reject': {
    description: 'malformed sifting messages, each rejected with its typed reason',
    cases: [
      // header: version 01 ‖ type ‖ block_id 00000007
      { name: 'truncated header', input: { hex: '0101000000', maxCount: 100 } },
      { name: 'unknown version', input: { hex: '02' + '02' + '00000007' + '00000001' + '80', maxCount: 100 } },
      { name: 'unknown type', input: { hex: '01' + 'ff' + '00000007' + '00000001' + '80', maxCount: 100 } },
      { name: 'trailing byte', input: { hex: '01' + '02' + '00000007' + '00000001' + '80' + '00', maxCount: 100 } },
      { name: 'non-zero padding', input: { hex: '01' + '02' + '00000007' + '00000001' + '81', maxCount: 100 } },
      { name: 'count over the limit', input: { hex: '01' + '02' + '00000007' + '00000065' + '00'.repeat(13), maxCount: 100 } },
      { name: 'slot beyond slot count', input: { hex: '01' + '01' + '00000007' + '0000000a' + '00000001' + '0a' + '80', maxCount: 100 } },
      { name: 'overlong varint', input: { hex: '01' + '01' + '00000007' + '0000000a' + '00000001' + '8000' + '80', maxCount: 100 } },
      { name: 'more detections than slots', input: { hex: '01' + '01' + '00000007' + '00000001' + '00000002' + '00' + '00' + 'c0', maxCount: 100 } },
      { name: 'sample count disagrees with mask', input: { hex: '01' + '03' + '00000007' + '00000003' + '00000001' + '60' + '80', maxCount: 100 } },
      { name: 'well-formed decision is accepted', input: { hex: '01' + '02' + '00000007' + '00000001' + '80', maxCount: 100 } },
    ],
  },
  'bb84-prepare': {
    description: "Alice's random bits and bases from the Entropy port, two bits per slot",
    cases: [
      { name: '8 slots', input: { seed: 3, label: 'alice', count: 8 } },
      { name: '1001 slots', input: { seed: 3, label: 'alice', count: 1001 } },
    ],
  },
  'bb84-slice': {
    description: 'a seeded BB84 block over hal/sim photonics: sifting, QBER sample, transcript digests of both parties',
    cases: [
      { name: '100,000 pulses, 10 km GYS fiber, seed 1', input: DEFAULT_SLICE },
      { name: '100,000 pulses, seed 2', input: { ...DEFAULT_SLICE, seed: 2 } },
      {
        name: '20,000 pulses, lossless, η=0.5, e_d=0.1',
        input: { seed: 5, sifting: { pulses: 20_000, sampleFraction: 0.2, minSampleSize: 32 },
          photonics: { lossDb: 0, detectorEfficiency: 0.5, darkCountProbability: 1e-5, misalignment: 0.1, meanPhotonNumbers: [0.5] } },
      },
    ],
  },
};

/** Every suite's inputs; an area's live in test/vectors/areas/<area>.ts. */
export const VECTOR_INPUTS: VectorInputs = {
  ...CORE_INPUTS, ...amplifyInputs, ...keyrateInputs, ...ldpcInputs, ...qspInputs, ...keystoreInputs,
  ...capsuleInputs,
  ...hilInputs,
  ...pqcInputs,
};

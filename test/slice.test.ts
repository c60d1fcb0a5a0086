/**
 * The simulated slice against the exact model of hal/sim/photonics.ts. With λ = μη, photons on
 * the right and wrong detector are independent Poisson(λ(1−e_d)) and Poisson(λe_d) (thinning),
 * so per detector a click has probability c = 1 − e^{−λ(1−e_d)}(1−p_d), w = 1 − e^{−λe_d}(1−p_d);
 * a slot clicks with Q = 1 − e^{−λ}(1−p_d)², and a sifted detection is wrong with
 * E = (w(1−c) + ½cw) / (1 − (1−c)(1−w)) (double clicks get a random bit).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SLICE, runBb84Slice, type SliceConfig } from '../sim/bb84-slice.ts';

function expected(c: SliceConfig) {
  const p = c.photonics;
  const lambda = p.meanPhotonNumbers[0]! * 10 ** (-p.lossDb / 10) * p.detectorEfficiency;
  const pd = p.darkCountProbability;
  const right = 1 - Math.exp(-lambda * (1 - p.misalignment)) * (1 - pd);
  const wrong = 1 - Math.exp(-lambda * p.misalignment) * (1 - pd);
  const gain = 1 - Math.exp(-lambda) * (1 - pd) ** 2;
  const error = (wrong * (1 - right) + 0.5 * right * wrong) / (1 - (1 - right) * (1 - wrong));
  return { gain, error };
}

function within3Sigma(observed: number, n: number, p: number, what: string) {
  const sigma = Math.sqrt(p * (1 - p) / n);
  assert.ok(Math.abs(observed / n - p) <= 3 * sigma, `${what}: observed ${(observed / n).toFixed(5)}, expected ${p.toFixed(5)} ± ${(3 * sigma).toFixed(5)} (3σ)`);
}

const settings: Array<[string, SliceConfig]> = [
  ['10 km GYS fiber, 10^6 pulses', { ...DEFAULT_SLICE, seed: 11, sifting: { ...DEFAULT_SLICE.sifting, pulses: 1_000_000 } }],
  ['lossless, η = 0.5, e_d = 0.1, strong dark counts', {
    seed: 12, sifting: { pulses: 200_000, sampleFraction: 0.1, minSampleSize: 32 },
    photonics: { lossDb: 0, detectorEfficiency: 0.5, darkCountProbability: 1e-3, misalignment: 0.1, meanPhotonNumbers: [0.5] },
  }],
  ['25 km (5.25 dB), 2·10^6 pulses', {
    seed: 14, sifting: { pulses: 2_000_000, sampleFraction: 0.1, minSampleSize: 32 },
    photonics: { ...DEFAULT_SLICE.photonics, lossDb: 5.25 },
  }],
  ['100 km (21 dB), 2·10^7 pulses, dark counts matter', {
    seed: 15, sifting: { pulses: 20_000_000, sampleFraction: 0.1, minSampleSize: 32 },
    photonics: { ...DEFAULT_SLICE.photonics, lossDb: 21 },
  }],
  ['50 km, μ = 0.8', {
    seed: 13, sifting: { pulses: 2_000_000, sampleFraction: 0.1, minSampleSize: 32 },
    photonics: { ...DEFAULT_SLICE.photonics, lossDb: 10.5, meanPhotonNumbers: [0.8] },
  }],
];

for (const [name, config] of settings)
  test(`gain, sifting ratio and error rate agree with the model: ${name}`, () => {
    const r = runBb84Slice(config);
    const e = expected(config);
    within3Sigma(r.detections, r.pulses, e.gain, 'gain');
    within3Sigma(r.siftedBits, r.detections, 0.5, 'sifted fraction');
    within3Sigma(r.keyErrors, r.keyBits, e.error, 'error rate of the sifted key');
    within3Sigma(r.sampleErrors, r.sampleSize, e.error, 'sampled QBER');
  });

test('the same seed gives the same block; another seed another', () => {
  const a = runBb84Slice(DEFAULT_SLICE);
  assert.equal(runBb84Slice(DEFAULT_SLICE), a);
  const b = runBb84Slice({ ...DEFAULT_SLICE, seed: 99 });
  assert.is.not(b.aliceTranscript, a.aliceTranscript);
  assert.is.not(b.bobTranscript, a.bobTranscript);
});

test("Alice and Bob hold sifted keys of one length, with transcripts that differ only by the key's errors", () => {
  const r = runBb84Slice(DEFAULT_SLICE);
  assert.ok(r.keyBits > 0 && r.keyErrors > 0);
  assert.is.not(r.aliceTranscript, r.bobTranscript);
  const clean = runBb84Slice({
    ...DEFAULT_SLICE, sifting: { ...DEFAULT_SLICE.sifting, pulses: 500_000 },
    photonics: { ...DEFAULT_SLICE.photonics, misalignment: 0, darkCountProbability: 0, meanPhotonNumbers: [0.1] },
  });
  assert.is(clean.keyErrors, 0);
  assert.is(clean.aliceTranscript, clean.bobTranscript, 'error-free keys must give equal transcripts');
});

test.run();

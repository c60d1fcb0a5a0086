/**
 * The first simulated slice: one seeded BB84 block over the simulated photonics and an in-memory
 * link, Alice and Bob in one process, through the core's sifting state machines. Runs unchanged
 * on Node and XS; its transcript digests are golden vectors.
 */
import { SimEntropy } from '../hal/sim/entropy.ts';
import { createLinkPair } from '../hal/sim/link.ts';
import { checkSimPhotonicsConfig, createSimPhotonics, type SimPhotonicsConfig } from '../hal/sim/photonics.ts';
import { checkInteger, checkObject } from '../src/_check.ts';
import { bytesToHex } from '../src/bytes.ts';
import { checkSiftingConfig, DEFAULT_SIFTING, type SiftingConfig, SiftingAlice, SiftingBob } from '../src/qkd/sifting.ts';

export interface SliceConfig {
  readonly seed: number;
  readonly sifting: SiftingConfig;
  readonly photonics: SimPhotonicsConfig;
}

/** A 10 km fiber at 0.21 dB/km with the GYS detector (Lo–Ma–Chen 2005), μ = 0.48. */
export const DEFAULT_SLICE: SliceConfig = {
  seed: 1,
  sifting: DEFAULT_SIFTING,
  photonics: {
    lossDb: 2.1,
    detectorEfficiency: 0.045,
    darkCountProbability: 8.5e-7,
    misalignment: 0.033,
    meanPhotonNumbers: [0.48],
  },
};

export function checkSliceConfig(config: unknown): SliceConfig {
  const c = checkObject('config', config, ['seed', 'sifting', 'photonics']);
  checkInteger('config.seed', c.seed);
  checkSiftingConfig(c.sifting, 'config.sifting');
  checkSimPhotonicsConfig(c.photonics, 'config.photonics');
  return c as unknown as SliceConfig;
}

export interface SliceResult {
  readonly pulses: number;
  readonly detections: number;
  readonly doubleClicks: number;
  readonly siftedBits: number;
  readonly sampleSize: number;
  readonly sampleErrors: number;
  readonly qber: number;
  readonly keyBits: number;
  /** Positions where Alice's and Bob's sifted keys differ (the simulation can see both). */
  readonly keyErrors: number;
  readonly aliceTranscript: string;
  readonly bobTranscript: string;
}

export function runBb84Slice(config: SliceConfig): SliceResult {
  checkSliceConfig(config);
  const { seed, sifting } = config;
  const photonics = createSimPhotonics(config.photonics, seed);
  const [aliceLink, bobLink] = createLinkPair();
  const alice = new SiftingAlice({ entropy: new SimEntropy(seed, 'alice'), tx: photonics.tx, link: aliceLink, blockId: 1, config: sifting });
  const bob = new SiftingBob({ rx: photonics.rx, link: bobLink, blockId: 1, config: sifting });
  alice.start();
  bob.measure();
  for (let round = 0; alice.state !== 'done' || bob.state !== 'done'; round++) {
    if (round > 4) throw new Error(`sifting did not finish: alice ${alice.state}, bob ${bob.state}`);
    alice.poll();
    bob.poll();
  }
  const a = alice.result!;
  const b = bob.result!;
  if (a.key.length !== b.key.length)
    throw new Error('sifting: the parties disagree on the key length');
  let keyErrors = 0;
  for (let i = 0; i < a.key.length; i++) keyErrors += a.key[i]! ^ b.key[i]!;
  a.key.fill(0);
  b.key.fill(0);
  return {
    pulses: sifting.pulses,
    detections: b.detections,
    doubleClicks: b.doubleClicks ?? 0,
    siftedBits: b.siftedBits,
    sampleSize: b.qber.sampleSize,
    sampleErrors: b.qber.errors,
    qber: b.qber.qber,
    keyBits: b.key.length,
    keyErrors,
    aliceTranscript: bytesToHex(a.transcript),
    bobTranscript: bytesToHex(b.transcript),
  };
}

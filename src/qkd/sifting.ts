/**
 * BB84 sifting and QBER sampling between Alice (transmitter) and Bob (receiver), as two strict
 * state machines over the Link port (messages in messages.ts):
 *
 *   Alice: emit pulse train ─────────────────────────────▶ (photonics)
 *   Bob:   collect detections, DETECTION_REPORT ─────────▶ Alice
 *   Alice: SIFT_DECISION, SAMPLE_CHALLENGE ──────────────▶ Bob
 *   Bob:   SAMPLE_RESPONSE ──────────────────────────────▶ Alice
 *   both:  QBER estimate, sifted key = kept bits less the sample, transcript digest
 *
 * The transcript digest covers the block parameters, every message in order and the party's own
 * sifted key; two runtimes that run the same seeded block must produce the same digests. Any
 * unexpected, malformed or inconsistent message aborts the block with a typed reason and
 * zeroises what the party holds.
 */
import type { Entropy } from '../../hal/entropy.ts';
import type { Link } from '../../hal/link.ts';
import type { PhotonicsRx, PhotonicsTx, PulseTrain } from '../../hal/photonics.ts';
import { checkInteger, checkNumber, checkObject } from '../_check.ts';
import { Party } from './_party.ts';
import { packBits, zeroise } from '../bytes.ts';
import { MAX_PULSES_PER_BLOCK, prepareTrain } from './bb84.ts';
import { QkdAbort, QkdAbortReason, requireHealthy } from './errors.ts';
import { type SiftMessage, SiftMessageType } from './messages.ts';
import { countErrors, estimateQber, type QberEstimate } from './qber.ts';
import { chooseSample, selectByMask, siftMask } from './sift.ts';

export const SIFTING_TRANSCRIPT_LABEL = 'LIGHTVIBES/bb84-sifting/v1';

export interface SiftingConfig {
  /** Pulses in the block (slots), ≥ 1. */
  readonly pulses: number;
  /** Probability that a sifted position is disclosed for the QBER estimate, in (0, 1). */
  readonly sampleFraction: number;
  /** Fewer disclosed positions than this and the block is aborted: no QBER, no key. */
  readonly minSampleSize: number;
}

export const DEFAULT_SIFTING: SiftingConfig = { pulses: 100_000, sampleFraction: 0.1, minSampleSize: 32 };

export function checkSiftingConfig(config: unknown, field = 'sifting'): SiftingConfig {
  const c = checkObject(field, config, ['pulses', 'sampleFraction', 'minSampleSize']);
  checkInteger(`${field}.pulses`, c.pulses, 1, MAX_PULSES_PER_BLOCK);
  const f = checkNumber(`${field}.sampleFraction`, c.sampleFraction, 0, 1);
  if (f === 0 || f === 1) throw new RangeError(`"${field}.sampleFraction" expected a number strictly between 0 and 1, got ${f}`);
  checkInteger(`${field}.minSampleSize`, c.minSampleSize, 1);
  return c as unknown as SiftingConfig;
}

export interface SiftingResult {
  readonly blockId: number;
  readonly pulses: number;
  readonly detections: number;
  /** Double clicks among the detections: Bob's receiver knows them, Alice does not. */
  readonly doubleClicks: number | undefined;
  /** Bits kept after basis sifting, before the sample is removed. */
  readonly siftedBits: number;
  readonly qber: QberEstimate;
  /** The sifted key, one bit per byte, sample removed. Secret: the caller zeroises it. */
  readonly key: Uint8Array;
  /** SHA-256 over block parameters, every message in order, and this party's key. */
  readonly transcript: Uint8Array;
}

type State = 'idle' | 'awaiting-report' | 'awaiting-decision' | 'awaiting-challenge' | 'awaiting-response';

abstract class SiftingParty extends Party<State> {
  state: State | 'done' | 'aborted' = 'idle';
  result: SiftingResult | undefined;

  constructor(link: Link, blockId: number, protected readonly config: SiftingConfig) {
    super(link, blockId, checkSiftingConfig(config).pulses, SIFTING_TRANSCRIPT_LABEL);
  }

  protected finish(key: Uint8Array, qber: QberEstimate, detections: number, doubleClicks: number | undefined, siftedBits: number): void {
    this.transcript.absorb('sifted-key', packBits(key));
    this.result = {
      blockId: this.blockId, pulses: this.config.pulses, detections, doubleClicks, siftedBits, qber, key,
      transcript: this.transcript.digest(),
    };
    this.state = 'done';
  }

  protected checkSample(k: number): void {
    if (k < this.config.minSampleSize)
      throw new QkdAbort(QkdAbortReason.SAMPLE_TOO_SMALL, `${k} sampled bits, at least ${this.config.minSampleSize} required`);
  }
}

export class SiftingAlice extends SiftingParty {
  private train: PulseTrain | undefined;
  private kept: Uint8Array | undefined;
  private sample: Uint8Array | undefined;
  private sampledBits: Uint8Array | undefined;
  private detections = 0;

  constructor(private readonly options: { entropy: Entropy; tx: PhotonicsTx; link: Link; blockId: number; config: SiftingConfig }) {
    super(options.link, options.blockId, options.config);
  }

  /** Prepares and emits the block's pulse train. */
  start(): void {
    if (this.state !== 'idle') throw new Error(`sifting: start() in state ${this.state}`);
    requireHealthy(this.options.tx, 'transmitter');
    this.train = prepareTrain(this.options.entropy, this.config.pulses);
    this.options.tx.emit(this.train);
    this.state = 'awaiting-report';
  }

  protected handle(m: SiftMessage): void {
    if (m.type === SiftMessageType.DETECTION_REPORT && this.state === 'awaiting-report') {
      const train = this.train!;
      if (m.slotCount !== train.count)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `report covers ${m.slotCount} slots, block has ${train.count}`);
      const keep = siftMask(train.bases, m.slots, m.bases);
      const bitsAtDetections = new Uint8Array(m.slots.length);
      for (let i = 0; i < m.slots.length; i++) bitsAtDetections[i] = train.bits[m.slots[i]!]!;
      this.kept = selectByMask(bitsAtDetections, keep);
      zeroise(bitsAtDetections, train.bits, train.bases);
      this.detections = m.slots.length;
      this.send({ type: SiftMessageType.SIFT_DECISION, blockId: this.blockId, keep });
      this.sample = chooseSample(this.options.entropy, this.kept.length, this.config.sampleFraction);
      this.sampledBits = selectByMask(this.kept, this.sample);
      this.checkSample(this.sampledBits.length);
      this.send({ type: SiftMessageType.SAMPLE_CHALLENGE, blockId: this.blockId, sample: this.sample, aliceBits: this.sampledBits });
      this.state = 'awaiting-response';
    } else if (m.type === SiftMessageType.SAMPLE_RESPONSE && this.state === 'awaiting-response') {
      if (m.bobBits.length !== this.sampledBits!.length)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `${m.bobBits.length} sampled bits returned, ${this.sampledBits!.length} asked`);
      const qber = estimateQber(countErrors(this.sampledBits!, m.bobBits), m.bobBits.length);
      const key = selectByMask(this.kept!, this.sample!, 0);
      zeroise(this.kept);
      this.finish(key, qber, this.detections, undefined, this.sample!.length);
    } else this.unexpected(m);
  }

  protected zeroise(): void {
    zeroise(this.train?.bits, this.train?.bases, this.kept, this.sampledBits);
  }
}

export class SiftingBob extends SiftingParty {
  private slots: Uint32Array | undefined;
  private bits: Uint8Array | undefined;
  private kept: Uint8Array | undefined;
  private doubleClicks = 0;

  constructor(private readonly options: { rx: PhotonicsRx; link: Link; blockId: number; config: SiftingConfig }) {
    super(options.link, options.blockId, options.config);
  }

  /** Collects the detections of the emitted train and reports slots and bases (never bits). */
  measure(): void {
    if (this.state !== 'idle') throw new Error(`sifting: measure() in state ${this.state}`);
    requireHealthy(this.options.rx, 'receiver');
    const d = this.options.rx.collect();
    this.slots = d.slots;
    this.bits = d.bits;
    this.doubleClicks = d.doubleClicks;
    this.send({ type: SiftMessageType.DETECTION_REPORT, blockId: this.blockId, slotCount: this.config.pulses, slots: d.slots, bases: d.bases });
    this.state = 'awaiting-decision';
  }

  protected handle(m: SiftMessage): void {
    if (m.type === SiftMessageType.SIFT_DECISION && this.state === 'awaiting-decision') {
      if (m.keep.length !== this.slots!.length)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `decision covers ${m.keep.length} detections, ${this.slots!.length} reported`);
      this.kept = selectByMask(this.bits!, m.keep);
      zeroise(this.bits);
      this.state = 'awaiting-challenge';
    } else if (m.type === SiftMessageType.SAMPLE_CHALLENGE && this.state === 'awaiting-challenge') {
      const kept = this.kept!;
      if (m.sample.length !== kept.length)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `sample covers ${m.sample.length} bits, ${kept.length} were kept`);
      this.checkSample(m.aliceBits.length);
      const bobBits = selectByMask(kept, m.sample);
      this.send({ type: SiftMessageType.SAMPLE_RESPONSE, blockId: this.blockId, bobBits });
      const qber = estimateQber(countErrors(m.aliceBits, bobBits), bobBits.length);
      const key = selectByMask(kept, m.sample, 0);
      zeroise(kept);
      this.finish(key, qber, this.slots!.length, this.doubleClicks, kept.length);
    } else this.unexpected(m);
  }

  protected zeroise(): void {
    zeroise(this.bits, this.kept);
  }
}

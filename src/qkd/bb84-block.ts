/**
 * A decoy-state BB84 key block (DESIGN §2 steps 2–4, then block.ts for 5–7):
 *
 *   Alice: emit the pulse train (decoy.ts) ─────────────────────────────▶ (photonics)
 *   Bob:   DETECTION_REPORT (slots, bases) ──────────────────────────────▶ Alice
 *   Alice: DECOY_DECISION (basis matches, classes of kept detections),
 *          TEST_BITS (her kept test-basis bits) ─────────────────────────▶ Bob
 *   Bob:   TEST_BITS (his) ─────────────────────────────────────────────▶ Alice
 *   both:  counts per class, QBER reading and policy state, finite-key bound → back end
 *
 * The key string is every kept key-basis bit in slot order (all three classes, as in Lim et al.);
 * the test-basis bits are all disclosed and give the phase-error estimate and the QBER. A policy
 * state of critical or compromised ends the block before reconciliation.
 */
import type { PhotonicsRx, PhotonicsTx, PulseTrain } from '../../hal/photonics.ts';
import { zeroise } from '../bytes.ts';
import { allowsKey, QBER_STATE_NAMES } from '../policy/qber.ts';
import { BlockParty, type BlockOptions, type FrontResult } from './block.ts';
import { checkDecoySource, type DecoySource, KEY_BASIS, prepareDecoyTrain } from './decoy.ts';
import { QkdAbort, QkdAbortReason, requireHealthy } from './errors.ts';
import { type ClassCounts, countClasses, readQber, secretKeyLength } from './estimate.ts';
import { type SiftMessage, SiftMessageType } from './messages.ts';
import { siftMask } from './sift.ts';

export const BB84_BLOCK_TRANSCRIPT_LABEL = 'LIGHTVIBES/bb84-decoy-block/v1';

type FrontState = 'idle' | 'awaiting-report' | 'awaiting-decision' | 'awaiting-test-bits';

/** Splits kept detections into the key string and the disclosed test bits, with their classes. */
function split(keptBits: Uint8Array, keptBases: Uint8Array, keptClasses: Uint8Array) {
  let k = 0;
  for (let i = 0; i < keptBases.length; i++) if (keptBases[i] === KEY_BASIS) k++;
  const key = new Uint8Array(k);
  const keyClasses = new Uint8Array(k);
  const test = new Uint8Array(keptBases.length - k);
  const testClasses = new Uint8Array(keptBases.length - k);
  for (let i = 0, a = 0, b = 0; i < keptBases.length; i++) {
    if (keptBases[i] === KEY_BASIS) {
      key[a] = keptBits[i]!;
      keyClasses[a++] = keptClasses[i]!;
    } else {
      test[b] = keptBits[i]!;
      testClasses[b++] = keptClasses[i]!;
    }
  }
  return { key, keyClasses, test, testClasses };
}

abstract class Bb84BlockParty extends BlockParty<FrontState> {
  protected keyClasses: Uint8Array | undefined;
  protected testClasses: Uint8Array | undefined;
  protected myTest: Uint8Array | undefined;
  protected key: Uint8Array | undefined;
  protected detections = 0;

  /** The source as it really is: probabilities quantised to what the draws implement. */
  protected readonly source: DecoySource;

  constructor(options: BlockOptions, source: DecoySource) {
    super(options, BB84_BLOCK_TRANSCRIPT_LABEL, 'idle');
    this.source = checkDecoySource(source);
  }

  /** Both sides: the reading from the disclosed test bits, then the hand-over to the back end. */
  protected frontResult(aliceTest: Uint8Array, bobTest: Uint8Array, doubleClicks: number | undefined): FrontResult {
    const counts = countClasses(this.keyClasses!, this.testClasses!, aliceTest, bobTest);
    const reading = readQber(counts, this.options.security);
    if (!allowsKey(reading.state))
      throw new QkdAbort(QkdAbortReason.POLICY_SUSPENDED, `QBER ${(100 * reading.qber).toFixed(2)} %: ${QBER_STATE_NAMES[reading.state]}`);
    const keyClasses = this.keyClasses!;
    const { source } = this;
    const { security } = this.options;
    return {
      protocol: 'bb84-decoy',
      key: this.key!,
      planningQber: reading.planningQber,
      testQber: reading.qber,
      policyState: reading.state,
      keptByClass: (kept) => {
        const key = [0, 0, 0];
        for (let i = 0; i < keyClasses.length; i++) if (kept(i)) key[keyClasses[i]!]!++;
        return key;
      },
      bound(kept, leakedBits) {
        return secretKeyLength({ ...counts, key: this.keptByClass(kept) as ClassCounts['key'] }, source, leakedBits, security);
      },
      stats: {
        pulses: this.pulses,
        detections: this.detections,
        keyBasis: counts.key,
        testBasis: counts.test,
        testErrors: counts.testErrors,
        ...(doubleClicks === undefined ? {} : { doubleClicks }),
      },
    };
  }

  protected zeroise(): void {
    zeroise(this.key, this.myTest);
    this.zeroiseBackEnd();
  }
}

export class Bb84BlockAlice extends Bb84BlockParty {
  private train: PulseTrain | undefined;

  constructor(options: BlockOptions & { readonly tx: PhotonicsTx }, source: DecoySource) {
    super(options, source);
  }

  start(): void {
    if (this.state !== 'idle') throw new Error(`block: start() in state ${this.state}`);
    this.guard(() => {
      const tx = (this.options as BlockOptions & { tx: PhotonicsTx }).tx;
      requireHealthy(tx, 'transmitter');
      this.train = prepareDecoyTrain(this.options.entropy, this.pulses, this.source);
      tx.emit(this.train);
      this.state = 'awaiting-report';
    });
  }

  protected handle(m: SiftMessage): void {
    if (m.type === SiftMessageType.DETECTION_REPORT && this.state === 'awaiting-report') {
      const train = this.train!;
      if (m.slotCount !== train.count)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `report covers ${m.slotCount} slots, block has ${train.count}`);
      const keep = siftMask(train.bases, m.slots, m.bases);
      const n = keep.reduce((a, b) => a + b, 0);
      const bits = new Uint8Array(n);
      const bases = new Uint8Array(n);
      const classes = new Uint8Array(n);
      for (let i = 0, j = 0; i < m.slots.length; i++) {
        if (!keep[i]) continue;
        const slot = m.slots[i]!;
        bits[j] = train.bits[slot]!;
        bases[j] = train.bases[slot]!;
        classes[j++] = train.intensities[slot]!;
      }
      zeroise(train.bits);
      this.detections = m.slots.length;
      const s = split(bits, bases, classes);
      zeroise(bits);
      this.key = s.key;
      this.keyClasses = s.keyClasses;
      this.testClasses = s.testClasses;
      this.myTest = s.test;
      this.send({ type: SiftMessageType.DECOY_DECISION, blockId: this.blockId, keep, classes });
      this.send({ type: SiftMessageType.TEST_BITS, blockId: this.blockId, bits: s.test });
      this.state = 'awaiting-test-bits';
    } else if (m.type === SiftMessageType.TEST_BITS && this.state === 'awaiting-test-bits') {
      if (m.bits.length !== this.myTest!.length)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `${m.bits.length} test bits returned, ${this.myTest!.length} disclosed`);
      this.startReconciliation(this.frontResult(this.myTest!, m.bits, undefined));
    } else if (!this.handleBackEnd(m)) this.unexpected(m);
  }

  protected override zeroise(): void {
    zeroise(this.train?.bits, this.train?.bases);
    super.zeroise();
  }
}

export class Bb84BlockBob extends Bb84BlockParty {
  private slots: Uint32Array | undefined;
  private bases: Uint8Array | undefined;
  private bits: Uint8Array | undefined;
  private doubleClicks = 0;

  constructor(options: BlockOptions & { readonly rx: PhotonicsRx }, source: DecoySource) {
    super(options, source);
  }

  measure(): void {
    if (this.state !== 'idle') throw new Error(`block: measure() in state ${this.state}`);
    this.guard(() => {
      const rx = (this.options as BlockOptions & { rx: PhotonicsRx }).rx;
      requireHealthy(rx, 'receiver');
      const d = rx.collect();
      this.slots = d.slots;
      this.bases = d.bases;
      this.bits = d.bits;
      this.doubleClicks = d.doubleClicks;
      this.detections = d.slots.length;
      this.send({ type: SiftMessageType.DETECTION_REPORT, blockId: this.blockId, slotCount: this.pulses, slots: d.slots, bases: d.bases });
      this.state = 'awaiting-decision';
    });
  }

  protected handle(m: SiftMessage): void {
    if (m.type === SiftMessageType.DECOY_DECISION && this.state === 'awaiting-decision') {
      if (m.keep.length !== this.slots!.length)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `decision covers ${m.keep.length} detections, ${this.slots!.length} reported`);
      const n = m.classes.length;
      const bits = new Uint8Array(n);
      const bases = new Uint8Array(n);
      for (let i = 0, j = 0; i < m.keep.length; i++) {
        if (!m.keep[i]) continue;
        bits[j] = this.bits![i]!;
        bases[j++] = this.bases![i]!;
      }
      zeroise(this.bits);
      const s = split(bits, bases, m.classes);
      zeroise(bits);
      this.key = s.key;
      this.keyClasses = s.keyClasses;
      this.testClasses = s.testClasses;
      this.myTest = s.test;
      this.state = 'awaiting-test-bits';
    } else if (m.type === SiftMessageType.TEST_BITS && this.state === 'awaiting-test-bits') {
      if (m.bits.length !== this.myTest!.length)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `${m.bits.length} test bits disclosed, ${this.myTest!.length} kept`);
      this.send({ type: SiftMessageType.TEST_BITS, blockId: this.blockId, bits: this.myTest! });
      this.awaitReconciliation(this.frontResult(m.bits, this.myTest!, this.doubleClicks));
    } else if (!this.handleBackEnd(m)) this.unexpected(m);
  }

  protected override zeroise(): void {
    zeroise(this.bits);
    super.zeroise();
  }
}

/**
 * An E91 key block (Ekert 1991; DESIGN §2 "the second family"), then the shared back end
 * (block.ts). Both ends receive one photon of each entangled pair and choose a setting per slot:
 * Alice {0, π/4, π/8}, Bob {0, π/8, 3π/8} (polariser angles, hal/sim/entangled.ts).
 *
 *   Bob:   SETTINGS_REPORT (his detected slots and settings) ───────────────────▶ Alice
 *   Alice: COINCIDENCE (which of them she also detected, her settings),
 *          TEST_BITS (her outcomes on the CHSH setting pairs) ─────────────────▶ Bob
 *   Bob:   TEST_BITS (his) ──────────────────────────────────────────────────▶ Alice
 *
 * Key: coincidences with equal angles, (A0, B0) and (A2, B1), in slot order. Security check:
 * S = E(A0,B1) − E(A0,B2) + E(A1,B1) + E(A1,B2), with E = (agree − disagree)/N per pair of
 * settings; an ideal state of visibility V gives S = 2√2·V, any local model S ≤ 2.
 * Key length: the device-independent bound for collective attacks of Acín et al., PRL 98,
 * 230501 (2007), r = 1 − h((1 + √((S/2)² − 1))/2) per key bit, evaluated at S lowered by a
 * Hoeffding margin √(2 ln(21/ε_sec)/N_k) per term, less the bits reconciliation disclosed and
 * the ε terms of the decoy bound. This is the asymptotic DI rate with a statistical margin on S,
 * not a full finite-key DI proof; the block says so by its protocol name.
 */
import type { PhotonicsRx } from '../../hal/photonics.ts';
import { zeroise } from '../bytes.ts';
import { allowsKey, classifyQber, QBER_STATE_NAMES } from '../policy/qber.ts';
import { BlockParty, type BlockOptions, type FrontResult } from './block.ts';
import { ln, log2 } from '../_libm.ts';
import { binaryEntropy } from './binary-entropy.ts';
import { QkdAbort, QkdAbortReason, requireHealthy } from './errors.ts';
import type { FiniteKeyBound } from './finite-key.ts';
import { type SiftMessage, SiftMessageType } from './messages.ts';

export const E91_BLOCK_TRANSCRIPT_LABEL = 'LIGHTVIBES/e91-block/v1';

/** Setting pairs (Alice, Bob) whose outcomes form the key. */
const KEY_PAIRS = [[0, 0], [2, 1]] as const;
/** CHSH terms: (Alice, Bob, sign). */
export const CHSH_TERMS = [[0, 1, 1], [0, 2, -1], [1, 1, 1], [1, 2, 1]] as const;

const isKeyPair = (a: number, b: number) => KEY_PAIRS.some(([x, y]) => x === a && y === b);
const chshTerm = (a: number, b: number) => CHSH_TERMS.findIndex(([x, y]) => x === a && y === b);

export interface ChshReading {
  readonly S: number;
  /** S less the Hoeffding margins of its four terms (the value the bound uses). */
  readonly lowerS: number;
  readonly samples: readonly number[];
}

/** S from the disclosed outcomes; `terms[i]` is the CHSH term of test bit i. */
export function chshReading(terms: Uint8Array, alice: Uint8Array, bob: Uint8Array, epsSec: number): ChshReading {
  const agree = [0, 0, 0, 0];
  const total = [0, 0, 0, 0];
  for (let i = 0; i < terms.length; i++) {
    total[terms[i]!]!++;
    if (alice[i] === bob[i]) agree[terms[i]!]!++;
  }
  let S = 0;
  let margin = 0;
  for (let k = 0; k < 4; k++) {
    const n = total[k]!;
    if (n === 0) return { S: 0, lowerS: 0, samples: total };
    S += CHSH_TERMS[k]![2] * (2 * agree[k]! - n) / n;
    margin += Math.sqrt((2 * ln(21 / epsSec)) / n);
  }
  return { S, lowerS: S - margin, samples: total };
}

/** Key bits the DI bound leaves from `keyBits` bits at CHSH value `lowerS` with `leakedBits` disclosed. */
export function e91KeyLength(keyBits: number, lowerS: number, leakedBits: number, epsSec: number, epsCor: number): FiniteKeyBound {
  if (lowerS <= 2) return { sX0: 0, sX1: 0, sZ0: 0, sZ1: 0, vZ1: 0, phiX: 0.5, length: 0, reason: `CHSH lower bound ${lowerS.toFixed(3)} ≤ 2` };
  const phi = (1 - Math.sqrt(Math.min(1, (lowerS / 2) ** 2 - 1))) / 2;
  const ell = Math.floor(keyBits * (1 - binaryEntropy(phi)) - leakedBits - 6 * log2(21 / epsSec) - log2(2 / epsCor));
  return { sX0: 0, sX1: keyBits, sZ0: 0, sZ1: 0, vZ1: 0, phiX: phi, length: Math.max(0, ell), ...(ell > 0 ? {} : { reason: 'the DI bound leaves no key' }) };
}

type FrontState = 'idle' | 'awaiting-settings' | 'awaiting-coincidence' | 'awaiting-test-bits';

abstract class E91Party extends BlockParty<FrontState> {
  protected detections: { slots: Uint32Array; settings: Uint8Array; bits: Uint8Array } | undefined;
  protected key: Uint8Array | undefined;
  protected terms: Uint8Array | undefined;
  protected myTest: Uint8Array | undefined;

  constructor(options: BlockOptions & { readonly rx: PhotonicsRx }) {
    super(options, E91_BLOCK_TRANSCRIPT_LABEL, 'idle');
  }

  protected collect(): void {
    const rx = (this.options as BlockOptions & { rx: PhotonicsRx }).rx;
    requireHealthy(rx, 'receiver');
    const d = rx.collect();
    this.detections = { slots: d.slots, settings: d.bases, bits: d.bits };
  }

  /** Sorts the coincidences (my index, Alice's setting, Bob's setting) into key and CHSH bits. */
  protected sort(coincidences: Array<[number, number, number]>): void {
    const key: number[] = [];
    const terms: number[] = [];
    const test: number[] = [];
    for (const [index, a, b] of coincidences) {
      const bit = this.detections!.bits[index]!;
      if (isKeyPair(a, b)) key.push(bit);
      else {
        const t = chshTerm(a, b);
        if (t >= 0) {
          terms.push(t);
          test.push(bit);
        }
      }
    }
    zeroise(this.detections!.bits);
    this.key = Uint8Array.from(key);
    this.terms = Uint8Array.from(terms);
    this.myTest = Uint8Array.from(test);
    key.fill(0);
  }

  protected frontResult(alice: Uint8Array, bob: Uint8Array): FrontResult {
    const { epsSec, epsCor, thresholds } = this.options.security;
    const chsh = chshReading(this.terms!, alice, bob, epsSec);
    if (chsh.lowerS <= 2)
      throw new QkdAbort(QkdAbortReason.CHSH_NOT_VIOLATED, `S = ${chsh.S.toFixed(3)} (lower bound ${chsh.lowerS.toFixed(3)}) does not exceed 2`);
    // For |Φ+⟩ of visibility V = S/2√2, equal angles disagree with probability (1 − V)/2.
    const testQber = Math.max(0, (1 - chsh.S / (2 * Math.SQRT2)) / 2);
    const planningQber = Math.min(0.5, Math.max(0.001, (1 - chsh.lowerS / (2 * Math.SQRT2)) / 2));
    const policyState = classifyQber(testQber, thresholds);
    if (!allowsKey(policyState))
      throw new QkdAbort(QkdAbortReason.POLICY_SUSPENDED, `QBER ${(100 * testQber).toFixed(2)} %: ${QBER_STATE_NAMES[policyState]}`);
    const keyBits = this.key!.length;
    return {
      protocol: 'e91',
      key: this.key!,
      planningQber,
      testQber,
      policyState,
      keptByClass: (kept) => {
        let n = 0;
        for (let i = 0; i < keyBits; i++) if (kept(i)) n++;
        return [n];
      },
      bound(kept, leakedBits) {
        return e91KeyLength(this.keptByClass(kept)[0]!, chsh.lowerS, leakedBits, epsSec, epsCor);
      },
      stats: {
        pulses: this.pulses,
        detections: this.detections!.slots.length,
        keyBasis: [keyBits],
        testBasis: chsh.samples,
        testErrors: [],
        chsh: chsh.S,
      },
    };
  }

  protected zeroise(): void {
    zeroise(this.key, this.myTest, this.detections?.bits);
    this.zeroiseBackEnd();
  }
}

export class E91Alice extends E91Party {
  /** Collects Alice's detections of the frame the source emitted. */
  measure(): void {
    if (this.state !== 'idle') throw new Error(`block: measure() in state ${this.state}`);
    this.guard(() => {
      this.collect();
      this.state = 'awaiting-settings';
    });
  }

  protected handle(m: SiftMessage): void {
    if (m.type === SiftMessageType.SETTINGS_REPORT && this.state === 'awaiting-settings') {
      if (m.slotCount !== this.pulses)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `report covers ${m.slotCount} slots, block has ${this.pulses}`);
      const mine = this.detections!;
      const coincident = new Uint8Array(m.slots.length);
      const settings: number[] = [];
      const pairs: Array<[number, number, number]> = [];
      for (let i = 0, j = 0; i < m.slots.length; i++) {
        while (j < mine.slots.length && mine.slots[j]! < m.slots[i]!) j++;
        if (j < mine.slots.length && mine.slots[j] === m.slots[i]) {
          coincident[i] = 1;
          settings.push(mine.settings[j]!);
          pairs.push([j, mine.settings[j]!, m.settings[i]!]);
        }
      }
      this.sort(pairs);
      this.send({ type: SiftMessageType.COINCIDENCE, blockId: this.blockId, coincident, settings: Uint8Array.from(settings) });
      this.send({ type: SiftMessageType.TEST_BITS, blockId: this.blockId, bits: this.myTest! });
      this.state = 'awaiting-test-bits';
    } else if (m.type === SiftMessageType.TEST_BITS && this.state === 'awaiting-test-bits') {
      if (m.bits.length !== this.myTest!.length)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `${m.bits.length} test bits returned, ${this.myTest!.length} disclosed`);
      this.startReconciliation(this.frontResult(this.myTest!, m.bits));
    } else if (!this.handleBackEnd(m)) this.unexpected(m);
  }
}

export class E91Bob extends E91Party {
  /** Collects Bob's detections and reports their slots and settings. */
  measure(): void {
    if (this.state !== 'idle') throw new Error(`block: measure() in state ${this.state}`);
    this.guard(() => {
      this.collect();
      const d = this.detections!;
      this.send({ type: SiftMessageType.SETTINGS_REPORT, blockId: this.blockId, slotCount: this.pulses, slots: d.slots, settings: d.settings });
      this.state = 'awaiting-coincidence';
    });
  }

  protected handle(m: SiftMessage): void {
    if (m.type === SiftMessageType.COINCIDENCE && this.state === 'awaiting-coincidence') {
      const mine = this.detections!;
      if (m.coincident.length !== mine.slots.length)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `coincidences cover ${m.coincident.length} detections, ${mine.slots.length} reported`);
      const pairs: Array<[number, number, number]> = [];
      for (let i = 0, j = 0; i < m.coincident.length; i++) if (m.coincident[i]) pairs.push([i, m.settings[j++]!, mine.settings[i]!]);
      this.sort(pairs);
      this.state = 'awaiting-test-bits';
    } else if (m.type === SiftMessageType.TEST_BITS && this.state === 'awaiting-test-bits') {
      if (m.bits.length !== this.myTest!.length)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `${m.bits.length} test bits disclosed, ${this.myTest!.length} expected`);
      this.send({ type: SiftMessageType.TEST_BITS, blockId: this.blockId, bits: this.myTest! });
      this.awaitReconciliation(this.frontResult(m.bits, this.myTest!));
    } else if (!this.handleBackEnd(m)) this.unexpected(m);
  }
}

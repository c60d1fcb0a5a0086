/**
 * Reconciliation with the rate-adaptive LDPC family of ldpc/ (the Reconciliation seam of
 * reconcile.ts). A key string is cut into equal frames of at most FRAME_KEY_BITS bits (the few
 * bits left over are dropped, never used); every frame uses the same mother code, puncturing and
 * shortening (ldpc/adapt.ts), planned from the public QBER reading, so both peers derive the
 * same plan. Plan on the wire, version 1:
 *   version u8 (= 1) ‖ code_id u8 ‖ n u32 ‖ punctured u32 ‖ shortened u32 ‖ frame_key_bits u32
 * Punctured positions carry fresh random bits from Alice's Entropy port; Bob decodes a block's
 * frames, DECODE_BATCH_FRAMES to a call, through the Kernels port (reference or native: the
 * caller's choice, reported in the key block), with the channel |LLR| of ldpc/adapt.ts
 * decoderLlrMagnitude (his own choice: not on the wire).
 */
import type { Entropy } from '../../hal/entropy.ts';
import type { Kernels } from '../../hal/kernels.ts';
import { checkBytes } from '../_check.ts';
import { zeroise } from '../bytes.ts';
import { Writer } from '../_wire.ts';
import { QkdAbort, QkdAbortReason } from './errors.ts';
import { aliceFrame, bobChannelLlr, decoderLlrMagnitude, type FrameLayout, frameKeyBits, frameLayout, MOTHER_RATES, planReconciliation, type ReconciliationPlan } from './ldpc/adapt.ts';
import { type LdpcCode, ldpcCode } from './ldpc/code.ts';
import { ldpcSyndrome } from './ldpc/syndrome.ts';
import type { CorrectedFrame, Reconciliation, ReconcilePlan } from './reconcile.ts';

/** Largest frame, in key bits: the size the code family is tuned for. */
export const FRAME_KEY_BITS = 100_000;
/** Smallest frame the code family builds. */
export const MIN_FRAME_KEY_BITS = 64;
/**
 * Frames Bob hands the decoder in one call. The native kernel runs 16 side by side and refills a
 * lane as soon as its frame is done, so the more frames a call holds, the less the lanes wait on
 * the slowest. `npx tsx bench/ldpc-native.ts 128` (10^5 key bits, its line "by frames a call")
 * gave at QBER 2 % 8.3, 10.1, 11.1, 11.1 Mbit/s in calls of 16, 32, 64, 128 frames, and at 5 %
 * 7.5, 8.8, 9.9, 9.8; another run over 256 frames put 128 a further 4-10 % ahead of 64. After
 * the lanes' prefetches (bf8c864), `npx tsx bench/ldpc-native.ts 64`, twice: 2 % 10.8-11.0,
 * 12.1-12.3, 12.0-12.5 in calls of 16, 32, 64; 5 % 10.4-10.8, 11.8, 12.1. The call's LLRs take
 * 8n bytes a frame (52 MB for 64 frames of 10^5 key bits), so 64 it is.
 */
export const DECODE_BATCH_FRAMES = 64;
/** The public seed of the punctured/shortened positions. */
const LAYOUT_SEED = 0x4c56;
const PLAN_VERSION = 1;

interface LdpcFramePlan extends ReconcilePlan {
  readonly ldpc: ReconciliationPlan;
}

export interface LdpcReconciliationOptions {
  /** Decoder iterations before a frame is declared failed. */
  readonly maxIterations: number;
  /** Largest frame in key bits (default FRAME_KEY_BITS). */
  readonly frameKeyBits?: number;
}

export class LdpcReconciliation implements Reconciliation {
  private readonly layouts = new Map<string, FrameLayout>();

  constructor(private readonly options: LdpcReconciliationOptions = { maxIterations: 200 }) {}

  plan(qber: number, keyBits: number): ReconcilePlan {
    const largest = this.options.frameKeyBits ?? FRAME_KEY_BITS;
    if (keyBits < MIN_FRAME_KEY_BITS)
      throw new QkdAbort(QkdAbortReason.NO_SECRET_KEY, `${keyBits} key bits, fewer than the smallest frame (${MIN_FRAME_KEY_BITS})`);
    const frames = Math.ceil(keyBits / largest);
    const ldpc = planReconciliation(Math.max(qber, 1e-6), Math.floor(keyBits / frames));
    const plan: LdpcFramePlan = { payloadBits: ldpc.keyBits, syndromeBits: ldpc.syndromeBits, leakedBitsPerFrame: ldpc.leakedBits, ldpc };
    return plan;
  }

  encodePlan(plan: ReconcilePlan): Uint8Array {
    const p = (plan as LdpcFramePlan).ldpc;
    return new Writer().u8(PLAN_VERSION).u8(p.codeId).u32(p.n).u32(p.punctured).u32(p.shortened).u32(p.keyBits).finish();
  }

  private code(plan: ReconcilePlan): { code: LdpcCode; layout: FrameLayout } {
    const p = (plan as LdpcFramePlan).ldpc;
    const code = ldpcCode(p.n, MOTHER_RATES[p.codeId]!, p.codeSeed);
    const key = `${p.n}/${p.punctured}/${p.shortened}`;
    let layout = this.layouts.get(key);
    if (!layout) this.layouts.set(key, (layout = frameLayout(p.n, p.punctured, p.shortened, LAYOUT_SEED)));
    return { code, layout };
  }

  syndrome(plan: ReconcilePlan, payload: Uint8Array, entropy: Entropy): Uint8Array {
    checkBytes('payload', payload, plan.payloadBits);
    const { code, layout } = this.code(plan);
    const punctured = entropy.randomBytes(layout.punctured).map((b) => b & 1);
    const frame = aliceFrame(layout, payload, punctured);
    const syndrome = ldpcSyndrome(code, frame);
    zeroise(frame, punctured);
    return syndrome;
  }

  correct(plan: ReconcilePlan, syndromes: readonly Uint8Array[], payloads: Uint8Array, qber: number, kernels: Kernels): CorrectedFrame[] {
    checkBytes('payloads', payloads, syndromes.length * plan.payloadBits);
    const { code, layout } = this.code(plan);
    const magnitude = decoderLlrMagnitude(Math.min(Math.max(qber, 1e-6), 0.49));
    const out: CorrectedFrame[] = [];
    for (let first = 0; first < syndromes.length; first += DECODE_BATCH_FRAMES)
      out.push(...this.correctBatch(code, layout, syndromes.slice(first, first + DECODE_BATCH_FRAMES),
        payloads.subarray(first * plan.payloadBits), magnitude, kernels));
    return out;
  }

  /** Up to DECODE_BATCH_FRAMES frames in one Kernels call; `payloads` starts with the first frame's. */
  private correctBatch(
    code: LdpcCode, layout: FrameLayout, syndromes: readonly Uint8Array[], payloads: Uint8Array, magnitude: number, kernels: Kernels,
  ): CorrectedFrame[] {
    const frames = syndromes.length;
    const bits = layout.keyPositions.length;
    const bytes = (code.m + 7) >>> 3;
    const allSyndromes = new Uint8Array(frames * bytes);
    const llrs = new Float64Array(frames * code.n);
    for (let f = 0; f < frames; f++) {
      allSyndromes.set(checkBytes(`syndromes[${f}]`, syndromes[f], bytes), f * bytes);
      bobChannelLlr(layout, payloads.subarray(f * bits, (f + 1) * bits), magnitude, llrs.subarray(f * code.n, (f + 1) * code.n));
    }
    const decoded = kernels.ldpcDecode(code, allSyndromes, llrs, this.options.maxIterations);
    zeroise(llrs as unknown as Uint8Array);
    const out: CorrectedFrame[] = [];
    for (let f = 0; f < frames; f++) {
      const corrected = frameKeyBits(layout, decoded.bits.subarray(f * code.n, (f + 1) * code.n));
      const payload = payloads.subarray(f * bits, (f + 1) * bits);
      let flipped = 0;
      for (let i = 0; i < corrected.length; i++) flipped += corrected[i]! ^ payload[i]!;
      out.push({ payload: corrected, converged: decoded.frames[f]!.converged, flipped });
    }
    zeroise(decoded.bits);
    return out;
  }
}

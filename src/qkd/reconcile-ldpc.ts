/**
 * Reconciliation with the rate-adaptive LDPC family of ldpc/ (the Reconciliation seam of
 * reconcile.ts). A key string is cut into equal frames of at most FRAME_KEY_BITS bits (the few
 * bits left over are dropped, never used); every frame uses the same mother code, puncturing and
 * shortening (ldpc/adapt.ts), planned from the public QBER reading, so both peers derive the
 * same plan. Plan on the wire, version 1:
 *   version u8 (= 1) ‖ code_id u8 ‖ n u32 ‖ punctured u32 ‖ shortened u32 ‖ frame_key_bits u32
 * Punctured positions carry fresh random bits from Alice's Entropy port; Bob decodes through the
 * Kernels port (reference or native: the caller's choice, reported in the key block), with the
 * channel |LLR| of ldpc/adapt.ts decoderLlrMagnitude (his own choice: not on the wire).
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

  correct(plan: ReconcilePlan, syndrome: Uint8Array, payload: Uint8Array, qber: number, kernels: Kernels): CorrectedFrame {
    checkBytes('payload', payload, plan.payloadBits);
    const { code, layout } = this.code(plan);
    const llr = bobChannelLlr(layout, payload, decoderLlrMagnitude(Math.min(Math.max(qber, 1e-6), 0.49)));
    const decoded = kernels.ldpcDecode(code, syndrome, llr, this.options.maxIterations);
    const corrected = frameKeyBits(layout, decoded.bits);
    zeroise(decoded.bits, llr as unknown as Uint8Array);
    let flipped = 0;
    for (let i = 0; i < corrected.length; i++) flipped += corrected[i]! ^ payload[i]!;
    return { payload: corrected, converged: decoded.converged, flipped };
  }
}

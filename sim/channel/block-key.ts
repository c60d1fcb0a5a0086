/**
 * The secret key of one finite-key block from its counts, computed the way the real engine
 * (src/qkd/bb84-block.ts + block.ts) computes it from its own, so the network-scale model and the
 * pulse-level engine agree (issue #9, the calibration point):
 *
 * - the QBER reading and its policy state come from the disclosed test basis (estimate.ts readQber);
 *   a critical or compromised reading ends the block before reconciliation;
 * - λ_EC is what the LDPC reconciler (src/qkd/reconcile-ldpc.ts) really leaks: the plan for the
 *   planning QBER (reading + 1σ) over the key string, whole frames only; the key bits past the
 *   last whole frame are dropped, so the bound counts only the reconciled ones. A nominal f·n·h(E)
 *   undercounts this by about 10 % (measured f ≈ 1.25 against the 1.16 the scenarios assumed);
 * - ℓ is secretKeyLength (Lim et al. 2014) on those counts with the quantised class probabilities
 *   the source really implements (decoy.ts checkDecoySource).
 */
import { allowsKey, QBER_STATE_NAMES } from '../../src/policy/qber.ts';
import { binaryEntropy } from '../../src/qkd/binary-entropy.ts';
import type { DecoySource } from '../../src/qkd/decoy.ts';
import { QkdAbort } from '../../src/qkd/errors.ts';
import { type ClassCounts, readQber, secretKeyLength, type SecurityParameters } from '../../src/qkd/estimate.ts';
import { LdpcReconciliation } from '../../src/qkd/reconcile-ldpc.ts';
import type { BlockCounts } from './counts.ts';

export interface BlockKey {
  readonly keyBits: number;
  /** The test-basis QBER reading (what the engine reports as testQber). */
  readonly testQber: number;
  readonly leakedBits: number;
  /** Key-basis bits reconciled (whole frames). */
  readonly reconciledBits: number;
  /** Why the block gives no key, in the engine's words (reason name: detail). */
  readonly refused?: string;
}

// Planning only (plan() keeps no per-call state): one instance serves every block.
const reconciler = new LdpcReconciliation();

/** f of the LDPC plan for `keyBits` at a QBER: leaked / (n·h(E)), the efficiency the engine reaches. */
export function ldpcEfficiency(qber: number, keyBits = 100_000): number {
  const plan = reconciler.plan(qber, keyBits);
  return plan.leakedBitsPerFrame / (plan.payloadBits * binaryEntropy(qber));
}

/**
 * ℓ of a block with counts [nX(3), mX(3), nZ(3), mZ(3)] (counts.ts BlockCounts or plain numbers);
 * `nominalEfficiency` replaces the LDPC plan by λ_EC = f·n_X·h(E) over the whole key string.
 */
export function blockKey(counts: BlockCounts | readonly number[], source: DecoySource, security: SecurityParameters, nominalEfficiency?: number): BlockKey {
  const r = (i: number) => Math.round(counts[i]!);
  const key: ClassCounts['key'] = [r(0), r(1), r(2)];
  const c: ClassCounts = { key, test: [r(6), r(7), r(8)], testErrors: [r(9), r(10), r(11)] };
  const reading = readQber(c, security);
  const none = (refused: string, leakedBits = 0, reconciledBits = 0): BlockKey => ({ keyBits: 0, testQber: reading.qber, leakedBits, reconciledBits, refused });
  if (!allowsKey(reading.state)) return none(`POLICY_SUSPENDED: QBER ${(100 * reading.qber).toFixed(2)} %: ${QBER_STATE_NAMES[reading.state]}`);
  const nX = key[0] + key[1] + key[2];
  if (nominalEfficiency !== undefined) {
    const leakedBits = nominalEfficiency * nX * binaryEntropy(Math.min(0.5, reading.qber));
    const bound = secretKeyLength(c, source, leakedBits, security);
    if (bound.length <= 0) return none(`NO_SECRET_KEY: ${bound.reason ?? 'the finite-key bound leaves no key'}`, leakedBits, nX);
    return { keyBits: bound.length, testQber: reading.qber, leakedBits, reconciledBits: nX };
  }
  let payloadBits: number;
  let leakedPerFrame: number;
  try {
    const plan = reconciler.plan(reading.planningQber, nX);
    payloadBits = plan.payloadBits;
    leakedPerFrame = plan.leakedBitsPerFrame;
  } catch (e) {
    if (e instanceof QkdAbort) return none(`NO_SECRET_KEY: ${e.detail}`);
    if (e instanceof RangeError) return none(`NO_SECRET_KEY: ${e.message}`);
    throw e;
  }
  const frames = Math.floor(nX / payloadBits);
  if (frames === 0) return none(`NO_SECRET_KEY: ${nX} key bits, fewer than one frame of ${payloadBits}`);
  const reconciledBits = frames * payloadBits;
  const leakedBits = frames * leakedPerFrame;
  // The dropped tail is a slot-order remainder, so each class loses its share of it.
  const kept = reconciledBits / nX;
  const keptKey: ClassCounts['key'] = [Math.round(key[0] * kept), Math.round(key[1] * kept), Math.round(key[2] * kept)];
  const bound = secretKeyLength({ ...c, key: keptKey }, source, leakedBits, security);
  if (bound.length <= 0) return none(`NO_SECRET_KEY: ${bound.reason ?? 'the finite-key bound leaves no key'}`, leakedBits, reconciledBits);
  return { keyBits: bound.length, testQber: reading.qber, leakedBits, reconciledBits };
}

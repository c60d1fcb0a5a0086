/**
 * The back end of a QKD block, shared by every protocol (DESIGN §2 steps 5–7): once a front end
 * (decoy BB84, E91) has produced Alice's and Bob's key strings, the public counts and a QBER
 * reading, the parties run
 *
 *   Alice: RECONCILE (plan, one syndrome per frame) ─────────────────────▶ Bob decodes each frame
 *   Bob:   RECONCILE_RESULT (failed frames, errors corrected) ──────────▶ both drop failed frames
 *   Alice: VERIFY (fresh hash key, tag of her key) ─────────────────────▶ Bob compares his tag
 *   Bob:   VERIFY_RESULT ──────────────────────────────────────────────▶ mismatch: both abort
 *   Alice: AMPLIFY (ℓ, fresh Toeplitz seed, ML-DSA signature) ─────────▶ Bob verifies, then hashes
 *   Bob:   CONFIRM (ML-DSA signature over the whole transcript) ───────▶ Alice verifies, releases
 *
 * ℓ comes from the finite-key bound with every syndrome bit counted as leaked (failed frames
 * included); Bob recomputes the plan and the bound himself and refuses anything else. Both
 * signatures cover the transcript, so a change to any earlier message — unauthenticated when it
 * travelled — is caught before a seed is used or a key block released. Failed frames are
 * discarded and counted, never used.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { Entropy } from '../../hal/entropy.ts';
import type { Kernels } from '../../hal/kernels.ts';
import type { Link } from '../../hal/link.ts';
import { checkBytes } from '../_check.ts';
import { bytesToHex, concatBytes, equalBytes, packBits, zeroise } from '../bytes.ts';
import type { QberState } from '../policy/qber.ts';
import { Party } from './_party.ts';
import { type Identity, SignedStep, signStep, verifyStep } from './auth.ts';
import { QkdAbort, QkdAbortReason } from './errors.ts';
import type { FiniteKeyBound } from './finite-key.ts';
import { keyBlockId, type KeyBlock, type KeyBlockStats, type QkdProtocol } from './keyblock.ts';
import { amplifySignedPart, type SiftMessage, SiftMessageType, VERIFY_KEY_BYTES } from './messages.ts';
import type { Reconciliation, ReconcilePlan } from './reconcile.ts';
import { verificationCollisionBound, verificationTag } from './verify.ts';
import type { SecurityParameters } from './estimate.ts';

export interface BlockOptions {
  readonly link: Link;
  readonly blockId: number;
  readonly pulses: number;
  readonly entropy: Entropy;
  readonly kernels: Kernels;
  readonly reconciliation: Reconciliation;
  readonly identity: Identity;
  /** The peer's pinned ML-DSA-65 public key. */
  readonly peerPublicKey: Uint8Array;
  readonly security: SecurityParameters;
}

/** What a front end hands over: this party's key string and how to bound the key it can give. */
export interface FrontResult {
  readonly protocol: QkdProtocol;
  /** Key bits, one per byte, in the order both parties agree on. */
  readonly key: Uint8Array;
  /** The QBER used to plan reconciliation, and the one reported. */
  readonly planningQber: number;
  readonly testQber: number;
  readonly policyState: QberState;
  /** ℓ for the key bits kept (by index into `key`) with `leakedBits` disclosed. */
  readonly bound: (kept: (index: number) => boolean, leakedBits: number) => FiniteKeyBound;
  /** The kept key bits per class (what `bound` counts). */
  readonly keptByClass: (kept: (index: number) => boolean) => number[];
  readonly stats: Omit<KeyBlockStats, 'frames' | 'failedFrames' | 'errorsCorrected' | 'reconciledBits' | 'reconciledByClass'>;
}

type BackState = 'awaiting-reconcile' | 'awaiting-reconcile-result' | 'awaiting-verify' | 'awaiting-verify-result'
  | 'awaiting-amplify' | 'awaiting-confirm';

export abstract class BlockParty<FrontState extends string> extends Party<FrontState | BackState> {
  state: FrontState | BackState | 'done' | 'aborted';
  result: KeyBlock | undefined;
  protected front: FrontResult | undefined;
  private plan: ReconcilePlan | undefined;
  private frames = 0;
  private failed: Uint8Array | undefined;
  private errorsCorrected = 0;
  /** The reconciled key (kept frames only), one bit per byte. */
  private reconciled: Uint8Array | undefined;
  private bound: FiniteKeyBound | undefined;
  private amplified: Uint8Array | undefined;
  private keyBits = 0;
  private paSeedHash = '';

  constructor(protected readonly options: BlockOptions, transcriptLabel: string, initial: FrontState) {
    super(options.link, options.blockId, options.pulses, transcriptLabel);
    checkBytes('peerPublicKey', options.peerPublicKey);
    this.state = initial;
  }

  protected get leakedBits(): number {
    return this.frames * this.plan!.leakedBitsPerFrame;
  }

  /** The plan both sides derive from the front end's public reading. */
  private planFor(front: FrontResult): ReconcilePlan {
    const plan = this.options.reconciliation.plan(front.planningQber, front.key.length);
    const frames = Math.floor(front.key.length / plan.payloadBits);
    if (frames === 0) throw new QkdAbort(QkdAbortReason.NO_SECRET_KEY, `${front.key.length} key bits, fewer than one frame of ${plan.payloadBits}`);
    this.frames = frames;
    const before = front.bound(() => true, frames * plan.leakedBitsPerFrame);
    if (before.length <= 0) throw new QkdAbort(QkdAbortReason.NO_SECRET_KEY, before.reason ?? 'the finite-key bound leaves no key');
    return plan;
  }

  private keptIndex(): (index: number) => boolean {
    const payload = this.plan!.payloadBits;
    const failed = this.failed!;
    const frames = this.frames;
    return (i) => {
      const frame = Math.floor(i / payload);
      return frame < frames && !failed[frame];
    };
  }

  private boundAfterReconciliation(): FiniteKeyBound {
    const bound = this.front!.bound(this.keptIndex(), this.leakedBits);
    if (bound.length <= 0) throw new QkdAbort(QkdAbortReason.NO_SECRET_KEY, bound.reason ?? 'the finite-key bound leaves no key');
    if (verificationCollisionBound(this.reconciled!.length) > this.options.security.epsCor)
      throw new QkdAbort(QkdAbortReason.NO_SECRET_KEY, 'the verification tag cannot reach ε_cor for this many bits');
    return bound;
  }

  /** Alice: the front end is done; send the syndromes. */
  protected startReconciliation(front: FrontResult): void {
    this.front = front;
    const plan = (this.plan = this.planFor(front));
    const r = this.options.reconciliation;
    const syndromes: Uint8Array[] = [];
    for (let f = 0; f < this.frames; f++)
      syndromes.push(r.syndrome(plan, front.key.subarray(f * plan.payloadBits, (f + 1) * plan.payloadBits), this.options.entropy));
    this.send({ type: SiftMessageType.RECONCILE, blockId: this.blockId, plan: r.encodePlan(plan), syndromeBits: plan.syndromeBits, syndromes });
    this.state = 'awaiting-reconcile-result';
  }

  /** Bob: the front end is done; wait for Alice's syndromes. */
  protected awaitReconciliation(front: FrontResult): void {
    this.front = front;
    this.state = 'awaiting-reconcile';
  }

  protected handleBackEnd(m: SiftMessage): boolean {
    const r = this.options.reconciliation;
    if (m.type === SiftMessageType.RECONCILE && this.state === 'awaiting-reconcile') {
      const front = this.front!;
      const plan = (this.plan = this.planFor(front));
      if (!equalBytes(r.encodePlan(plan), m.plan) || m.syndromeBits !== plan.syndromeBits || m.syndromes.length !== this.frames)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, 'the reconciliation plan differs from the one the public reading gives');
      const failed = new Uint8Array(this.frames);
      const parts: Uint8Array[] = [];
      const corrected = r.correct(plan, m.syndromes, front.key.subarray(0, this.frames * plan.payloadBits), front.planningQber, this.options.kernels);
      for (let f = 0; f < this.frames; f++) {
        const out = corrected[f]!;
        if (out.converged) {
          parts.push(out.payload);
          this.errorsCorrected += out.flipped;
        } else {
          failed[f] = 1;
          zeroise(out.payload);
        }
      }
      this.failed = failed;
      this.reconciled = concatBytes(...parts);
      zeroise(...parts);
      this.send({ type: SiftMessageType.RECONCILE_RESULT, blockId: this.blockId, failed, errorsCorrected: this.errorsCorrected });
      this.state = 'awaiting-verify';
    } else if (m.type === SiftMessageType.RECONCILE_RESULT && this.state === 'awaiting-reconcile-result') {
      if (m.failed.length !== this.frames)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `${m.failed.length} frame results for ${this.frames} frames`);
      this.failed = m.failed;
      this.errorsCorrected = m.errorsCorrected;
      const payload = this.plan!.payloadBits;
      const parts: Uint8Array[] = [];
      for (let f = 0; f < this.frames; f++) if (!m.failed[f]) parts.push(this.front!.key.subarray(f * payload, (f + 1) * payload));
      this.reconciled = concatBytes(...parts);
      this.bound = this.boundAfterReconciliation();
      const hashKey = this.options.entropy.randomBytes(VERIFY_KEY_BYTES);
      this.send({ type: SiftMessageType.VERIFY, blockId: this.blockId, hashKey, tag: verificationTag(this.reconciled, hashKey) });
      this.state = 'awaiting-verify-result';
    } else if (m.type === SiftMessageType.VERIFY && this.state === 'awaiting-verify') {
      const match = equalBytes(verificationTag(this.reconciled!, m.hashKey), m.tag);
      this.send({ type: SiftMessageType.VERIFY_RESULT, blockId: this.blockId, match });
      if (!match) throw new QkdAbort(QkdAbortReason.VERIFICATION_FAILED, 'the corrected keys differ');
      this.bound = this.boundAfterReconciliation();
      this.state = 'awaiting-amplify';
    } else if (m.type === SiftMessageType.VERIFY_RESULT && this.state === 'awaiting-verify-result') {
      if (!m.match) throw new QkdAbort(QkdAbortReason.VERIFICATION_FAILED, 'the corrected keys differ');
      const n = this.reconciled!.length;
      const ell = this.bound!.length;
      const seedBits = n + ell - 1;
      const seed = packBits(this.options.entropy.randomBytes(seedBits).map((b) => b & 1));
      const body = { blockId: this.blockId, outputBits: ell, seedBits, seed };
      const signature = signStep(SignedStep.AMPLIFY, concatBytes(this.transcript.snapshot(), amplifySignedPart(body)), this.options.identity, this.options.entropy);
      this.amplify(seed, ell);
      this.send({ type: SiftMessageType.AMPLIFY, ...body, signature });
      this.state = 'awaiting-confirm';
    } else if (m.type === SiftMessageType.AMPLIFY && this.state === 'awaiting-amplify') {
      if (!verifyStep(SignedStep.AMPLIFY, concatBytes(this.transcriptBefore!, amplifySignedPart(m)), m.signature, this.options.peerPublicKey))
        throw new QkdAbort(QkdAbortReason.BAD_SIGNATURE, "Alice's amplification step is not signed by her pinned identity");
      const n = this.reconciled!.length;
      if (m.outputBits < 1 || m.outputBits > this.bound!.length || m.seedBits !== n + m.outputBits - 1)
        throw new QkdAbort(QkdAbortReason.PEER_INCONSISTENT, `asked for ${m.outputBits} bits with a ${m.seedBits}-bit seed; the bound allows ${this.bound!.length}`);
      this.amplify(m.seed, m.outputBits);
      const signature = signStep(SignedStep.CONFIRM, this.transcript.snapshot(), this.options.identity, this.options.entropy);
      this.send({ type: SiftMessageType.CONFIRM, blockId: this.blockId, signature });
      this.release();
    } else if (m.type === SiftMessageType.CONFIRM && this.state === 'awaiting-confirm') {
      if (!verifyStep(SignedStep.CONFIRM, this.transcriptBefore!, m.signature, this.options.peerPublicKey))
        throw new QkdAbort(QkdAbortReason.BAD_SIGNATURE, "Bob's confirmation is not signed by his pinned identity");
      this.release();
    } else return false;
    return true;
  }

  private amplify(seed: Uint8Array, ell: number): void {
    const input = packBits(this.reconciled!);
    this.amplified = this.options.kernels.toeplitzHash(input, this.reconciled!.length, seed, ell);
    this.keyBits = ell;
    zeroise(input, this.reconciled);
    this.paSeedHash = bytesToHex(sha256(seed));
  }

  private release(): void {
    const front = this.front!;
    const bound = this.bound!;
    const kernels = this.options.kernels;
    this.result = {
      id: keyBlockId(this.transcript.digest()),
      protocol: front.protocol,
      key: this.amplified!,
      keyBits: this.keyBits,
      qber: this.reconciled!.length ? this.errorsCorrected / this.reconciled!.length : 0,
      testQber: front.testQber,
      policyState: front.policyState,
      stats: {
        ...front.stats,
        frames: this.frames,
        failedFrames: this.failed!.reduce((a, b) => a + b, 0),
        errorsCorrected: this.errorsCorrected,
        reconciledBits: this.reconciled!.length,
        reconciledByClass: front.keptByClass(this.keptIndex()),
      },
      leakedBits: this.leakedBits,
      paSeedHash: this.paSeedHash,
      epsSec: this.options.security.epsSec,
      epsCor: this.options.security.epsCor,
      bounds: { sX0: bound.sX0, sX1: bound.sX1, phiX: bound.phiX },
      kernels: `${kernels.runtime}: toeplitz ${kernels.perKernel.toeplitzHash}, ldpc ${kernels.perKernel.ldpcDecode}`,
    };
    zeroise(front.key);
    this.state = 'done';
  }

  protected zeroiseBackEnd(): void {
    zeroise(this.front?.key, this.reconciled, this.amplified);
  }
}

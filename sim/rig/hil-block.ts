/**
 * One decoy-BB84 key block whose optical channel is a rig behind the HIL bridge: the block of
 * sim/qkd-small.ts (2·10^5 pulses, 16 kbit LDPC frames, ε_sec 1e-3), with Alice's train sent to
 * the rig frame by frame and Bob's detections binned from the rig's clicks. Both parties run the
 * core's state machines over an in-memory classical link, as in sim/qkd-run.ts. A bridge fault
 * refuses the block with the fault's name (no key); the caller re-syncs and starts another.
 */
import type { Kernels } from '../../hal/kernels.ts';
import { HilFaultError, type HilPhotonics } from '../../hal/hil/bridge.ts';
import { HilFaultName } from '../../hal/hil/errors.ts';
import { SimEntropy } from '../../hal/sim/entropy.ts';
import { createLinkPair } from '../../hal/sim/link.ts';
import { DEFAULT_QBER_THRESHOLDS } from '../../src/policy/qber.ts';
import { generateIdentity } from '../../src/qkd/auth.ts';
import { Bb84BlockAlice, Bb84BlockBob } from '../../src/qkd/bb84-block.ts';
import type { BlockOptions } from '../../src/qkd/block.ts';
import { QkdAbort } from '../../src/qkd/errors.ts';
import { LdpcReconciliation } from '../../src/qkd/reconcile-ldpc.ts';
import type { BlockOutcome } from '../qkd-run.ts';
import { pollToEnd } from '../block-poll.ts';
import { SMALL_BLOCK_PULSES } from '../qkd-small.ts';

export const HIL_BLOCK_SOURCE = { intensities: [0.5, 0.15, 0.0002], probabilities: [0.4, 0.3, 0.3], keyBasisProbability: 0.6 } as const;

export interface HilBlockOutcome extends BlockOutcome {
  /** Set when the bridge failed the block: the typed fault. */
  readonly fault?: string;
}

export async function runHilBlock(bridge: HilPhotonics, seed: number, kernels: Kernels, blockId = 1, pulses = SMALL_BLOCK_PULSES): Promise<HilBlockOutcome> {
  const ids = [generateIdentity(new SimEntropy(seed, 'id:alice')), generateIdentity(new SimEntropy(seed, 'id:bob'))] as const;
  const [aliceLink, bobLink] = createLinkPair();
  const common = {
    blockId, pulses, kernels,
    reconciliation: new LdpcReconciliation({ maxIterations: 100, frameKeyBits: 16_384 }),
    security: { epsSec: 1e-3, epsCor: 1e-12, thresholds: DEFAULT_QBER_THRESHOLDS },
  };
  const aliceOptions: BlockOptions = { ...common, link: aliceLink, entropy: new SimEntropy(seed, `alice:${blockId}`), identity: ids[0], peerPublicKey: ids[1].publicKey };
  const bobOptions: BlockOptions = { ...common, link: bobLink, entropy: new SimEntropy(seed, `bob:${blockId}`), identity: ids[1], peerPublicKey: ids[0].publicKey };
  let who: 'alice' | 'bob' = 'alice';
  try {
    const alice = new Bb84BlockAlice({ ...aliceOptions, tx: bridge }, HIL_BLOCK_SOURCE);
    const bob = new Bb84BlockBob({ ...bobOptions, rx: bridge }, HIL_BLOCK_SOURCE);
    alice.start();
    await bridge.transfer();
    who = 'bob';
    bob.measure();
    return pollToEnd(alice, bob, (w) => (who = w));
  } catch (e) {
    if (e instanceof HilFaultError) return { fault: HilFaultName[e.fault], abort: { by: who, reason: 'PHOTONICS', detail: e.message } };
    if (e instanceof QkdAbort) return { abort: { by: who, reason: e.reasonName, detail: e.detail } };
    throw e;
  }
}

/**
 * One key block through the real core (decoy BB84: Bb84BlockAlice/Bob, LDPC, Toeplitz, signed
 * transcripts) over whatever photonics front end the caller built: the honest simulated channel,
 * or one of the attacked front ends of sim/attacks/pulse.ts. The simulator's calibration points
 * and the pulse-level attack tests run here. Like sim/qkd-run.ts, but the front end is a parameter.
 */
import type { Kernels } from '../hal/kernels.ts';
import type { PhotonicsRx, PhotonicsTx } from '../hal/photonics.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { createLinkPair } from '../hal/sim/link.ts';
import { referenceKernels } from '../src/kernels/reference.ts';
import { generateIdentity, type Identity } from '../src/qkd/auth.ts';
import { Bb84BlockAlice, Bb84BlockBob } from '../src/qkd/bb84-block.ts';
import type { DecoySource } from '../src/qkd/decoy.ts';
import { QkdAbort } from '../src/qkd/errors.ts';
import type { SecurityParameters } from '../src/qkd/estimate.ts';
import { LdpcReconciliation } from '../src/qkd/reconcile-ldpc.ts';
import type { BlockOutcome } from './qkd-run.ts';
import { pollToEnd } from './block-poll.ts';

export interface FrontEnd {
  readonly tx: PhotonicsTx;
  readonly rx: PhotonicsRx;
}

export interface FrontEndBlockRun {
  readonly seed: number;
  readonly pulses: number;
  readonly source: DecoySource;
  readonly security: SecurityParameters;
  readonly frontEnd: FrontEnd;
  readonly kernels?: Kernels;
  readonly identities?: readonly [Identity, Identity];
}

const identityCache = new Map<number, readonly [Identity, Identity]>();

function identitiesFor(seed: number): readonly [Identity, Identity] {
  let ids = identityCache.get(seed);
  if (!ids) {
    ids = [generateIdentity(new SimEntropy(seed, 'id:alice')), generateIdentity(new SimEntropy(seed, 'id:bob'))];
    identityCache.set(seed, ids);
  }
  return ids;
}

export function runBlockOver(run: FrontEndBlockRun): BlockOutcome {
  const { seed, pulses, source, security } = run;
  const ids = run.identities ?? identitiesFor(seed);
  // A whole block of detections travels in one message: room for 10^8 pulses on a short link.
  const [aliceLink, bobLink] = createLinkPair(1 << 27);
  const common = { blockId: 1, pulses, kernels: run.kernels ?? referenceKernels, reconciliation: new LdpcReconciliation(), security };
  const alice = new Bb84BlockAlice({
    ...common, link: aliceLink, entropy: new SimEntropy(seed, 'alice'), identity: ids[0], peerPublicKey: ids[1].publicKey, tx: run.frontEnd.tx,
  }, source);
  const bob = new Bb84BlockBob({
    ...common, link: bobLink, entropy: new SimEntropy(seed, 'bob'), identity: ids[1], peerPublicKey: ids[0].publicKey, rx: run.frontEnd.rx,
  }, source);
  let who: 'alice' | 'bob' = 'alice';
  try {
    alice.start();
    who = 'bob';
    bob.measure();
    return pollToEnd(alice, bob, (w) => (who = w));
  } catch (e) {
    if (e instanceof QkdAbort) return { abort: { by: who, reason: e.reasonName, detail: e.detail } };
    throw e;
  }
}

/**
 * Sifting under a hostile or broken peer: every defect aborts the block with its typed reason,
 * the aborting party zeroises what it holds, and nothing is released.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Link } from '../hal/link.ts';
import type { PhotonicsTx, PulseTrain } from '../hal/photonics.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { createSimPhotonics } from '../hal/sim/photonics.ts';
import { QkdAbort, QkdAbortReason } from '../src/qkd/errors.ts';
import { decodeSiftMessage, encodeSiftMessage, SiftMessageType } from '../src/qkd/messages.ts';
import { type SiftingConfig, SiftingAlice, SiftingBob } from '../src/qkd/sifting.ts';

/** A link whose traffic the test carries by hand. */
class HandLink implements Link {
  readonly maxDatagram = 1 << 20;
  readonly inbox: Uint8Array[] = [];
  readonly sent: Uint8Array[] = [];
  send(d: Uint8Array) { this.sent.push(d.slice()); }
  receive() { return this.inbox.shift(); }
  close() {}
}

const config: SiftingConfig = { pulses: 20_000, sampleFraction: 0.1, minSampleSize: 32 };
const physics = { lossDb: 0, detectorEfficiency: 0.2, darkCountProbability: 1e-5, misalignment: 0.02, meanPhotonNumbers: [0.5] };

function parties(options: { bobBlock?: number; config?: SiftingConfig } = {}) {
  const photonics = createSimPhotonics(physics, 1);
  let emitted: PulseTrain | undefined;
  const tx: PhotonicsTx = { emit: (t) => { emitted = t; photonics.tx.emit(t); }, health: () => photonics.tx.health() };
  const aliceLink = new HandLink();
  const bobLink = new HandLink();
  const c = options.config ?? config;
  const alice = new SiftingAlice({ entropy: new SimEntropy(1, 'alice'), tx, link: aliceLink, blockId: 1, config: c });
  const bob = new SiftingBob({ rx: photonics.rx, link: bobLink, blockId: options.bobBlock ?? 1, config: c });
  return { alice, bob, aliceLink, bobLink, train: () => emitted! };
}

function abortReason(fn: () => void): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof QkdAbort) return e.reason;
    throw e;
  }
  assert.unreachable('no abort');
  return 0;
}

test('an honest exchange completes with equal key lengths and a QBER', () => {
  const p = parties();
  p.alice.start();
  p.bob.measure();
  p.aliceLink.inbox.push(...p.bobLink.sent.splice(0));
  p.alice.poll();
  p.bobLink.inbox.push(...p.aliceLink.sent.splice(0));
  p.bob.poll();
  p.aliceLink.inbox.push(...p.bobLink.sent.splice(0));
  p.alice.poll();
  assert.is(p.alice.state, 'done');
  assert.is(p.bob.state, 'done');
  assert.is(p.alice.result!.key.length, p.bob.result!.key.length);
  assert.is(p.alice.result!.qber.qber, p.bob.result!.qber.qber);
});

test('a report for another block aborts with BLOCK_ID_MISMATCH and zeroises the train', () => {
  const p = parties({ bobBlock: 2 });
  p.alice.start();
  p.bob.measure();
  p.aliceLink.inbox.push(...p.bobLink.sent);
  assert.is(abortReason(() => p.alice.poll()), QkdAbortReason.BLOCK_ID_MISMATCH);
  assert.is(p.alice.state, 'aborted');
  assert.ok(p.train().bits.every((b) => b === 0), "Alice's bits were not zeroised");
  assert.ok(p.train().bases.every((b) => b === 0), "Alice's bases were not zeroised");
  assert.is(p.alice.result, undefined);
});

test('a truncated report aborts with MALFORMED_MESSAGE', () => {
  const p = parties();
  p.alice.start();
  p.bob.measure();
  p.aliceLink.inbox.push(p.bobLink.sent[0]!.subarray(0, 20));
  assert.is(abortReason(() => p.alice.poll()), QkdAbortReason.MALFORMED_MESSAGE);
  assert.ok(p.train().bits.every((b) => b === 0));
});

test('messages out of order abort with UNEXPECTED_MESSAGE', () => {
  const p = parties();
  p.alice.start();
  p.bob.measure();
  p.aliceLink.inbox.push(...p.bobLink.sent.splice(0));
  p.alice.poll();
  const [decision, challenge] = p.aliceLink.sent;
  p.bobLink.inbox.push(challenge!, decision!);
  assert.is(abortReason(() => p.bob.poll()), QkdAbortReason.UNEXPECTED_MESSAGE);
  assert.is(p.bob.state, 'aborted');
});

test('a peer that lies about the slot count aborts with PEER_INCONSISTENT', () => {
  const p = parties();
  p.alice.start();
  p.bob.measure();
  const report = decodeSiftMessage(p.bobLink.sent[0]!, 1 << 28);
  assert.is(report.type, SiftMessageType.DETECTION_REPORT);
  if (report.type !== SiftMessageType.DETECTION_REPORT) return;
  // Still a well-formed report (every slot below the claimed count), but not of this block's train.
  p.aliceLink.inbox.push(encodeSiftMessage({ ...report, slotCount: report.slots[report.slots.length - 1]! + 1 }));
  assert.is(abortReason(() => p.alice.poll()), QkdAbortReason.PEER_INCONSISTENT);
});

test('a decision that does not cover the reported detections aborts with PEER_INCONSISTENT', () => {
  const p = parties();
  p.alice.start();
  p.bob.measure();
  p.bobLink.inbox.push(encodeSiftMessage({ type: SiftMessageType.SIFT_DECISION, blockId: 1, keep: new Uint8Array(3) }));
  assert.is(abortReason(() => p.bob.poll()), QkdAbortReason.PEER_INCONSISTENT);
});

test('a reply with the wrong number of sampled bits aborts with PEER_INCONSISTENT', () => {
  const p = parties();
  p.alice.start();
  p.bob.measure();
  p.aliceLink.inbox.push(...p.bobLink.sent.splice(0));
  p.alice.poll();
  p.aliceLink.inbox.push(encodeSiftMessage({ type: SiftMessageType.SAMPLE_RESPONSE, blockId: 1, bobBits: new Uint8Array(1) }));
  assert.is(abortReason(() => p.alice.poll()), QkdAbortReason.PEER_INCONSISTENT);
  assert.is(p.alice.result, undefined);
});

test('a message replayed after the block ended is refused', () => {
  const p = parties();
  p.alice.start();
  p.bob.measure();
  const report = p.bobLink.sent[0]!;
  p.aliceLink.inbox.push(report);
  p.alice.poll();
  p.bobLink.inbox.push(...p.aliceLink.sent.splice(0));
  p.bob.poll();
  p.aliceLink.inbox.push(...p.bobLink.sent.splice(1));
  p.alice.poll();
  assert.is(p.alice.state, 'done');
  p.aliceLink.inbox.push(report);
  assert.is(abortReason(() => p.alice.poll()), QkdAbortReason.UNEXPECTED_MESSAGE);
});

test('too few sifted bits to estimate the QBER aborts with SAMPLE_TOO_SMALL', () => {
  const p = parties({ config: { ...config, pulses: 400 } });
  p.alice.start();
  p.bob.measure();
  p.aliceLink.inbox.push(...p.bobLink.sent.splice(0));
  assert.is(abortReason(() => p.alice.poll()), QkdAbortReason.SAMPLE_TOO_SMALL);
  assert.is(p.aliceLink.sent.length, 1, 'Alice sent a challenge after deciding to abort');
});

test('Bob refuses a challenge whose sample is too small to estimate the QBER', () => {
  const p = parties();
  p.alice.start();
  p.bob.measure();
  p.aliceLink.inbox.push(...p.bobLink.sent.splice(0));
  p.alice.poll();
  const decision = p.aliceLink.sent[0]!;
  const kept = decodeSiftMessage(decision, 1 << 28);
  if (kept.type !== SiftMessageType.SIFT_DECISION) return assert.unreachable('not a decision');
  const sample = new Uint8Array(kept.keep.reduce((n, b) => n + b, 0));
  sample[0] = 1;
  p.bobLink.inbox.push(decision, encodeSiftMessage({ type: SiftMessageType.SAMPLE_CHALLENGE, blockId: 1, sample, aliceBits: Uint8Array.of(0) }));
  assert.is(abortReason(() => p.bob.poll()), QkdAbortReason.SAMPLE_TOO_SMALL);
  assert.is(p.bobLink.sent.length, 0, 'Bob answered a challenge he refused');
});

test('an unhealthy transmitter produces no pulses and says why', () => {
  const aliceLink = new HandLink();
  const alice = new SiftingAlice({
    entropy: new SimEntropy(1, 'a'), link: aliceLink, blockId: 1, config,
    tx: { emit: () => assert.unreachable('emitted'), health: () => ({ healthy: false, reason: 'laser over temperature' }) },
  });
  try {
    alice.start();
    assert.unreachable('started');
  } catch (e: any) {
    assert.is(e.reason, QkdAbortReason.PHOTONICS_UNHEALTHY);
    assert.match(e.message, /laser over temperature/);
  }
});

test.run();

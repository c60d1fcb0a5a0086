/**
 * Whole key blocks through the core: honest runs agree bit for bit within the finite-key bound;
 * attacks and tampering end in typed refusals, never in a released key.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Link } from '../hal/link.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { createLinkPair } from '../hal/sim/link.ts';
import { createSimPhotonics } from '../hal/sim/photonics.ts';
import { referenceKernels } from '../src/kernels/reference.ts';
import { bytesToHex } from '../src/bytes.ts';
import { DEFAULT_QBER_THRESHOLDS } from '../src/policy/qber.ts';
import { generateIdentity } from '../src/qkd/auth.ts';
import { Bb84BlockAlice, Bb84BlockBob } from '../src/qkd/bb84-block.ts';
import { checkDecoySource } from '../src/qkd/decoy.ts';
import { QkdAbort, QkdAbortReason } from '../src/qkd/errors.ts';
import { secretKeyLength, type SecurityParameters } from '../src/qkd/estimate.ts';
import { decodeSiftMessage, encodeSiftMessage, SiftMessageType } from '../src/qkd/messages.ts';
import { LdpcReconciliation } from '../src/qkd/reconcile-ldpc.ts';
import { type BlockScenario, runQkdBlock } from '../sim/qkd-run.ts';

const kernels = referenceKernels;
const source = { intensities: [0.5, 0.15, 0.0002], probabilities: [0.4, 0.3, 0.3], keyBasisProbability: 0.6 } as const;

/** 10 km of fiber with a 25 % detector: key from about 2·10^7 pulses. */
const fiber10km: BlockScenario = {
  protocol: 'bb84-decoy', source,
  photonics: { lossDb: 2.1, detectorEfficiency: 0.25, darkCountProbability: 8.5e-7, misalignment: 0.02, meanPhotonNumbers: [0.5, 0.15, 0.0002] },
};
/** A short, clean link with relaxed ε: key from 2·10^5 pulses, for the fast protocol tests. */
const bench: BlockScenario = {
  protocol: 'bb84-decoy', source,
  photonics: { lossDb: 0, detectorEfficiency: 0.9, darkCountProbability: 1e-7, misalignment: 0.01, meanPhotonNumbers: [0.5, 0.15, 0.0002] },
};
const relaxed: SecurityParameters = { epsSec: 1e-3, epsCor: 1e-12, thresholds: DEFAULT_QBER_THRESHOLDS };
const smallFrames = () => new LdpcReconciliation({ maxIterations: 200, frameKeyBits: 4096 });

test('10 km fiber, 2·10^7 pulses: both parties hold the same key block, no longer than the bound allows', () => {
  const r = runQkdBlock({ seed: 3, pulses: 20_000_000, scenario: fiber10km, kernels, reconciliation: new LdpcReconciliation() });
  assert.is(r.abort, undefined, JSON.stringify(r.abort));
  const a = r.alice!;
  const b = r.bob!;
  assert.is(bytesToHex(a.key), bytesToHex(b.key), 'keys differ');
  assert.is(a.id, b.id);
  assert.ok(a.stats.reconciledBits >= 100_000, `${a.stats.reconciledBits} reconciled bits`);
  assert.ok(a.keyBits > 0 && a.key.length === Math.ceil(a.keyBits / 8));
  // ℓ recomputed here from the published counts and leakage: the block may not exceed it.
  const kept = a.stats.reconciledByClass as [number, number, number];
  assert.is(kept[0] + kept[1] + kept[2], a.stats.reconciledBits);
  const bound = secretKeyLength({ key: kept, test: a.stats.testBasis as [number, number, number], testErrors: a.stats.testErrors as [number, number, number] },
    checkDecoySource(source), a.leakedBits, { epsSec: a.epsSec, epsCor: a.epsCor, thresholds: DEFAULT_QBER_THRESHOLDS });
  assert.is(a.keyBits, bound.length, `ℓ = ${a.keyBits}, the bound gives ${bound.length}`);
  assert.ok(a.qber > 0.01 && a.qber < 0.05, `QBER ${a.qber}`);
  assert.is(a.kernels, 'any: toeplitz reference, ldpc reference');
});

test('full intercept-resend: QBER ≈ 25 %, policy compromised, no key', () => {
  const attacked: BlockScenario = { ...fiber10km, photonics: { ...fiber10km.photonics, attack: { kind: 'intercept-resend', fraction: 1 } } } as BlockScenario;
  const r = runQkdBlock({ seed: 4, pulses: 2_000_000, scenario: attacked, kernels, reconciliation: new LdpcReconciliation() });
  assert.is(r.alice, undefined);
  assert.is(r.abort?.reason, 'POLICY_SUSPENDED');
  assert.match(r.abort!.detail, /compromised/);
  const qber = Number(/QBER ([\d.]+) %/.exec(r.abort!.detail)![1]) / 100;
  assert.ok(Math.abs(qber - 0.25) < 0.02, `QBER ${qber}`);
});

test('photon-number splitting on a 33 km link: QBER stays low, the decoy bound exposes it, no key', () => {
  // 7 dB: lossy enough for Eve to block every single-photon pulse and still look honest.
  const fiber33km = { ...fiber10km, photonics: { ...fiber10km.photonics, lossDb: 7 } } as BlockScenario;
  const honest = runQkdBlock({ seed: 5, pulses: 30_000_000, scenario: fiber33km, kernels, reconciliation: new LdpcReconciliation() });
  assert.ok(honest.alice && honest.alice.keyBits > 0, `the same block gives key without the attack: ${JSON.stringify(honest.abort)}`);
  const attacked = { ...fiber33km, photonics: { ...fiber33km.photonics, attack: { kind: 'photon-number-splitting' } } } as BlockScenario;
  const r = runQkdBlock({ seed: 5, pulses: 30_000_000, scenario: attacked, kernels, reconciliation: new LdpcReconciliation() });
  assert.is(r.alice, undefined);
  assert.is(r.abort?.reason, 'NO_SECRET_KEY', JSON.stringify(r.abort));
});

/** Alice and Bob of the fast scenario over links the test can intercept. */
function parties(options: { tamper?: (type: number, bytes: Uint8Array) => Uint8Array; bobPins?: Uint8Array } = {}) {
  const photonics = createSimPhotonics(bench.photonics as never, 1);
  const [la, lb] = createLinkPair();
  const wrap = (inner: Link): Link => ({
    maxDatagram: inner.maxDatagram, close: () => inner.close(), receive: () => inner.receive(),
    send: (d) => inner.send(options.tamper ? options.tamper(d[1]!, d) : d),
  });
  const ids = [generateIdentity(new SimEntropy(1, 'id:a')), generateIdentity(new SimEntropy(1, 'id:b'))] as const;
  const common = { blockId: 1, pulses: 200_000, kernels, security: relaxed };
  const alice = new Bb84BlockAlice({ ...common, reconciliation: smallFrames(), link: wrap(la), entropy: new SimEntropy(1, 'a'), identity: ids[0], peerPublicKey: ids[1].publicKey, tx: photonics.tx }, source);
  const bob = new Bb84BlockBob({ ...common, reconciliation: smallFrames(), link: lb, entropy: new SimEntropy(1, 'b'), identity: ids[1], peerPublicKey: options.bobPins ?? ids[0].publicKey, rx: photonics.rx }, source);
  return { alice, bob };
}

function run(p: ReturnType<typeof parties>): { by: string; reason: number } | undefined {
  p.alice.start();
  p.bob.measure();
  for (let i = 0; i < 16 && (p.alice.state !== 'done' || p.bob.state !== 'done'); i++) {
    for (const [who, party] of [['alice', p.alice], ['bob', p.bob]] as const) {
      try {
        party.poll();
      } catch (e) {
        if (e instanceof QkdAbort) return { by: who, reason: e.reason };
        throw e;
      }
    }
  }
  return undefined;
}

test('the fast scenario completes (the baseline of the tampering tests)', () => {
  const p = parties();
  assert.is(run(p), undefined);
  assert.is(bytesToHex(p.alice.result!.key), bytesToHex(p.bob.result!.key));
});

test('an intensity class changed in transit is caught by Alice’s signature before Bob uses her seed', () => {
  const p = parties({
    tamper: (type, d) => {
      if (type !== SiftMessageType.DECOY_DECISION) return d;
      const m = decodeSiftMessage(d, 1 << 28);
      if (m.type !== SiftMessageType.DECOY_DECISION) return d;
      const classes = m.classes.slice();
      const i = classes.findIndex((c) => c === 1);
      classes[i] = 0;
      return encodeSiftMessage({ ...m, classes });
    },
  });
  const refused = run(p);
  assert.ok(refused && refused.by === 'bob', JSON.stringify(refused));
  assert.ok(refused.reason === QkdAbortReason.BAD_SIGNATURE || refused.reason === QkdAbortReason.PEER_INCONSISTENT, `reason ${refused.reason}`);
  assert.is(p.bob.result, undefined);
  assert.is(p.alice.result, undefined);
});

test('Alice signing with an identity Bob did not pin ends the block at BAD_SIGNATURE, keys zeroised', () => {
  const p = parties({ bobPins: generateIdentity(new SimEntropy(2, 'mallory')).publicKey });
  const refused = run(p);
  assert.equal(refused, { by: 'bob', reason: QkdAbortReason.BAD_SIGNATURE });
  assert.is(p.bob.state, 'aborted');
  assert.is(p.bob.result, undefined);
});

test('a flipped syndrome bit makes a frame fail or the verification catch it; never a different key', () => {
  const p = parties({
    tamper: (type, d) => {
      if (type !== SiftMessageType.RECONCILE) return d;
      const out = d.slice();
      out[out.length - 5]! ^= 0x10;
      return out;
    },
  });
  const refused = run(p);
  if (refused) assert.ok([QkdAbortReason.VERIFICATION_FAILED, QkdAbortReason.BAD_SIGNATURE, QkdAbortReason.NO_SECRET_KEY].includes(refused.reason as never), `reason ${refused.reason}`);
  else {
    assert.ok(p.alice.result!.stats.failedFrames >= 1, 'a corrupted syndrome went unnoticed');
    assert.is(bytesToHex(p.alice.result!.key), bytesToHex(p.bob.result!.key));
  }
});

test.run();

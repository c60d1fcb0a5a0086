/** E91: the CHSH value of the simulated source, and a block that refuses key when S ≤ 2. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Kernels } from '../hal/kernels.ts';
import { createSimEntangledPhotonics, type SimEntangledConfig } from '../hal/sim/entangled.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { createLinkPair } from '../hal/sim/link.ts';
import { generateIdentity } from '../src/qkd/auth.ts';
import { CHSH_TERMS, chshReading, E91Alice, E91Bob, e91KeyLength } from '../src/qkd/e91.ts';
import { QkdAbort, QkdAbortReason } from '../src/qkd/errors.ts';
import { DEFAULT_SECURITY } from '../src/qkd/estimate.ts';
import type { Reconciliation } from '../src/qkd/reconcile.ts';

const ideal: SimEntangledConfig = { pairProbability: 1, visibility: 1, lossDb: 0, source: 'midpoint', detectorEfficiency: 1, darkCountProbability: 0 };

/** S over every coincidence of one frame, computed as the parties compute it. */
function measureS(config: SimEntangledConfig, slots: number, seed: number) {
  const sim = createSimEntangledPhotonics(config, seed);
  sim.emit(slots);
  const a = sim.alice.collect();
  const b = sim.bob.collect();
  const terms: number[] = [];
  const ab: number[] = [];
  const bb: number[] = [];
  for (let i = 0, j = 0; i < a.slots.length; i++) {
    while (j < b.slots.length && b.slots[j]! < a.slots[i]!) j++;
    if (b.slots[j] !== a.slots[i]) continue;
    const t = CHSH_TERMS.findIndex(([x, y]) => x === a.bases[i] && y === b.bases[j]);
    if (t < 0) continue;
    terms.push(t);
    ab.push(a.bits[i]!);
    bb.push(b.bits[j]!);
  }
  return chshReading(Uint8Array.from(terms), Uint8Array.from(ab), Uint8Array.from(bb), 1e-10);
}

for (const V of [1, 0.95, 0.85])
  test(`S is within ±0.05 of 2√2·V over 10^6 pairs (V = ${V})`, () => {
    const r = measureS({ ...ideal, visibility: V }, 1_000_000, 7);
    assert.ok(Math.abs(r.S - 2 * Math.SQRT2 * V) <= 0.05, `S = ${r.S}, expected ${2 * Math.SQRT2 * V}`);
  });

test('full intercept-resend on Bob’s arm brings S to at most 2', () => {
  const r = measureS({ ...ideal, attack: { kind: 'intercept-resend', fraction: 1 } }, 1_000_000, 8);
  assert.ok(r.S <= 2, `S = ${r.S}`);
});

test('the DI bound gives no key at S ≤ 2 and some near 2√2', () => {
  assert.is(e91KeyLength(100_000, 2, 0, 1e-10, 1e-15).length, 0);
  assert.ok(e91KeyLength(100_000, 2.8, 10_000, 1e-10, 1e-15).length > 50_000);
  assert.ok(e91KeyLength(100_000, 2.5, 10_000, 1e-10, 1e-15).length < e91KeyLength(100_000, 2.7, 10_000, 1e-10, 1e-15).length);
});

const unused = new Proxy({}, { get: () => () => assert.unreachable('reconciliation or kernels used') });

test('an E91 block under intercept-resend aborts with CHSH_NOT_VIOLATED before any reconciliation', () => {
  const sim = createSimEntangledPhotonics({ ...ideal, pairProbability: 0.5, attack: { kind: 'intercept-resend', fraction: 1 } }, 9);
  const [la, lb] = createLinkPair();
  const ids = [generateIdentity(new SimEntropy(1, 'a')), generateIdentity(new SimEntropy(1, 'b'))] as const;
  const common = { blockId: 1, pulses: 200_000, kernels: unused as Kernels, reconciliation: unused as Reconciliation, security: DEFAULT_SECURITY };
  const alice = new E91Alice({ ...common, link: la, entropy: new SimEntropy(1, 'ea'), identity: ids[0], peerPublicKey: ids[1].publicKey, rx: sim.alice });
  const bob = new E91Bob({ ...common, link: lb, entropy: new SimEntropy(1, 'eb'), identity: ids[1], peerPublicKey: ids[0].publicKey, rx: sim.bob });
  sim.emit(200_000);
  alice.measure();
  bob.measure();
  alice.poll();
  try {
    bob.poll();
    assert.unreachable('Bob went on');
  } catch (e) {
    assert.instance(e, QkdAbort);
    assert.is((e as QkdAbort).reason, QkdAbortReason.CHSH_NOT_VIOLATED);
  }
  assert.is(bob.state, 'aborted');
  assert.is(bob.result, undefined);
});

test.run();

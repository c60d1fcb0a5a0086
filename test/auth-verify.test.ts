/** Signed protocol steps, verification tags and QBER policy states. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { classifyQber, allowsKey, QberState } from '../src/policy/qber.ts';
import { generateIdentity, ML_DSA65_SIGNATURE_BYTES, SignedStep, signStep, verifyStep } from '../src/qkd/auth.ts';
import { verificationCollisionBound, verificationTag } from '../src/qkd/verify.ts';

const entropy = new SimEntropy(1, 'auth');
const alice = generateIdentity(entropy);
const mallory = generateIdentity(entropy);
const message = Uint8Array.of(1, 2, 3);

test('a signed step verifies under the signer’s pinned key only, for that step only', () => {
  const sig = signStep(SignedStep.AMPLIFY, message, alice, entropy);
  assert.is(sig.length, ML_DSA65_SIGNATURE_BYTES);
  assert.ok(verifyStep(SignedStep.AMPLIFY, message, sig, alice.publicKey));
  assert.not.ok(verifyStep(SignedStep.AMPLIFY, message, sig, mallory.publicKey), 'accepted under another key');
  assert.not.ok(verifyStep(SignedStep.CONFIRM, message, sig, alice.publicKey), 'accepted for another step');
  assert.not.ok(verifyStep(SignedStep.AMPLIFY, Uint8Array.of(1, 2, 4), sig, alice.publicKey), 'accepted for another message');
  const flipped = sig.slice();
  flipped[100]! ^= 1;
  assert.not.ok(verifyStep(SignedStep.AMPLIFY, message, flipped, alice.publicKey));
  assert.not.ok(verifyStep(SignedStep.AMPLIFY, message, sig.subarray(0, 100), alice.publicKey));
});

test('identities are reproducible from the entropy port in simulation', () => {
  const a = generateIdentity(new SimEntropy(9, 'id'));
  const b = generateIdentity(new SimEntropy(9, 'id'));
  assert.equal(a.publicKey, b.publicKey);
});

test('verification tags: equal keys agree, one flipped bit does not; the bound is tiny', () => {
  const key = new SimEntropy(2, 'k').randomBytes(1000).map((x) => x & 1);
  const hashKey = new SimEntropy(3, 'h').randomBytes(32);
  const other = key.slice();
  other[500]! ^= 1;
  assert.equal(verificationTag(key, hashKey), verificationTag(key.slice(), hashKey));
  assert.not.equal(verificationTag(key, hashKey), verificationTag(other, hashKey));
  assert.ok(verificationCollisionBound(1e6) < 1e-25);
  assert.throws(() => verificationTag(key, new Uint8Array(16)), /"hashKey" expected Uint8Array of length 32/);
});

test('QBER policy states follow DESIGN §5 and suspend key from critical on', () => {
  const cases: Array<[number, QberState]> = [
    [0, QberState.NOMINAL], [0.029, QberState.NOMINAL], [0.03, QberState.DEGRADED], [0.05, QberState.WARNING],
    [0.08, QberState.CRITICAL], [0.11, QberState.CRITICAL], [0.1101, QberState.COMPROMISED], [0.25, QberState.COMPROMISED],
  ];
  for (const [q, s] of cases) assert.is(classifyQber(q), s, `QBER ${q}`);
  assert.ok(allowsKey(QberState.WARNING));
  assert.not.ok(allowsKey(QberState.CRITICAL));
  assert.throws(() => classifyQber(-0.1), /"qber"/);
});

test.run();

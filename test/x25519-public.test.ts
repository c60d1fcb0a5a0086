/**
 * X25519 public keys by the ladder (src/crypto/x25519.ts) are the bytes noble's fixed-base path
 * gives, and RFC 7748 §6.1's; only the heap they leave behind differs (see the module comment).
 */
import { x25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { x25519Keygen, x25519PublicKey } from '../src/crypto/x25519.ts';

test('RFC 7748 §6.1: Alice and Bob', () => {
  const alice = hexToBytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  const bob = hexToBytes('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
  assert.is(bytesToHex(x25519PublicKey(alice)), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
  assert.is(bytesToHex(x25519PublicKey(bob)), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
});

test('the same bytes as noble getPublicKey and keygen, for any secret', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (sk) => {
    assert.is(bytesToHex(x25519PublicKey(sk)), bytesToHex(x25519.getPublicKey(sk)));
    const k = x25519Keygen(sk);
    assert.is(k.secretKey, sk);
    assert.is(bytesToHex(k.publicKey), bytesToHex(x25519.keygen(sk).publicKey));
  }), { numRuns: 200 });
});

test('bad input is refused by name', () => {
  assert.throws(() => x25519PublicKey(new Uint8Array(31)), /secretKey/);
});

test.run();

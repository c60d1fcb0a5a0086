/**
 * X25519 public keys by the Montgomery ladder, X25519(k, 9) as RFC 7748 §6.1 defines them, rather
 * than noble's getPublicKey/keygen: those take a fixed-base path over ed25519 whose cached base
 * tables stay in the heap for good — about 680 KiB on XS (npm run bench:heap), several times a
 * board's whole budget. The ladder keeps nothing and gives the same bytes; it costs a few times
 * more CPU per key, once per handshake or capsule.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { checkBytes } from '../_check.ts';

/** The base point's u-coordinate, 9, little-endian. */
const BASE_U = x25519.GuBytes;

export function x25519PublicKey(secretKey: Uint8Array): Uint8Array {
  checkBytes('secretKey', secretKey, 32);
  return x25519.scalarMult(secretKey, BASE_U);
}

/** A key pair from 32 bytes of the Entropy port; the secret key is those bytes (clamped when used). */
export function x25519Keygen(seed: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  return { secretKey: seed, publicKey: x25519PublicKey(seed) };
}

/**
 * Authentication of the classical channel (DESIGN §2 step 1, seed 000 "Sync & Auth"): peers hold
 * provisioned ML-DSA-65 identities (FIPS 204) and pin each other's public key. Every message of a
 * block enters the transcript; Alice signs it before her privacy-amplification seed may be used,
 * Bob signs it before Alice releases the key block, so any change to any message is caught
 * before key material leaves the engine. Signing is hedged with fresh bytes from the Entropy port
 * (deterministic in simulation, where that port is a seeded DRBG), under an ML-DSA context string
 * that names the purpose, so a signature can never be replayed elsewhere.
 */
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import type { Entropy } from '../../hal/entropy.ts';
import { checkBytes } from '../_check.ts';
import { asciiBytes } from '../bytes.ts';

export const ML_DSA65_PUBLIC_KEY_BYTES = 1952;
export const ML_DSA65_SIGNATURE_BYTES = 3309;

export interface Identity {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Domain-separation contexts, one per signed step. */
export const SignedStep = {
  AMPLIFY: 'LIGHTVIBES/qkd/amplify/v1',
  CONFIRM: 'LIGHTVIBES/qkd/confirm/v1',
} as const;
export type SignedStep = (typeof SignedStep)[keyof typeof SignedStep];

/** A new identity from 32 bytes of the Entropy port (provisioning). */
export function generateIdentity(entropy: Entropy): Identity {
  const seed = entropy.randomBytes(32);
  const keys = ml_dsa65.keygen(seed);
  seed.fill(0);
  return keys;
}

export function signStep(step: SignedStep, message: Uint8Array, identity: Identity, entropy: Entropy): Uint8Array {
  checkBytes('message', message);
  return ml_dsa65.sign(message, identity.secretKey, { context: asciiBytes(step), extraEntropy: entropy.randomBytes(32) });
}

/** True only for a valid signature by `peerPublicKey` over `message` for this step. */
export function verifyStep(step: SignedStep, message: Uint8Array, signature: Uint8Array, peerPublicKey: Uint8Array): boolean {
  checkBytes('message', message);
  checkBytes('peerPublicKey', peerPublicKey, ML_DSA65_PUBLIC_KEY_BYTES);
  if (!(signature instanceof Uint8Array) || signature.length !== ML_DSA65_SIGNATURE_BYTES) return false;
  try {
    return ml_dsa65.verify(signature, message, peerPublicKey, { context: asciiBytes(step) });
  } catch {
    return false;
  }
}

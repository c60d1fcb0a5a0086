/**
 * The explicit PQC-only fallback (DESIGN §2 step 9; seeds 000 "Graceful degrade", 002 "Fallback
 * Policy"): when the quantum channel is DEGRADED and a session asked for `fallback: "PQC"`, its key
 * comes from a hybrid KEM instead — ML-KEM-768 (FIPS 203) to the peer's encapsulation key and an
 * ephemeral X25519 (RFC 7748) to the peer's X25519 key, both shared secrets through HKDF-SHA256
 * (RFC 5869):
 *
 *   salt = SHA-256(label ‖ ct_kem ‖ epk_x25519 ‖ pk_kem ‖ pk_x25519)
 *   key  = HKDF(ikm = ss_kem ‖ ss_x25519, salt, info = label ‖ "|" ‖ session id ‖ "|" ‖ peer id, L)
 *
 * The peer recomputes the key from (ct_kem, epk_x25519) with its secret keys. The caller flags the
 * result (mode "PQC"), records evidence and counts it — this module only derives.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { x25519Keygen } from '../crypto/x25519.ts';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { Entropy } from '../../hal/entropy.ts';
import { checkBytes, checkInteger } from '../_check.ts';
import { asciiBytes, concatBytes, zeroise } from '../bytes.ts';

export const PQC_FALLBACK_LABEL = 'LIGHTVIBES/pqc-fallback/v1';
export const PQC_FALLBACK_KEM = 'ML-KEM-768+X25519/HKDF-SHA256';
export const ML_KEM768_PUBLIC_KEY_BYTES = 1184;
export const ML_KEM768_CIPHERTEXT_BYTES = 1088;

export interface PqcPeerKeys {
  readonly mlKem768: Uint8Array;
  readonly x25519: Uint8Array;
}

export interface PqcPeerSecrets {
  readonly mlKem768: Uint8Array;
  readonly x25519: Uint8Array;
}

export interface PqcFallbackKey {
  readonly key: Uint8Array;
  readonly mlKemCiphertext: Uint8Array;
  readonly x25519Ephemeral: Uint8Array;
}

function derive(ssKem: Uint8Array, ssX: Uint8Array, ct: Uint8Array, epk: Uint8Array, peer: PqcPeerKeys, bytes: number, sessionId: string, peerId: string): Uint8Array {
  const label = asciiBytes(PQC_FALLBACK_LABEL);
  const salt = sha256(concatBytes(label, ct, epk, peer.mlKem768, peer.x25519));
  const ikm = concatBytes(ssKem, ssX);
  const key = hkdf(sha256, ikm, salt, concatBytes(label, asciiBytes(`|${sessionId}|${peerId}`)), bytes);
  zeroise(ikm, ssKem, ssX);
  return key;
}

export function pqcFallbackEncapsulate(peer: PqcPeerKeys, entropy: Entropy, bits: number, sessionId: string, peerId: string): PqcFallbackKey {
  checkBytes('peer.mlKem768', peer.mlKem768, ML_KEM768_PUBLIC_KEY_BYTES);
  checkBytes('peer.x25519', peer.x25519, 32);
  checkInteger('bits', bits, 8, 8160 * 8);
  if (bits % 8) throw new RangeError(`"bits" expected a multiple of 8, got ${bits}`);
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(peer.mlKem768, entropy.randomBytes(32));
  const eph = x25519Keygen(entropy.randomBytes(32));
  const ssX = x25519.getSharedSecret(eph.secretKey, peer.x25519);
  zeroise(eph.secretKey);
  const key = derive(sharedSecret, ssX, cipherText, eph.publicKey, peer, bits / 8, sessionId, peerId);
  return { key, mlKemCiphertext: cipherText, x25519Ephemeral: eph.publicKey };
}

/** The peer's side: the same key from the ciphertext and the ephemeral key. */
export function pqcFallbackDecapsulate(own: PqcPeerSecrets, ownPublic: PqcPeerKeys, ct: Uint8Array, epk: Uint8Array, bits: number, sessionId: string, peerId: string): Uint8Array {
  checkBytes('ct', ct, ML_KEM768_CIPHERTEXT_BYTES);
  checkBytes('epk', epk, 32);
  const ssKem = ml_kem768.decapsulate(ct, own.mlKem768);
  const ssX = x25519.getSharedSecret(own.x25519, epk);
  return derive(ssKem, ssX, ct, epk, ownPublic, bits / 8, sessionId, peerId);
}

/** A peer's PQC key pairs from 96 bytes of the Entropy port (provisioning, dev mode, tests). */
export function generatePqcPeer(entropy: Entropy): { publicKeys: PqcPeerKeys; secrets: PqcPeerSecrets } {
  const kem = ml_kem768.keygen(entropy.randomBytes(64));
  const x = x25519Keygen(entropy.randomBytes(32));
  return { publicKeys: { mlKem768: kem.publicKey, x25519: x.publicKey }, secrets: { mlKem768: kem.secretKey, x25519: x.secretKey } };
}

/**
 * Sealing a key capsule (format.ts has the layout): key material encrypted to each recipient with
 * the hybrid X25519 + ML-KEM-768 → HKDF-SHA256 → AES-256-GCM construction, then signed by the
 * sender with ML-DSA-65. Every random input comes from the Entropy port (a seeded DRBG in
 * simulation and golden vectors, so Node and XS produce the same bytes).
 *
 * Key derivation, per recipient R (labels in one place, rooted in PROTOCOL):
 *   th  = Transcript(PROTOCOL) ‖ sender ‖ SHA-256(sender ML-DSA key) ‖ recipient ‖ R's X25519 key ‖ capsule_id ‖ epk ‖ kem_ct
 *   KEK = HKDF-SHA256(ikm = X25519(e, R) ‖ ML-KEM-768 shared secret, salt = th, info = "capsule kek")
 *   wrapped_cek = AES-256-GCM(KEK, 0^12, aad = capsule_id, CEK)
 *   payload     = AES-256-GCM(CEK, 0^12, aad = capsule_id ‖ key_id, key material)
 * A zero nonce is safe: each KEK and each CEK encrypts exactly one message.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { x25519PublicKey } from '../crypto/x25519.ts';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { Entropy } from '../../hal/entropy.ts';
import { checkBytes, checkInteger } from '../_check.ts';
import { asciiBytes, concatBytes, zeroise } from '../bytes.ts';
import { Transcript } from '../transcript.ts';
import {
  CAPSULE_VERSION, CapsuleSuite, encodeCapsule, ID_BYTES, MAX_CAPSULE_BYTES, MAX_HOP_LIMIT, MAX_KEY_BYTES, MAX_RECIPIENTS, MIN_KEY_BYTES,
  SIGNATURE_CONTEXT, signedBytes, type CapsuleRecipient,
} from './format.ts';
import { checkNodeId, type CapsuleIdentity, type PinnedNode } from './identity.ts';

export const PROTOCOL = 'LIGHTVIBES capsule v1 X25519 ML-KEM-768 HKDF-SHA256 AES-256-GCM ML-DSA-65';
export const Label = { KEK: 'capsule kek' } as const;
const ZERO_NONCE = new Uint8Array(12);

/** The KEK transcript salt; seal and open compute it from the same public values. */
export function kekSalt(sender: string, senderSigningKey: Uint8Array, recipient: PinnedNode, capsuleId: Uint8Array, epk: Uint8Array, kemCt: Uint8Array): Uint8Array {
  return new Transcript(PROTOCOL)
    .absorb('sender', asciiBytes(sender))
    .absorb('sender ml-dsa-65 key', sha256(senderSigningKey))
    .absorb('recipient', asciiBytes(recipient.id))
    .absorb('recipient x25519 key', recipient.x25519Public)
    .absorb('capsule id', capsuleId)
    .absorb('x25519 ephemeral', epk)
    .absorb('ml-kem-768 ciphertext', kemCt)
    .digest();
}

export function deriveKek(dhSecret: Uint8Array, kemSecret: Uint8Array, salt: Uint8Array): Uint8Array {
  const ikm = concatBytes(dhSecret, kemSecret);
  const kek = hkdf(sha256, ikm, salt, asciiBytes(Label.KEK), 32);
  zeroise(ikm);
  return kek;
}

export function payloadAad(capsuleId: Uint8Array, keyId: Uint8Array): Uint8Array {
  return concatBytes(capsuleId, keyId);
}

export interface SealRequest {
  readonly sender: CapsuleIdentity;
  readonly recipients: readonly PinnedNode[];
  /** The key material carried (16..512 bytes); the caller keeps and zeroises its copy. */
  readonly key: Uint8Array;
  readonly keyId: Uint8Array;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly hopLimit: number;
  readonly entropy: Entropy;
}

export interface SealedCapsule {
  readonly bytes: Uint8Array;
  readonly capsuleId: Uint8Array;
}

export function sealCapsule(req: SealRequest): SealedCapsule {
  checkNodeId('sender.id', req.sender.id);
  checkBytes('key', req.key);
  if (req.key.length < MIN_KEY_BYTES || req.key.length > MAX_KEY_BYTES)
    throw new RangeError(`"key" expected ${MIN_KEY_BYTES}..${MAX_KEY_BYTES} bytes, got length=${req.key.length}`);
  checkBytes('keyId', req.keyId, ID_BYTES);
  checkInteger('notBeforeMs', req.notBeforeMs);
  checkInteger('notAfterMs', req.notAfterMs, req.notBeforeMs);
  checkInteger('hopLimit', req.hopLimit, 1, MAX_HOP_LIMIT);
  if (req.recipients.length < 1 || req.recipients.length > MAX_RECIPIENTS)
    throw new RangeError(`"recipients" expected 1..${MAX_RECIPIENTS} nodes, got ${req.recipients.length}`);
  if (new Set(req.recipients.map((r) => r.id)).size !== req.recipients.length) throw new RangeError('"recipients" names a node twice');
  const entropy = req.entropy;
  const capsuleId = entropy.randomBytes(ID_BYTES);
  const cek = entropy.randomBytes(32);
  const recipients = req.recipients.map((r): CapsuleRecipient => {
    checkNodeId('recipient.id', r.id);
    const e = entropy.randomBytes(32);
    const epk = x25519PublicKey(e);
    const dh = x25519.getSharedSecret(e, r.x25519Public);
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(r.kemPublic, entropy.randomBytes(32));
    const kek = deriveKek(dh, sharedSecret, kekSalt(req.sender.id, req.sender.signingPublicKey, r, capsuleId, epk, cipherText));
    const wrappedCek = gcm(kek, ZERO_NONCE, capsuleId).encrypt(cek);
    zeroise(e, dh, sharedSecret, kek);
    return { id: r.id, ephemeralPublic: epk, kemCiphertext: cipherText, wrappedCek };
  });
  const payload = gcm(cek, ZERO_NONCE, payloadAad(capsuleId, req.keyId)).encrypt(req.key);
  zeroise(cek);
  const fields = {
    version: CAPSULE_VERSION, suite: CapsuleSuite.X25519_MLKEM768_HKDF_AES256GCM_MLDSA65, sender: req.sender.id, recipients,
    capsuleId, keyId: req.keyId.slice(), notBeforeMs: req.notBeforeMs, notAfterMs: req.notAfterMs, hopLimit: req.hopLimit, payload,
  };
  const signature = ml_dsa65.sign(signedBytes(fields), req.sender.signingSecretKey, {
    context: asciiBytes(SIGNATURE_CONTEXT), extraEntropy: entropy.randomBytes(32),
  });
  const bytes = encodeCapsule({ ...fields, hopCount: 0, signature });
  if (bytes.length > MAX_CAPSULE_BYTES) throw new RangeError(`the capsule would be ${bytes.length} bytes, over ${MAX_CAPSULE_BYTES}`);
  return { bytes, capsuleId };
}

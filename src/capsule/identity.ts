/**
 * Capsule identities: a node signs capsules with its ML-DSA-65 key (FIPS 204) and receives them
 * under an X25519 key and an ML-KEM-768 encapsulation key (FIPS 203). Peers pin each other's three
 * public keys under a node id; nothing is trusted that is not pinned.
 */
import { x25519PublicKey } from '../crypto/x25519.ts';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { Entropy } from '../../hal/entropy.ts';
import { checkBytes } from '../_check.ts';
import { zeroise } from '../bytes.ts';

export const NODE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;
export const X25519_BYTES = 32;
export const ML_KEM768_PUBLIC_BYTES = 1184;
export const ML_KEM768_CIPHERTEXT_BYTES = 1088;
export const ML_DSA65_PUBLIC_BYTES = 1952;
export const ML_DSA65_SIGNATURE_BYTES = 3309;

/** What a peer pins about a node. */
export interface PinnedNode {
  readonly id: string;
  readonly signingPublicKey: Uint8Array;
  readonly x25519Public: Uint8Array;
  readonly kemPublic: Uint8Array;
}

/** A node's own keys (secret halves never leave it). */
export interface CapsuleIdentity extends PinnedNode {
  readonly signingSecretKey: Uint8Array;
  readonly x25519Secret: Uint8Array;
  readonly kemSecret: Uint8Array;
}

export function checkNodeId(field: string, id: unknown): string {
  if (typeof id !== 'string') throw new TypeError(`"${field}" expected a node id string, got ${typeof id}`);
  if (!NODE_ID_RE.test(id)) throw new RangeError(`"${field}" expected 1-64 characters [A-Za-z0-9._:@-], got ${JSON.stringify(id.slice(0, 80))}`);
  return id;
}

/** A new identity from 128 bytes of the Entropy port (provisioning). */
export function generateCapsuleIdentity(id: string, entropy: Entropy): CapsuleIdentity {
  checkNodeId('id', id);
  const dsaSeed = entropy.randomBytes(32);
  const kemSeed = entropy.randomBytes(64);
  const dsa = ml_dsa65.keygen(dsaSeed);
  const kem = ml_kem768.keygen(kemSeed);
  zeroise(dsaSeed, kemSeed);
  const x25519Secret = entropy.randomBytes(32);
  return {
    id, signingPublicKey: dsa.publicKey, signingSecretKey: dsa.secretKey,
    x25519Secret, x25519Public: x25519PublicKey(x25519Secret),
    kemPublic: kem.publicKey, kemSecret: kem.secretKey,
  };
}

/** The public part of an identity, as peers pin it. */
export function pinned(identity: PinnedNode): PinnedNode {
  return { id: identity.id, signingPublicKey: identity.signingPublicKey, x25519Public: identity.x25519Public, kemPublic: identity.kemPublic };
}

/** A directory of pinned nodes by id; refuses a malformed key or a second entry for one id. */
export function pinDirectory(nodes: readonly PinnedNode[]): ReadonlyMap<string, PinnedNode> {
  const out = new Map<string, PinnedNode>();
  for (const n of nodes) {
    checkNodeId('node.id', n.id);
    checkBytes('node.signingPublicKey', n.signingPublicKey, ML_DSA65_PUBLIC_BYTES);
    checkBytes('node.x25519Public', n.x25519Public, X25519_BYTES);
    checkBytes('node.kemPublic', n.kemPublic, ML_KEM768_PUBLIC_BYTES);
    if (out.has(n.id)) throw new RangeError(`"nodes" pins ${n.id} twice`);
    out.set(n.id, pinned(n));
  }
  return out;
}

export function destroyCapsuleIdentity(identity: CapsuleIdentity): void {
  zeroise(identity.signingSecretKey, identity.x25519Secret, identity.kemSecret);
}

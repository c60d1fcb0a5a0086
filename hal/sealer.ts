/**
 * Sealer port: wraps key material for an HSM/TEE, or under a key-encryption key kept outside the
 * database on the desktop. Contract: `unseal(seal(x, aad), aad)` returns x; any change to the
 * sealed bytes or the aad makes `unseal` throw; sealed bytes reveal nothing of x but its length.
 */
export interface Sealer {
  readonly name: string;
  seal(plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  unseal(sealed: Uint8Array, aad: Uint8Array): Uint8Array;
}

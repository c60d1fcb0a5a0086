/**
 * Sealer port, simulated: ChaCha20-Poly1305 under a key-encryption key drawn from the Entropy
 * port, sealed = nonce(12) ‖ ciphertext ‖ tag(16). Stands in for an HSM/TEE in tests.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { checkBytes } from '../../src/_check.ts';
import { concatBytes } from '../../src/bytes.ts';
import type { Entropy } from '../entropy.ts';
import type { Sealer } from '../sealer.ts';

export class SimSealer implements Sealer {
  readonly name = 'sim:chacha20poly1305';
  private readonly kek: Uint8Array;

  constructor(private readonly entropy: Entropy) {
    this.kek = entropy.randomBytes(32);
  }

  seal(plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    checkBytes('plaintext', plaintext);
    checkBytes('aad', aad);
    const nonce = this.entropy.randomBytes(12);
    return concatBytes(nonce, chacha20poly1305(this.kek, nonce, aad).encrypt(plaintext));
  }

  unseal(sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    checkBytes('sealed', sealed);
    checkBytes('aad', aad);
    if (sealed.length < 28) throw new RangeError(`"sealed" expected at least 28 bytes, got length=${sealed.length}`);
    return chacha20poly1305(this.kek, sealed.subarray(0, 12), aad).decrypt(sealed.subarray(12));
  }
}

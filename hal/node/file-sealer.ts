/**
 * Sealer port on the desktop: AES-256-GCM (node:crypto) under a key-encryption key kept in its own
 * file outside the database, created with mode 0600 and refused if anyone else can read it. The
 * KEK is never logged or printed. sealed = version 0x01 ‖ nonce(12) ‖ ciphertext ‖ tag(16); the
 * aad binds each sealed value to its purpose and name. On boards the same port is the HSM/TEE.
 *
 * `crypto` (optional) does the AES-256-GCM through a SymmetricCrypto backend instead of
 * createCipheriv: the native one keeps the KEK's key schedule across calls, which takes most of
 * the sealing cost off each key request. The envelope is the same bytes either way.
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { checkBytes } from '../../src/_check.ts';
import { NodeEntropy } from './entropy.ts';
import { AeadAlgorithm, type SymmetricCrypto } from '../crypto.ts';
import type { Sealer } from '../sealer.ts';

// envelope nonces from the pooled OS CSPRNG (one syscall per few hundred seals)
const nonces = new NodeEntropy();

export class FileSealer implements Sealer {
  readonly name: string;
  private readonly kek: Uint8Array;

  constructor(readonly kekPath: string, private readonly crypto?: SymmetricCrypto) {
    this.name = crypto ? `${crypto.name}:aes-256-gcm/file-kek` : 'node:aes-256-gcm/file-kek';
    if (!existsSync(kekPath)) {
      const fd = openSync(kekPath, 'wx', 0o600);
      const kek = randomFillSync(new Uint8Array(32));
      writeSync(fd, kek);
      closeSync(fd);
      kek.fill(0);
    }
    const mode = statSync(kekPath).mode & 0o777;
    if (mode & 0o077) throw new Error(`sealer: the key-encryption key file must be mode 0600, it is ${mode.toString(8)}`);
    const raw = readFileSync(kekPath);
    if (raw.length !== 32) throw new Error('sealer: the key-encryption key file must hold exactly 32 bytes');
    this.kek = new Uint8Array(raw);
    raw.fill(0);
  }

  seal(plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    checkBytes('plaintext', plaintext);
    checkBytes('aad', aad);
    const nonce = nonces.randomBytes(12);
    if (this.crypto) {
      const out = new Uint8Array(1 + 12 + plaintext.length + 16);
      out[0] = 1;
      out.set(nonce, 1);
      this.crypto.seal(AeadAlgorithm.AES_256_GCM, this.kek, nonce, aad, plaintext, out.subarray(13));
      return out;
    }
    const c = createCipheriv('aes-256-gcm', this.kek, nonce);
    c.setAAD(aad);
    const body = c.update(plaintext);
    const fin = c.final();
    const out = new Uint8Array(1 + 12 + body.length + fin.length + 16);
    out[0] = 1;
    out.set(nonce, 1);
    out.set(body, 13);
    out.set(fin, 13 + body.length);
    out.set(c.getAuthTag(), 13 + body.length + fin.length);
    return out;
  }

  unseal(sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    checkBytes('sealed', sealed);
    checkBytes('aad', aad);
    if (sealed.length < 29 || sealed[0] !== 1) throw new RangeError(`"sealed" expected a version-1 envelope of at least 29 bytes, got length=${sealed.length}`);
    if (this.crypto) {
      const out = this.crypto.open(AeadAlgorithm.AES_256_GCM, this.kek, sealed.subarray(1, 13), aad, sealed.subarray(13));
      if (!out) throw new Error('sealer: authentication failed (wrong key-encryption key, or the sealed value was altered)');
      return out;
    }
    const d = createDecipheriv('aes-256-gcm', this.kek, sealed.subarray(1, 13));
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    const body = d.update(sealed.subarray(13, sealed.length - 16));
    const fin = d.final();
    const out = new Uint8Array(body.length + fin.length);
    out.set(body);
    out.set(fin, body.length);
    body.fill(0);
    return out;
  }

  /** Drops the KEK from memory (shutdown). */
  destroy(): void {
    this.crypto?.release?.(this.kek);
    this.kek.fill(0);
  }
}

/**
 * Sealer port on the desktop: AES-256-GCM (node:crypto) under a key-encryption key kept in its own
 * file outside the database, created with mode 0600 and refused if anyone else can read it. The
 * KEK is never logged or printed. sealed = version 0x01 ‖ nonce(12) ‖ ciphertext ‖ tag(16); the
 * aad binds each sealed value to its purpose and name. On boards the same port is the HSM/TEE.
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { checkBytes } from '../../src/_check.ts';
import type { Sealer } from '../sealer.ts';

export class FileSealer implements Sealer {
  readonly name = 'node:aes-256-gcm/file-kek';
  private readonly kek: Uint8Array;

  constructor(readonly kekPath: string) {
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
    const nonce = randomFillSync(new Uint8Array(12));
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
    this.kek.fill(0);
  }
}

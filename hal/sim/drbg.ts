/**
 * Deterministic random bit generator for simulation: the ChaCha20 keystream (noble) under
 * key = SHA-256("LIGHTVIBES/sim/drbg/v1" ‖ label_len ‖ label ‖ seed), nonce 0, counter from 0.
 * Same seed and label → same bytes on every runtime. Simulation only: a seeded DRBG is not entropy.
 */
import { chacha20 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { checkBytes, checkInteger } from '../../src/_check.ts';
import { asciiBytes } from '../../src/bytes.ts';

const BLOCK_BYTES = 4096; // refill unit: 64 ChaCha20 blocks
const MAX_COUNTER = 2 ** 32 - BLOCK_BYTES / 64; // the 32-bit block counter must not wrap

/** A seed given as a safe integer is its 8-byte big-endian encoding. */
export function seedBytes(seed: number | Uint8Array): Uint8Array {
  if (seed instanceof Uint8Array) return seed;
  checkInteger('seed', seed);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setUint32(0, Math.floor(seed / 2 ** 32));
  new DataView(out.buffer).setUint32(4, seed >>> 0);
  return out;
}

export class ChaCha20Drbg {
  private readonly key: Uint8Array;
  private readonly nonce = new Uint8Array(12);
  private readonly zeros = new Uint8Array(BLOCK_BYTES);
  private buffer = new Uint8Array(0);
  private pos = 0;
  private counter = 0;

  constructor(seed: number | Uint8Array, label = '') {
    const s = checkBytes('seed', seedBytes(seed));
    const name = asciiBytes(label);
    if (name.length > 255) throw new RangeError(`"label" expected at most 255 bytes, got ${name.length}`);
    this.key = sha256.create().update(asciiBytes('LIGHTVIBES/sim/drbg/v1')).update(Uint8Array.of(name.length))
      .update(name).update(s).digest();
  }

  private refill(): void {
    if (this.counter > MAX_COUNTER) throw new Error('drbg: keystream exhausted; reseed');
    this.buffer = chacha20(this.key, this.nonce, this.zeros, undefined, this.counter);
    this.counter += BLOCK_BYTES / 64;
    this.pos = 0;
  }

  /** Fills `out` with the next bytes of the stream. */
  fill(out: Uint8Array): Uint8Array {
    let done = 0;
    while (done < out.length) {
      if (this.pos === this.buffer.length) this.refill();
      const take = Math.min(out.length - done, this.buffer.length - this.pos);
      out.set(this.buffer.subarray(this.pos, this.pos + take), done);
      this.pos += take;
      done += take;
    }
    return out;
  }

  randomBytes(length: number): Uint8Array {
    return this.fill(new Uint8Array(checkInteger('length', length)));
  }
}

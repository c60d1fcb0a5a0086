/**
 * Entropy port on Node: the operating system's CSPRNG through node:crypto.
 *
 * Small requests (≤ 256 bytes: nonces, ids, key refs — several per API request) are cut from a
 * 4 KiB buffer filled by one randomFillSync, because a call into node:crypto costs more than the
 * bytes. Each byte is handed out once and wiped from the buffer as it goes, so the buffer never
 * holds a byte that was already returned. Larger requests go straight to the CSPRNG.
 */
import { randomFillSync } from 'node:crypto';
import { checkInteger } from '../../src/_check.ts';
import type { Entropy } from '../entropy.ts';

const POOL_BYTES = 4096;
const SMALL = 256;

export class NodeEntropy implements Entropy {
  readonly source = 'node:crypto';
  private readonly pool = new Uint8Array(POOL_BYTES);
  private used = POOL_BYTES;

  randomBytes(length: number): Uint8Array {
    checkInteger('length', length);
    if (length > SMALL) return randomFillSync(new Uint8Array(length));
    if (this.used + length > POOL_BYTES) {
      randomFillSync(this.pool);
      this.used = 0;
    }
    const out = this.pool.slice(this.used, this.used + length);
    this.pool.fill(0, this.used, this.used + length);
    this.used += length;
    return out;
  }
}

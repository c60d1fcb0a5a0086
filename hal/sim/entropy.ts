/** Entropy port, simulated: a seeded ChaCha20 DRBG, so every run can be replayed bit for bit. */
import type { Entropy } from '../entropy.ts';
import { ChaCha20Drbg } from './drbg.ts';

export class SimEntropy implements Entropy {
  readonly source = 'sim:chacha20-drbg';
  private readonly drbg: ChaCha20Drbg;

  constructor(seed: number | Uint8Array, label: string) {
    this.drbg = new ChaCha20Drbg(seed, `entropy:${label}`);
  }

  randomBytes(length: number): Uint8Array {
    return this.drbg.randomBytes(length);
  }
}

/**
 * Fast seeded generator for channel physics (photon statistics, detector noise): xoshiro128**
 * seeded from the ChaCha20 DRBG. Nature's randomness needs no secrecy, only good statistics and
 * the same numbers on every runtime; 32-bit integer arithmetic keeps it fast on XS too.
 * Never used for anything secret: that is the Entropy port's job.
 */
import { Xoshiro128 } from '../../src/_xoshiro128.ts';
import { ChaCha20Drbg } from './drbg.ts';

export class PhysicsRandom extends Xoshiro128 {
  constructor(seed: number | Uint8Array, label: string) {
    const bytes = new ChaCha20Drbg(seed, `physics:${label}`).randomBytes(16);
    const w = (i: number) => (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    super(w(0), w(4), w(8), w(12));
  }

  /** Uniform in [0, 1) with 32-bit resolution (2.3e-10, well below any probability we model). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A fair bit. */
  bit(): number {
    return this.nextUint32() >>> 31;
  }
}

/**
 * Fast seeded generator for channel physics (photon statistics, detector noise): xoshiro128**
 * seeded from the ChaCha20 DRBG. Nature's randomness needs no secrecy, only good statistics and
 * the same numbers on every runtime; 32-bit integer arithmetic keeps it fast on XS too.
 * Never used for anything secret: that is the Entropy port's job.
 */
import { ChaCha20Drbg } from './drbg.ts';

export class PhysicsRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number | Uint8Array, label: string) {
    const bytes = new ChaCha20Drbg(seed, `physics:${label}`).randomBytes(16);
    const w = (i: number) => (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    this.s0 = w(0);
    this.s1 = w(4);
    this.s2 = w(8);
    this.s3 = w(12);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
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

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Entropy port: the only source of secret randomness for the core (TRNG, QRNG, OS, or a seeded
 * DRBG in simulation). Contract: `randomBytes(n)` returns n fresh bytes, never reused, never
 * logged; it throws rather than return weak bytes. The core never calls Math.random.
 */
export interface Entropy {
  /** Where the bytes come from, for KPIs and evidence (e.g. "os:getrandom", "sim:chacha20-drbg"). */
  readonly source: string;
  randomBytes(length: number): Uint8Array;
}

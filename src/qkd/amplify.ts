/**
 * Privacy amplification by Toeplitz hashing over GF(2) (DESIGN.md §2 step 6, hal/kernels.ts).
 *
 * `input` holds n bits, `seed` n + ℓ − 1 bits, both packed most significant bit first with zero
 * padding; the hash is ℓ bits y with y_i = ⊕_{j<n} seed_{i−j+n−1} · input_j (0 ≤ i < ℓ ≤ n).
 * Seen as GF(2) polynomials whose coefficient k is bit k, y is the window [n−1, n−1+ℓ) of the
 * product seed(z) · input(z). This is the reference the native kernels (native/kernels/toeplitz.c)
 * must match bit for bit: exact, XOR and shifts on 32-bit words only.
 *
 * Method (word-parallel, "four Russians" on nibbles): input_j contributes the seed slice that
 * starts at bit n−1−j. Four consecutive input bits select one of 16 XOR-combinations G_u of the
 * seed shifted by 0..3 bits, so each input nibble costs one aligned XOR of ⌈ℓ/32⌉ words into one
 * of 8 accumulators (one per bit offset mod 32); the accumulators are shifted into place once at
 * the end. Work ≈ n·ℓ/128 word XORs, memory ≈ 2·(n + ℓ) bytes.
 */
import { checkBytes, checkInteger } from '../_check.ts';

/** The largest input the port accepts: n ≤ 2^31 keeps every bit index below 2^32. */
export const TOEPLITZ_MAX_BITS = 2 ** 31;

/** Bytes that pack `bits` bits. */
export function packedLength(bits: number): number {
  return Math.ceil(bits / 8);
}

function checkPadding(field: string, bytes: Uint8Array, bits: number): void {
  const spare = bytes.length * 8 - bits;
  if (spare > 0 && (bytes[bytes.length - 1]! & ((1 << spare) - 1)) !== 0)
    throw new RangeError(`"${field}" expected zero padding bits after bit ${bits}`);
}

/**
 * Checks the arguments of toeplitzHash in full (every implementation calls it first, so all of
 * them fail the same way): types, 1 ≤ ℓ ≤ n ≤ 2^31, exact packed lengths, zero padding.
 */
export function checkToeplitzArgs(input: unknown, n: unknown, seed: unknown, outputBits: unknown): void {
  checkBytes('input', input);
  checkInteger('n', n, 1, TOEPLITZ_MAX_BITS);
  checkBytes('seed', seed);
  checkInteger('outputBits', outputBits, 1, n as number);
  const inputBytes = checkBytes('input', input, packedLength(n as number));
  const seedBytes = checkBytes('seed', seed, packedLength((n as number) + (outputBits as number) - 1));
  checkPadding('input', inputBytes, n as number);
  checkPadding('seed', seedBytes, (n as number) + (outputBits as number) - 1);
}

/** Packed bytes → big-endian 32-bit words, with `before` zero words in front and room after. */
function toWords(bytes: Uint8Array, before: number, total: number): Uint32Array {
  const w = new Uint32Array(total);
  for (let i = 0; i < bytes.length; i++) w[before + (i >>> 2)]! |= bytes[i]! << (24 - 8 * (i & 3));
  return w;
}

/** Toeplitz hash of `input` (n bits) under `seed` (n + outputBits − 1 bits): `outputBits` packed bits. */
export function toeplitzHash(input: Uint8Array, n: number, seed: Uint8Array, outputBits: number): Uint8Array {
  checkToeplitzArgs(input, n, seed, outputBits);
  const l = outputBits;
  // Table coordinates: bit t' of a table is seed bit t' − 32 (one zero word in front), so the
  // last, partial nibble of the input (offset down to −3) stays inside the table.
  const L = (l + 63) >>> 5; // accumulator words: ℓ bits plus a shift of up to 31
  const GW = ((n + 28) >>> 5) + L + 1; // table words the accumulation can reach
  const s = toWords(seed, 1, GW + 1);
  const g = new Uint32Array(16 * GW); // g[u*GW ..] = G_u, G_u bit t' = ⊕_{c ∈ u} seed bit t' + c − 32
  for (let u = 1; u < 16; u++) {
    const c = 31 - Math.clz32(u & -u); // the lowest bit of u: G_u = G_{u without it} ⊕ (seed ≪ c)
    const from = (u & (u - 1)) * GW;
    const to = u * GW;
    if (c === 0) for (let w = 0; w < GW; w++) g[to + w] = g[from + w]! ^ s[w]!;
    else for (let w = 0; w < GW; w++) g[to + w] = g[from + w]! ^ ((s[w]! << c) | (s[w + 1]! >>> (32 - c)));
  }
  // Nibble p (input bits 4p..4p+3, value u MSB first) adds G_u[n−4−4p ..) to y; in table
  // coordinates the offset is O = n + 28 − 4p: word O ≫ 5, accumulator (O & 31) ≫ 2.
  const acc = new Uint32Array(8 * L);
  const nibbles = (n + 3) >>> 2;
  for (let p = 0; p < nibbles; p++) {
    const byte = input[p >>> 1]!;
    const u = p & 1 ? byte & 15 : byte >>> 4;
    if (u === 0) continue;
    const o = n + 28 - 4 * p;
    const src = u * GW + (o >>> 5);
    const dst = ((o & 31) >>> 2) * L;
    for (let k = 0; k < L; k++) acc[dst + k]! ^= g[src + k]!;
  }
  // Accumulator a holds y shifted right by 4a + (n mod 4) bits.
  const yw = new Uint32Array(L);
  for (let a = 0; a < 8; a++) {
    const sh = 4 * a + (n & 3);
    const base = a * L;
    if (sh === 0) for (let w = 0; w + 1 < L; w++) yw[w]! ^= acc[base + w]!;
    else for (let w = 0; w + 1 < L; w++) yw[w]! ^= (acc[base + w]! << sh) | (acc[base + w + 1]! >>> (32 - sh));
  }
  const out = new Uint8Array(packedLength(l));
  for (let i = 0; i < out.length; i++) out[i] = yw[i >>> 2]! >>> (24 - 8 * (i & 3));
  if (l & 7) out[out.length - 1]! &= (0xff << (8 - (l & 7))) & 0xff;
  g.fill(0); // the tables and accumulators are functions of the key: wipe them
  acc.fill(0);
  yw.fill(0);
  return out;
}

const bitOf = (b: Uint8Array, k: number) => (b[k >>> 3]! >>> (7 - (k & 7))) & 1;

/** Output bit i from the definition, y_i = sum_j x_j s_(i+n-1-j): O(n) bit operations. */
function definitionBit(input: Uint8Array, n: number, seed: Uint8Array, i: number): number {
  let y = 0;
  for (let j = 0; j < n; j++) y ^= bitOf(input, j) & bitOf(seed, i - j + n - 1);
  return y;
}

/** The definition, one bit at a time: O(n·ℓ) bit operations, for tests only. */
export function toeplitzHashNaive(input: Uint8Array, n: number, seed: Uint8Array, outputBits: number): Uint8Array {
  checkToeplitzArgs(input, n, seed, outputBits);
  const out = new Uint8Array(packedLength(outputBits));
  for (let i = 0; i < outputBits; i++) if (definitionBit(input, n, seed, i)) out[i >>> 3]! |= 0x80 >>> (i & 7);
  return out;
}

/** Output bit `index` (0 or 1) of the definition alone, for tests that check a few bits of a large block. */
export function toeplitzBitNaive(input: Uint8Array, n: number, seed: Uint8Array, outputBits: number, index: number): number {
  checkToeplitzArgs(input, n, seed, outputBits);
  checkInteger('index', index, 0, outputBits - 1);
  return definitionBit(input, n, seed, index);
}

/**
 * Kernels port: the heavy, exact computations of post-processing, with a TypeScript reference
 * that is the specification and native C implementations that must match it bit for bit
 * (xsmc on XS, Node-API on Node). Which one runs is explicit and reported in every KPI output;
 * a missing native kernel is an error unless the configuration allows the reference.
 *
 * Bit strings travel packed, most significant bit first: bit j of a string is
 * (bytes[j >> 3] >> (7 - (j & 7))) & 1, and padding bits after the last one are zero.
 */
export type KernelImplementation = 'reference' | 'native';

/** A parity-check matrix H (m × n) in compressed rows: row r has columns checkVars[checkPtr[r] .. checkPtr[r+1]). */
export interface LdpcCodeView {
  readonly n: number;
  readonly m: number;
  readonly checkPtr: Uint32Array;
  readonly checkVars: Uint32Array;
}

export interface LdpcDecodeResult {
  /** The decoded word, one bit per byte (0/1), length n. */
  readonly bits: Uint8Array;
  /** Iterations run (≤ maxIterations). */
  readonly iterations: number;
  /** True when H·bits equals the target syndrome. A non-converged frame is never used. */
  readonly converged: boolean;
}

export interface Kernels {
  /** Which implementation these kernels are, so KPIs can say it ('native' when any kernel is). */
  readonly implementation: KernelImplementation;
  /** Kernel by kernel, what really runs: a native set without a native LDPC decoder says so here. */
  readonly perKernel: { readonly toeplitzHash: KernelImplementation; readonly ldpcDecode: KernelImplementation };
  /** The runtime that hosts them (e.g. "node", "xs"). */
  readonly runtime: string;

  /**
   * Toeplitz hashing over GF(2) (privacy amplification). `input` holds n bits, `seed` n + ℓ − 1
   * bits, both packed; returns ℓ packed bits y with y_i = ⊕_{j<n} seed_{i−j+n−1} · input_j,
   * 0 ≤ i < ℓ ≤ n. Exact: no floating point anywhere.
   */
  toeplitzHash(input: Uint8Array, n: number, seed: Uint8Array, outputBits: number): Uint8Array;

  /**
   * LDPC syndrome decoding: the word x (length n) nearest to the channel's belief with H·x =
   * `syndrome` (m packed bits). `channelLlr[j]` = log(P(x_j = 0) / P(x_j = 1)) as seen by the
   * decoder, computed by the caller so that every implementation starts from the same numbers;
   * the decoder itself uses only IEEE-754 additions, comparisons and multiplications, so C and
   * TypeScript agree to the bit. Punctured positions carry LLR 0, shortened ones ±Infinity.
   */
  ldpcDecode(code: LdpcCodeView, syndrome: Uint8Array, channelLlr: Float64Array, maxIterations: number): LdpcDecodeResult;
}

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

/** One frame's outcome. */
export interface LdpcFrameOutcome {
  /** Iterations run (≤ maxIterations). */
  readonly iterations: number;
  /** True when H·word equals the frame's syndrome. A non-converged frame is never used. */
  readonly converged: boolean;
}

export interface LdpcDecodeResult {
  /** The decoded words one bit per byte (0/1), frame after frame: frame k is bits[k·n … (k + 1)·n). */
  readonly bits: Uint8Array;
  /** Each frame's outcome, in order. */
  readonly frames: readonly LdpcFrameOutcome[];
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
   * LDPC syndrome decoding of F ≥ 1 frames of one code, each as if alone: frame k's word x
   * (length n) nearest to the channel's belief with H·x = its syndrome. `syndromes` holds the
   * frames' m-bit packed syndromes back to back (⌈m/8⌉ bytes each), `channelLlrs` their n LLRs
   * back to back (so F = channelLlrs.length / n): log(P(x_j = 0) / P(x_j = 1)) as seen by the
   * decoder, computed by the caller so that every implementation starts from the same numbers.
   * The decoder works in 16-bit fixed point (src/qkd/ldpc/decode.ts), integers only, so every
   * implementation agrees to the bit. Punctured positions carry LLR 0, shortened ones ±Infinity.
   * Frames of one code decode faster together: the native kernel runs 16 side by side.
   */
  ldpcDecode(code: LdpcCodeView, syndromes: Uint8Array, channelLlrs: Float64Array, maxIterations: number): LdpcDecodeResult;
}

/**
 * Kernels port: the heavy, exact computations of post-processing, with a TypeScript reference
 * that is the specification and native C implementations that must match it bit for bit
 * (xsmc on XS, Node-API on Node). Which one runs is explicit and reported in every KPI output.
 *
 * The QKD-engine and native-kernels issues add the kernels themselves (LDPC decoding, Toeplitz
 * privacy amplification, pulse timing); this port fixes how they are named and selected.
 */
export type KernelImplementation = 'reference' | 'native';

export interface Kernels {
  /** Which implementation these kernels are, so KPIs can say it. */
  readonly implementation: KernelImplementation;
  /** The runtime that hosts them (e.g. "node", "xs"). */
  readonly runtime: string;
}

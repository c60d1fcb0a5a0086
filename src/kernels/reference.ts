/**
 * The reference Kernels (hal/kernels.ts): the TypeScript specification every native kernel must
 * match bit for bit. Runs on any runtime; `implementation: 'reference'` says so in every KPI.
 */
import type { Kernels } from '../../hal/kernels.ts';
import { toeplitzHash } from '../qkd/amplify.ts';
import { referenceLdpcDecode } from '../qkd/ldpc/decode.ts';

export const referenceKernels: Kernels = Object.freeze({
  implementation: 'reference' as const,
  perKernel: Object.freeze({ toeplitzHash: 'reference' as const, ldpcDecode: 'reference' as const }),
  runtime: 'any',
  toeplitzHash,
  ldpcDecode: referenceLdpcDecode,
});

/**
 * The figures of merit of one-way reconciliation (DESIGN §5): the binary entropy h, the BSC's
 * channel LLR magnitude, and the efficiency f = leaked bits / (key bits · h(QBER)) (1 is the
 * Slepian–Wolf limit). These numbers decide plans both peers must agree on and the LLRs every
 * decoder starts from, so their logarithms are src/_libm.ts's: the same bits on every runtime.
 */
import { checkInteger, checkNumber } from '../../_check.ts';
import { ln } from '../../_libm.ts';
import { binaryEntropy } from '../binary-entropy.ts';

export { binaryEntropy } from '../binary-entropy.ts';

/** |LLR| of a BSC with crossover `qber`: ln((1 − qber) / qber); the sign comes from Bob's bit. */
export function bscLlrMagnitude(qber: number): number {
  checkNumber('qber', qber, 1e-9, 0.5 - 1e-9);
  return ln((1 - qber) / qber);
}

/** f = leakedBits / (keyBits · h(qber)). */
export function reconciliationEfficiency(leakedBits: number, keyBits: number, qber: number): number {
  checkInteger('leakedBits', leakedBits);
  checkInteger('keyBits', keyBits, 1);
  checkNumber('qber', qber, 1e-9, 0.5 - 1e-9);
  return leakedBits / (keyBits * binaryEntropy(qber));
}

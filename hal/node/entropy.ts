/** Entropy port on Node: the operating system's CSPRNG through node:crypto. */
import { randomFillSync } from 'node:crypto';
import { checkInteger } from '../../src/_check.ts';
import type { Entropy } from '../entropy.ts';

export class NodeEntropy implements Entropy {
  readonly source = 'node:crypto';

  randomBytes(length: number): Uint8Array {
    return randomFillSync(new Uint8Array(checkInteger('length', length)));
  }
}

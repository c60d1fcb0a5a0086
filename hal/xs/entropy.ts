/** Entropy port on an XS host: the host's entropy source (getrandom on lvxs, the TRNG on boards). */
import { checkInteger } from '../../src/_check.ts';
import type { Entropy } from '../entropy.ts';

export class XsEntropy implements Entropy {
  readonly source = 'xs:host';
  private readonly fill = native('xs_lv_entropy_fill') as (out: Uint8Array) => void;

  randomBytes(length: number): Uint8Array {
    const out = new Uint8Array(checkInteger('length', length));
    this.fill(out);
    return out;
  }
}

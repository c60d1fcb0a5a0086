/**
 * Entropy port on a board: the hardware TRNG through native("xs_lv_entropy_fill") (esp_fill_random
 * on ESP32, native/moddable/esp32/ports.c; getrandom in lvxs). XS has no Web Crypto, and noble
 * draws every random byte from crypto.getRandomValues: `installGetRandomValues()` puts one backed
 * by the TRNG on globalThis; call it first thing, before anything signs or encapsulates.
 */
import { checkInteger } from '../../src/_check.ts';
import type { Entropy } from '../entropy.ts';

type Fill = (out: Uint8Array) => void;

export class ModdableEntropy implements Entropy {
  readonly source = 'board:trng';
  readonly #fill: Fill = native('xs_lv_entropy_fill') as Fill;

  randomBytes(length: number): Uint8Array {
    const out = new Uint8Array(checkInteger('length', length, 0, 1 << 24));
    this.#fill(out);
    return out;
  }
}

/** Installs crypto.getRandomValues from the TRNG unless the host has one; returns true if it installed it. */
export function installGetRandomValues(): boolean {
  const g = globalThis as { crypto?: { getRandomValues?: unknown } };
  if (typeof g.crypto?.getRandomValues === 'function') return false;
  const fill = native('xs_lv_entropy_fill') as Fill;
  const getRandomValues = <T extends ArrayBufferView>(array: T): T => {
    if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView)
      throw new TypeError('getRandomValues: expected an integer typed array');
    if (array.byteLength > 65_536) throw new RangeError(`getRandomValues: ${array.byteLength} bytes asked, at most 65536`);
    fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  };
  Object.defineProperty(globalThis, 'crypto', { value: Object.freeze({ getRandomValues }), configurable: true, writable: false, enumerable: false });
  return true;
}

/**
 * Byte helpers the core shares. Hex and concatenation come from noble; what is here is what
 * noble does not offer: ASCII labels without TextEncoder (which boards may not have), packed
 * bit arrays, and constant-time comparison.
 */
export { bytesToHex, hexToBytes, concatBytes } from '@noble/hashes/utils.js';

/** ASCII-only string → bytes; protocol labels are ASCII by definition. */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw new RangeError(`"text" expected ASCII, got code ${c} at ${i}`);
    out[i] = c;
  }
  return out;
}

/** Packs one bit per byte (values 0/1) into bytes, most significant bit first. */
export function packBits(bits: Uint8Array): Uint8Array {
  const out = new Uint8Array((bits.length + 7) >>> 3);
  for (let i = 0; i < bits.length; i++) if (bits[i]) out[i >>> 3]! |= 0x80 >>> (i & 7);
  return out;
}

/** Unpacks `count` bits, most significant bit first, into one byte per bit. */
export function unpackBits(packed: Uint8Array, count: number): Uint8Array {
  if (packed.length !== (count + 7) >>> 3)
    throw new RangeError(`"packed" expected ${(count + 7) >>> 3} bytes for ${count} bits, got ${packed.length}`);
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = (packed[i >>> 3]! >>> (7 - (i & 7))) & 1;
  return out;
}

/** Equality that takes the same time wherever the first difference is. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Overwrites secrets in place before they are dropped. */
export function zeroise(...arrays: Array<Uint8Array | Uint32Array | undefined>): void {
  for (const a of arrays) a?.fill(0);
}

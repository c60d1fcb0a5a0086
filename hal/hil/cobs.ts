/**
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM ToN 7(2), 1999): a frame is
 * re-coded without zero bytes, so a single 0x00 delimits frames on a byte stream (serial) and a
 * receiver that joins mid-stream or after garbage resynchronises at the next 0x00. Overhead is at
 * most ⌈n/254⌉ + 1 bytes.
 */
import { HilError, HilReject } from './errors.ts';

export function cobsMaxEncodedLength(n: number): number {
  return n + Math.ceil(n / 254) + 1;
}

/** Encodes `data` (no delimiter appended). */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsMaxEncodedLength(data.length));
  let codeAt = 0, code = 1, o = 1;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
      continue;
    }
    out[o++] = b;
    if (++code === 0xff) {
      // a full block of 254 non-zero bytes: no zero follows it; a new block only if data does
      out[codeAt] = code;
      if (i === data.length - 1) return out.slice(0, o);
      codeAt = o++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.slice(0, o);
}

/** Decodes one COBS frame (without its delimiter); throws HilError(FRAMING) if it is not valid COBS. */
export function cobsDecode(encoded: Uint8Array): Uint8Array {
  if (encoded.length === 0) throw new HilError(HilReject.FRAMING, 'empty frame');
  const out = new Uint8Array(encoded.length);
  let i = 0, o = 0;
  while (i < encoded.length) {
    const code = encoded[i]!;
    if (code === 0) throw new HilError(HilReject.FRAMING, `zero byte inside a COBS frame at offset ${i}`);
    if (i + code > encoded.length) throw new HilError(HilReject.FRAMING, `COBS block at offset ${i} runs past the end`);
    for (let k = 1; k < code; k++) {
      const b = encoded[i + k]!;
      if (b === 0) throw new HilError(HilReject.FRAMING, `zero byte inside a COBS frame at offset ${i + k}`);
      out[o++] = b;
    }
    i += code;
    if (code < 0xff && i < encoded.length) out[o++] = 0;
  }
  return out.slice(0, o);
}

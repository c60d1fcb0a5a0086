/**
 * Deterministic CBOR (RFC 8949), the minimal subset our travelling formats need (capsules, relay
 * messages), written here because it must run unchanged on XS and be small enough to review.
 *
 * Subset, and why: unsigned and negative integers within ±(2^53 − 1) (JS numbers stay exact;
 * our fields are ids, times in ms and counts), byte strings, UTF-8 text strings, arrays, maps whose
 * keys are integers or text strings, and the simple values false, true, null. Everything else —
 * floats, tags, undefined and other simple values, integers beyond 2^53 − 1 — is refused by the
 * decoder as UNSUPPORTED: a format we specify never needs them, and a value we cannot represent
 * exactly must not be silently rounded.
 *
 * Encoding follows the core deterministic rules of RFC 8949 §4.2.1: shortest-form arguments,
 * definite lengths only, map keys sorted by the bytewise order of their encodings. The decoder is
 * strict: it accepts exactly the bytes the encoder would produce — non-shortest arguments,
 * indefinite lengths, unsorted or duplicate map keys, trailing bytes, ill-formed UTF-8, nesting
 * over `maxDepth` and strings or containers over `maxItems`/`maxBytes` are typed rejections, so
 * one value has one encoding and a signature over it means one thing.
 */
import { enumNames } from '../_enum.ts';

export type CborKey = number | string;
export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | CborMap;
export type CborMap = Map<CborKey, CborValue>;

export const CborReject = {
  TRUNCATED: 1,
  TRAILING_BYTES: 2,
  NOT_SHORTEST: 3,
  INDEFINITE_LENGTH: 4,
  UNSORTED_KEYS: 5,
  DUPLICATE_KEY: 6,
  UNSUPPORTED: 7,
  TOO_DEEP: 8,
  TOO_LARGE: 9,
  INVALID_UTF8: 10,
  BAD_KEY_TYPE: 11,
} as const;
export type CborReject = (typeof CborReject)[keyof typeof CborReject];
export const CBOR_REJECT_NAMES = enumNames(CborReject);

export class CborError extends Error {
  constructor(readonly reason: CborReject, detail: string) {
    super(`CBOR rejected (${CBOR_REJECT_NAMES[reason]}): ${detail}`);
    this.name = 'CborError';
  }
}

export interface CborLimits {
  /** Deepest nesting of arrays and maps. */
  readonly maxDepth: number;
  /** Most entries in one array or map. */
  readonly maxItems: number;
  /** Longest byte or text string. */
  readonly maxBytes: number;
}

export const DEFAULT_CBOR_LIMITS: CborLimits = { maxDepth: 8, maxItems: 64, maxBytes: 16_384 };

// ---------------------------------------------------------------------------------------------
// UTF-8 (no TextEncoder: boards may not have one)

function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) throw new RangeError(`"text" has a lone surrogate at ${i}`);
      c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) throw new RangeError(`"text" has a lone surrogate at ${i}`);
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Strict RFC 3629 decoding: no overlongs, no surrogates, nothing above U+10FFFF. */
function utf8Decode(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let need: number, cp: number, min: number;
    if (c < 0x80) { out += String.fromCharCode(c); i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; min = 0x10000; }
    else throw new CborError(CborReject.INVALID_UTF8, `lead byte 0x${c.toString(16)} at ${i}`);
    for (let k = 1; k <= need; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) throw new CborError(CborReject.INVALID_UTF8, `bad continuation at ${i + k}`);
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new CborError(CborReject.INVALID_UTF8, `code point 0x${cp.toString(16)} at ${i}`);
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encoding

function head(out: number[], major: number, arg: number): void {
  const m = major << 5;
  if (arg < 24) out.push(m | arg);
  else if (arg < 0x100) out.push(m | 24, arg);
  else if (arg < 0x10000) out.push(m | 25, arg >>> 8, arg & 0xff);
  else if (arg < 0x100000000) out.push(m | 26, arg >>> 24, (arg >>> 16) & 0xff, (arg >>> 8) & 0xff, arg & 0xff);
  else {
    const hi = Math.floor(arg / 0x100000000);
    const lo = arg >>> 0;
    out.push(m | 27, 0, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff);
  }
}

function push(out: number[], bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function encodeInto(out: number[], value: CborValue, depth: number): void {
  if (depth > 64) throw new RangeError('"value" nests too deeply');
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`"value" expected a safe integer, got ${value}`);
    if (value >= 0) head(out, 0, value);
    else head(out, 1, -1 - value);
  } else if (typeof value === 'string') {
    const b = utf8Encode(value);
    head(out, 3, b.length);
    push(out, b);
  } else if (value instanceof Uint8Array) {
    head(out, 2, value.length);
    push(out, value);
  } else if (value === false) out.push(0xf4);
  else if (value === true) out.push(0xf5);
  else if (value === null) out.push(0xf6);
  else if (Array.isArray(value)) {
    head(out, 4, value.length);
    for (const v of value) encodeInto(out, v, depth + 1);
  } else if (value instanceof Map) {
    const entries: Array<[Uint8Array, CborValue]> = [];
    for (const [k, v] of value) {
      if (typeof k !== 'number' && typeof k !== 'string') throw new TypeError('"value" map keys must be integers or strings');
      entries.push([encodeCbor(k), v]);
    }
    entries.sort((x, y) => compareBytes(x[0], y[0]));
    for (let i = 1; i < entries.length; i++)
      if (compareBytes(entries[i - 1]![0], entries[i]![0]) === 0) throw new RangeError('"value" map has a duplicate key');
    head(out, 5, entries.length);
    for (const [k, v] of entries) {
      push(out, k);
      encodeInto(out, v, depth + 1);
    }
  } else throw new TypeError(`"value" of type ${typeof value} is outside the CBOR subset`);
}

/** The deterministic encoding (RFC 8949 §4.2.1) of `value`. */
export function encodeCbor(value: CborValue): Uint8Array {
  const out: number[] = [];
  encodeInto(out, value, 0);
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// Decoding

class Cursor {
  at = 0;
  constructor(readonly d: Uint8Array, readonly limits: CborLimits) {}

  byte(): number {
    if (this.at >= this.d.length) throw new CborError(CborReject.TRUNCATED, `need 1 byte at offset ${this.at}`);
    return this.d[this.at++]!;
  }

  take(n: number): Uint8Array {
    if (this.at + n > this.d.length) throw new CborError(CborReject.TRUNCATED, `need ${n} byte(s) at offset ${this.at} of ${this.d.length}`);
    const out = this.d.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

/** The argument of a head, shortest form enforced. */
function argument(c: Cursor, info: number): number {
  if (info < 24) return info;
  if (info === 31) throw new CborError(CborReject.INDEFINITE_LENGTH, `indefinite length at offset ${c.at - 1}`);
  if (info > 27) throw new CborError(CborReject.UNSUPPORTED, `reserved additional info ${info} at offset ${c.at - 1}`);
  const n = 1 << (info - 24);
  const b = c.take(n);
  let v = 0;
  if (n === 8) {
    const hi = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    const lo = ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
    if (hi > 0x1fffff) throw new CborError(CborReject.UNSUPPORTED, 'integer beyond 2^53 - 1');
    v = hi * 0x100000000 + lo;
  } else for (let i = 0; i < n; i++) v = v * 256 + b[i]!;
  const min = n === 1 ? 24 : n === 2 ? 0x100 : n === 4 ? 0x10000 : 0x100000000;
  if (v < min) throw new CborError(CborReject.NOT_SHORTEST, `argument ${v} in ${n} byte(s)`);
  return v;
}

function item(c: Cursor, depth: number): CborValue {
  const start = c.at;
  const ib = c.byte();
  const major = ib >> 5;
  const info = ib & 31;
  if (major === 7) {
    if (info === 20) return false;
    if (info === 21) return true;
    if (info === 22) return null;
    throw new CborError(CborReject.UNSUPPORTED, `simple/float 0x${ib.toString(16)} at offset ${start}`);
  }
  if (major === 6) throw new CborError(CborReject.UNSUPPORTED, `tag at offset ${start}`);
  const arg = argument(c, info);
  switch (major) {
    case 0:
      return arg;
    case 1:
      if (arg >= Number.MAX_SAFE_INTEGER) throw new CborError(CborReject.UNSUPPORTED, 'integer beyond -(2^53 - 1)');
      return -1 - arg;
    case 2:
    case 3: {
      if (arg > c.limits.maxBytes) throw new CborError(CborReject.TOO_LARGE, `string of ${arg} bytes over ${c.limits.maxBytes}`);
      const b = c.take(arg);
      return major === 2 ? b.slice() : utf8Decode(b);
    }
    case 4: {
      if (depth >= c.limits.maxDepth) throw new CborError(CborReject.TOO_DEEP, `nesting over ${c.limits.maxDepth}`);
      if (arg > c.limits.maxItems) throw new CborError(CborReject.TOO_LARGE, `array of ${arg} items over ${c.limits.maxItems}`);
      const out: CborValue[] = [];
      for (let i = 0; i < arg; i++) out.push(item(c, depth + 1));
      return out;
    }
    default: {
      if (depth >= c.limits.maxDepth) throw new CborError(CborReject.TOO_DEEP, `nesting over ${c.limits.maxDepth}`);
      if (arg > c.limits.maxItems) throw new CborError(CborReject.TOO_LARGE, `map of ${arg} entries over ${c.limits.maxItems}`);
      const out: CborMap = new Map();
      let prev: Uint8Array | undefined;
      for (let i = 0; i < arg; i++) {
        const keyStart = c.at;
        const key = item(c, depth + 1);
        if (typeof key !== 'number' && typeof key !== 'string') throw new CborError(CborReject.BAD_KEY_TYPE, `map key at offset ${keyStart}`);
        const keyBytes = c.d.subarray(keyStart, c.at);
        if (prev) {
          const order = compareBytes(prev, keyBytes);
          if (order === 0) throw new CborError(CborReject.DUPLICATE_KEY, `key ${JSON.stringify(key)} at offset ${keyStart}`);
          if (order > 0) throw new CborError(CborReject.UNSORTED_KEYS, `key ${JSON.stringify(key)} at offset ${keyStart}`);
        }
        prev = keyBytes;
        out.set(key, item(c, depth + 1));
      }
      return out;
    }
  }
}

/** Decodes exactly one deterministic CBOR item filling all of `bytes`; throws CborError otherwise. */
export function decodeCbor(bytes: Uint8Array, limits: CborLimits = DEFAULT_CBOR_LIMITS): CborValue {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('"bytes" expected Uint8Array');
  const c = new Cursor(bytes, limits);
  const value = item(c, 0);
  if (c.at !== bytes.length) throw new CborError(CborReject.TRAILING_BYTES, `${bytes.length - c.at} byte(s) after offset ${c.at}`);
  return value;
}

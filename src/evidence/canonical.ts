/**
 * Canonical JSON for evidence records: object keys sorted, no whitespace, ASCII only (anything
 * else escaped as \uXXXX), numbers as ECMAScript prints them (shortest round trip, the same on
 * V8 and XS). Byte arrays are refused: evidence carries hashes as hex strings, never raw bytes, so
 * key material cannot slip in by accident.
 */
import { asciiBytes } from '../bytes.ts';

export type CanonicalValue = string | number | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue | undefined };

const NON_ASCII = /[\u007f-\uffff]/;
/** Printable ASCII without `"` and `\`: JSON needs no escape (the common case, tested first). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function escapeAscii(text: string): string {
  if (PLAIN.test(text)) return '"' + text + '"';
  const quoted = JSON.stringify(text);
  if (!NON_ASCII.test(quoted)) return quoted;
  return quoted.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string': return escapeAscii(value);
    case 'boolean': return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError(`canonical JSON: expected a finite number, got ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (ArrayBuffer.isView(value)) throw new TypeError('canonical JSON: byte arrays are not allowed (hash them, hex-encode the hash)');
      if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return '{' + keys.map((k) => escapeAscii(k) + ':' + canonicalJson(obj[k])).join(',') + '}';
    }
    default: throw new TypeError(`canonical JSON: unsupported ${typeof value}`);
  }
}

export function canonicalBytes(value: unknown): Uint8Array {
  return asciiBytes(canonicalJson(value));
}

/** ASCII bytes → string (canonical JSON is ASCII by construction). */
export function asciiString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return out;
}

/**
 * The deterministic CBOR codec (src/capsule/cbor.ts): RFC 8949 Appendix A examples inside our
 * subset (round trip, both ways), the examples outside it refused as UNSUPPORTED, a table of
 * non-deterministic and malformed inputs with their typed reasons, and properties: every value
 * round-trips, and the strict decoder accepts a byte string only if it is the canonical encoding
 * of what it decodes to (so a mutated encoding is either refused or canonical).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { CborError, CborReject, decodeCbor, encodeCbor, type CborValue } from '../src/capsule/cbor.ts';

/** A JS literal as a CborValue: plain objects become maps (insertion order is irrelevant). */
function cv(x: any): CborValue {
  if (Array.isArray(x)) return x.map(cv);
  if (x instanceof Uint8Array || x === null || typeof x !== 'object') return x;
  if (x instanceof Map) return new Map([...x].map(([k, v]) => [k, cv(v)]));
  return new Map(Object.entries(x).map(([k, v]) => [k, cv(v)]));
}

// RFC 8949 Appendix A, the examples inside the subset (hex from the RFC's table)
const APPENDIX_A: Array<[unknown, string]> = [
  [0, '00'], [1, '01'], [10, '0a'], [23, '17'], [24, '1818'], [25, '1819'], [100, '1864'], [1000, '1903e8'],
  [1000000, '1a000f4240'], [1000000000000, '1b000000e8d4a51000'],
  [-1, '20'], [-10, '29'], [-100, '3863'], [-1000, '3903e7'],
  [false, 'f4'], [true, 'f5'], [null, 'f6'],
  [new Uint8Array(0), '40'], [hexToBytes('01020304'), '4401020304'],
  ['', '60'], ['a', '6161'], ['IETF', '6449455446'], ['"\\', '62225c'], ['\u00fc', '62c3bc'], ['\u6c34', '63e6b0b4'], ['\ud800\udd51', '64f0908591'],
  [[], '80'], [[1, 2, 3], '83010203'], [[1, [2, 3], [4, 5]], '8301820203820405'],
  [Array.from({ length: 25 }, (_, i) => i + 1), '98190102030405060708090a0b0c0d0e0f101112131415161718181819'],
  [{}, 'a0'], [new Map([[1, 2], [3, 4]]), 'a201020304'], [{ a: 1, b: [2, 3] }, 'a26161016162820203'], [['a', { b: 'c' }], '826161a161626163'],
  [{ a: 'A', b: 'B', c: 'C', d: 'D', e: 'E' }, 'a56161614161626142616361436164614461656145'],
];

// RFC 8949 Appendix A examples outside the subset (big integers, bignums, floats, simple values, tags)
const OUTSIDE: string[] = [
  '1bffffffffffffffff', 'c249010000000000000000', '3bffffffffffffffff', 'c349010000000000000000', 'f90000', 'f93c00', 'fa47c35000',
  'fb3ff199999999999a', 'f97c00', 'f7', 'f0', 'f8ff', 'c074323031332d30332d32315432303a30343a30305a', 'c11a514b67b0', 'd74401020304',
  'd818456449455446', 'd82076687474703a2f2f7777772e6578616d706c652e636f6d',
];

test('RFC 8949 Appendix A, inside the subset: encode gives the RFC bytes, decode gives the value back', () => {
  for (const [value, hex] of APPENDIX_A) {
    assert.is(bytesToHex(encodeCbor(cv(value))), hex, `encode ${hex}`);
    assert.is(bytesToHex(encodeCbor(decodeCbor(hexToBytes(hex)))), hex, `decode ${hex}`);
  }
  assert.equal(decodeCbor(hexToBytes('a26161016162820203')), new Map<string, CborValue>([['a', 1], ['b', [2, 3]]]));
  assert.is(decodeCbor(hexToBytes('64f0908591')), '\ud800\udd51');
  assert.is(decodeCbor(hexToBytes('1b000000e8d4a51000')), 1000000000000);
});

test('RFC 8949 Appendix A, outside the subset: refused as UNSUPPORTED', () => {
  for (const hex of OUTSIDE) rejects(hex, CborReject.UNSUPPORTED);
});

function rejects(hex: string, reason: CborReject, limits?: Parameters<typeof decodeCbor>[1]): void {
  try {
    decodeCbor(hexToBytes(hex), limits);
    assert.unreachable(`${hex} was accepted`);
  } catch (e) {
    if (!(e instanceof CborError)) throw e;
    assert.is(e.reason, reason, `${hex}: ${e.message}`);
  }
}

test('strict decoding: each non-deterministic or malformed input has its typed reason', () => {
  const table: Array<[string, CborReject, string]> = [
    ['1817', CborReject.NOT_SHORTEST, '23 in one extra byte'],
    ['190017', CborReject.NOT_SHORTEST, '23 in two bytes'],
    ['1a0000ffff', CborReject.NOT_SHORTEST, '65535 in four bytes'],
    ['1b00000000ffffffff', CborReject.NOT_SHORTEST, '2^32-1 in eight bytes'],
    ['380a', CborReject.NOT_SHORTEST, 'negative, long form'],
    ['580161', CborReject.NOT_SHORTEST, 'byte string length, long form'],
    ['5f42010243030405ff', CborReject.INDEFINITE_LENGTH, 'indefinite byte string (Appendix A)'],
    ['7f657374726561646d696e67ff', CborReject.INDEFINITE_LENGTH, 'indefinite text string (Appendix A)'],
    ['9fff', CborReject.INDEFINITE_LENGTH, 'indefinite array (Appendix A)'],
    ['bf61610161629f0203ffff', CborReject.INDEFINITE_LENGTH, 'indefinite map (Appendix A)'],
    ['1c', CborReject.UNSUPPORTED, 'reserved additional info 28'],
    ['a203040102', CborReject.UNSORTED_KEYS, 'keys 3, 1'],
    ['a2616201616102', CborReject.UNSORTED_KEYS, 'keys "b", "a"'],
    ['a201020103', CborReject.DUPLICATE_KEY, 'key 1 twice'],
    ['a2616101616102', CborReject.DUPLICATE_KEY, 'key "a" twice'],
    ['0000', CborReject.TRAILING_BYTES, 'two items'],
    ['8301020300', CborReject.TRAILING_BYTES, 'an array and one more byte'],
    ['', CborReject.TRUNCATED, 'empty input'],
    ['1901', CborReject.TRUNCATED, 'argument cut short'],
    ['6261', CborReject.TRUNCATED, 'text string cut short'],
    ['830102', CborReject.TRUNCATED, 'array cut short'],
    ['a10102a1', CborReject.TRAILING_BYTES, 'a map, then a stray head'],
    ['62c0af', CborReject.INVALID_UTF8, 'overlong "/"'],
    ['63eda080', CborReject.INVALID_UTF8, 'a UTF-16 surrogate'],
    ['61ff', CborReject.INVALID_UTF8, '0xff is never UTF-8'],
    ['62e6b0', CborReject.INVALID_UTF8, 'a cut sequence'],
    ['64f4908080', CborReject.INVALID_UTF8, 'above U+10FFFF'],
    ['a14001', CborReject.BAD_KEY_TYPE, 'byte-string key'],
    ['a18001', CborReject.BAD_KEY_TYPE, 'array key'],
    ['a1f401', CborReject.BAD_KEY_TYPE, 'boolean key'],
  ];
  for (const [hex, reason, what] of table) {
    try {
      decodeCbor(hexToBytes(hex));
      assert.unreachable(`${what}: accepted`);
    } catch (e) {
      if (!(e instanceof CborError)) throw e;
      assert.is(e.reason, reason, `${what}: ${e.message}`);
    }
  }
  // bytewise order of the keys' encodings (RFC 8949 §4.2.1), not length-first (§4.2.3): 100 (18 64) < -1 (20) < "a" (61 61)
  assert.is(bytesToHex(encodeCbor(new Map<number | string, CborValue>([['a', 1], [100, 2], [-1, 3]]))), 'a3' + '1864' + '02' + '20' + '03' + '6161' + '01');
  rejects('a3' + '20' + '03' + '1864' + '02' + '6161' + '01', CborReject.UNSORTED_KEYS);
});

test('limits: depth, items and string size are typed rejections', () => {
  const nest = (n: number) => '81'.repeat(n) + '00';
  assert.ok(decodeCbor(hexToBytes(nest(8))));
  rejects(nest(9), CborReject.TOO_DEEP);
  rejects(nest(10_000), CborReject.TOO_DEEP);
  rejects('98' + '41' + '00'.repeat(65), CborReject.TOO_LARGE);
  rejects('5a' + '00010000', CborReject.TOO_LARGE, { maxDepth: 8, maxItems: 64, maxBytes: 65535 });
  rejects('5a' + 'ffffffff', CborReject.TOO_LARGE);
  rejects('44' + '0102', CborReject.TRUNCATED);
  assert.is((decodeCbor(hexToBytes('59' + '4000' + '00'.repeat(16_384))) as Uint8Array).length, 16_384);
});

test('integers at the edges of the subset', () => {
  for (const n of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 32, 2 ** 32 - 1, 65535, 65536, 255, 256, -24, -25, -256, -257])
    assert.is(decodeCbor(encodeCbor(n)), n);
  assert.throws(() => encodeCbor(2 ** 53), RangeError);
  assert.throws(() => encodeCbor(1.5), RangeError);
  rejects('1b0020000000000000', CborReject.UNSUPPORTED); // 2^53
  rejects('3b001fffffffffffff', CborReject.UNSUPPORTED); // -2^53
  assert.throws(() => encodeCbor('\ud800' as string), RangeError);
  assert.throws(() => encodeCbor(undefined as unknown as CborValue), TypeError);
});

const keyArb = fc.oneof(fc.integer({ min: -1000, max: 100000 }), fc.string({ maxLength: 6, unit: 'grapheme' }));
const valueArb: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.maxSafeInteger(), fc.integer(), fc.boolean(), fc.constant(null), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.uint8Array({ maxLength: 24 }),
    fc.array(tie('v'), { maxLength: 5 }),
    fc.uniqueArray(fc.tuple(keyArb, tie('v')), { maxLength: 5, selector: ([k]) => (typeof k === 'number' ? `n${k}` : `s${k}`) }).map((es) => new Map(es)),
  ),
})).v;

test('property: encode → decode → encode is the identity on bytes, and decode gives the value back', () => {
  fc.assert(fc.property(valueArb, (v) => {
    const bytes = encodeCbor(v);
    const back = decodeCbor(bytes, { maxDepth: 64, maxItems: 64, maxBytes: 1 << 16 });
    assert.equal(back, v);
    assert.is(bytesToHex(encodeCbor(back)), bytesToHex(bytes));
  }), { numRuns: 400, seed: 8 });
});

test('property: a mutated encoding is refused with a CborError, or is the canonical encoding of what it decodes to', () => {
  fc.assert(fc.property(valueArb, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(4), (v, at, byte, cut) => {
    const bytes = encodeCbor(v).slice();
    if (bytes.length) bytes[at % bytes.length] = byte;
    const input = bytes.subarray(0, Math.max(0, bytes.length - (cut === 4 ? 1 : 0)));
    let back: CborValue;
    try {
      back = decodeCbor(input, { maxDepth: 64, maxItems: 64, maxBytes: 1 << 16 });
    } catch (e) {
      assert.instance(e, CborError);
      return;
    }
    assert.is(bytesToHex(encodeCbor(back)), bytesToHex(input));
  }), { numRuns: 1500, seed: 9 });
});

test.run();

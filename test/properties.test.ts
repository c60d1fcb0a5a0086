/** Property tests: codecs round-trip, parsers reject rather than crash, streams do not depend on chunking. */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChaCha20Drbg } from '../hal/sim/drbg.ts';
import { bytesToHex, packBits, unpackBits } from '../src/bytes.ts';
import { QkdAbort } from '../src/qkd/errors.ts';
import { decodeSiftMessage, encodeSiftMessage, type SiftMessage } from '../src/qkd/messages.ts';
import { Transcript } from '../src/transcript.ts';
import { Reader, Writer } from '../src/_wire.ts';

const bits = (max = 300) => fc.uint8Array({ minLength: 0, maxLength: max, max: 1 });
const blockId = fc.nat({ max: 0xffffffff });

const detectionReport = fc.tuple(blockId, fc.uniqueArray(fc.nat({ max: 5000 }), { maxLength: 200 }), fc.nat({ max: 100 }))
  .chain(([id, slots, extra]) => {
    const sorted = slots.sort((a, b) => a - b);
    const slotCount = (sorted.length ? sorted[sorted.length - 1]! + 1 : 0) + extra;
    return fc.uint8Array({ minLength: sorted.length, maxLength: sorted.length, max: 1 }).map((bases): SiftMessage =>
      ({ type: 1, blockId: id, slotCount, slots: Uint32Array.from(sorted), bases }));
  });
const challenge = fc.tuple(blockId, bits()).chain(([id, sample]) => {
  const k = sample.reduce((n, b) => n + b, 0);
  return fc.uint8Array({ minLength: k, maxLength: k, max: 1 }).map((aliceBits): SiftMessage => ({ type: 3, blockId: id, sample, aliceBits }));
});
const decoyDecision = fc.tuple(blockId, bits()).chain(([id, keep]) => {
  const k = keep.reduce((n, b) => n + b, 0);
  return fc.uint8Array({ minLength: k, maxLength: k, max: 2 }).map((classes): SiftMessage => ({ type: 5, blockId: id, keep, classes }));
});
const packedBits = (n: number) => fc.uint8Array({ minLength: (n + 7) >>> 3, maxLength: (n + 7) >>> 3 })
  .map((b) => { if (n & 7) b[b.length - 1]! &= 0xff << (8 - (n & 7)); return b; });
const reconcile = fc.tuple(blockId, fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 200 }), fc.nat({ max: 5 }))
  .chain(([id, plan, syndromeBits, frames]) => fc.array(packedBits(syndromeBits), { minLength: frames, maxLength: frames })
    .map((syndromes): SiftMessage => ({ type: 7, blockId: id, plan, syndromeBits, syndromes })));
const amplify = fc.tuple(blockId, fc.nat({ max: 1 << 20 }), fc.nat({ max: 300 }), fc.uint8Array({ maxLength: 4000 }))
  .chain(([id, outputBits, seedBits, signature]) => packedBits(seedBits)
    .map((seed): SiftMessage => ({ type: 11, blockId: id, outputBits, seedBits, seed, signature })));
const message: fc.Arbitrary<SiftMessage> = fc.oneof(
  detectionReport,
  fc.tuple(blockId, bits()).map(([id, keep]): SiftMessage => ({ type: 2, blockId: id, keep })),
  challenge,
  fc.tuple(blockId, bits()).map(([id, bobBits]): SiftMessage => ({ type: 4, blockId: id, bobBits })),
  decoyDecision,
  fc.tuple(blockId, bits()).map(([id, b]): SiftMessage => ({ type: 6, blockId: id, bits: b })),
  reconcile,
  fc.tuple(blockId, bits(), fc.nat({ max: 1 << 20 })).map(([id, failed, errorsCorrected]): SiftMessage => ({ type: 8, blockId: id, failed, errorsCorrected })),
  fc.tuple(blockId, fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 16, maxLength: 16 }))
    .map(([id, hashKey, tag]): SiftMessage => ({ type: 9, blockId: id, hashKey, tag })),
  fc.tuple(blockId, fc.boolean()).map(([id, match]): SiftMessage => ({ type: 10, blockId: id, match })),
  amplify,
  fc.tuple(blockId, fc.uint8Array({ maxLength: 4000 })).map(([id, signature]): SiftMessage => ({ type: 12, blockId: id, signature })),
  detectionReport.chain((r) => {
    if (r.type !== 1) throw new Error('unreachable');
    return fc.uint8Array({ minLength: r.slots.length, maxLength: r.slots.length, max: 2 })
      .map((settings): SiftMessage => ({ type: 13, blockId: r.blockId, slotCount: r.slotCount, slots: r.slots, settings }));
  }),
  decoyDecision.map((d): SiftMessage => (d.type === 5 ? { type: 14, blockId: d.blockId, coincident: d.keep, settings: d.classes } : d)),
);

test('sift messages decode to what was encoded, and re-encode to the same bytes', () => {
  fc.assert(fc.property(message, (m) => {
    const bytes = encodeSiftMessage(m);
    const back = decodeSiftMessage(bytes, 1 << 20);
    assert.equal(back, m);
    assert.is(bytesToHex(encodeSiftMessage(back)), bytesToHex(bytes));
  }), { numRuns: 500 });
});

test('any byte string either decodes to a message that re-encodes to it, or is refused with a QkdAbort', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), message, fc.nat(), fc.nat({ max: 255 }), (noise, m, at, value) => {
    // Raw noise, and valid messages with one byte changed or cut short.
    const valid = encodeSiftMessage(m);
    const flipped = valid.slice();
    if (flipped.length) flipped[at % flipped.length] = value;
    for (const input of [noise, flipped, valid.subarray(0, at % (valid.length + 1))]) {
      try {
        const decoded = decodeSiftMessage(input, 1 << 20);
        assert.is(bytesToHex(encodeSiftMessage(decoded)), bytesToHex(input), 'accepted bytes are not canonical');
      } catch (e) {
        assert.instance(e, QkdAbort);
      }
    }
  }), { numRuns: 2000 });
});

test('packBits and unpackBits are inverse', () => {
  fc.assert(fc.property(bits(1000), (b) => assert.equal(unpackBits(packBits(b), b.length), b)));
});

test('varints round-trip and use the fewest bytes', () => {
  fc.assert(fc.property(fc.nat({ max: 0xffffffff }), (v) => {
    const bytes = new Writer().varint(v).finish();
    assert.is(bytes.length, Math.max(1, Math.ceil(Math.log2(v + 1) / 7)));
    const r = new Reader(bytes);
    assert.is(r.varint(), v);
    r.end();
  }));
});

test('the DRBG stream does not depend on how it is read', () => {
  fc.assert(fc.property(fc.nat(), fc.array(fc.nat({ max: 5000 }), { maxLength: 8 }), (seed, chunks) => {
    const total = chunks.reduce((a, b) => a + b, 0);
    const whole = new ChaCha20Drbg(seed, 'p').randomBytes(total);
    const drbg = new ChaCha20Drbg(seed, 'p');
    const parts = new Uint8Array(total);
    let at = 0;
    for (const n of chunks) {
      parts.set(drbg.randomBytes(n), at);
      at += n;
    }
    assert.is(bytesToHex(parts), bytesToHex(whole));
  }), { numRuns: 50 });
});

test('transcripts separate labels and part boundaries', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 2, maxLength: 40 }), fc.nat(), (data, cut) => {
    const k = 1 + (cut % (data.length - 1));
    const one = new Transcript('P').absorb('x', data).digest();
    const two = new Transcript('P').absorb('x', data.subarray(0, k)).absorb('x', data.subarray(k)).digest();
    const relabelled = new Transcript('P').absorb('y', data).digest();
    assert.is.not(bytesToHex(one), bytesToHex(two));
    assert.is.not(bytesToHex(one), bytesToHex(relabelled));
  }));
});

test.run();

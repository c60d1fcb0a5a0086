/**
 * The HIL rig protocol v1 codec (hal/hil): published answers (CRC-32C, RFC 3720 §B.4; COBS),
 * round trips of every message (fast-check), the stream splitter across arbitrary chunk
 * boundaries, every single-byte corruption refused, bad input refused with its typed reason, and
 * the hil golden vectors (also run on XS by test/xs.test.ts) reproduced here with the reference
 * and with the native pulse kernel registered.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from '../hal/hil/cobs.ts';
import { crc32c } from '../hal/hil/crc32c.ts';
import { HilFaultError, HilPhotonics } from '../hal/hil/bridge.ts';
import { HilError, HilFault, HilReject } from '../hal/hil/errors.ts';
import { decodeFrame, encodeFrame, FrameSplitter, HIL_MAX_WIRE, HilType } from '../hal/hil/frame.ts';
import { decodeMessage, encodeMessage, HIL_MAX_DETECTIONS, HIL_MAX_SLOTS, type HilMessage } from '../hal/hil/messages.ts';
import { nodePulseKernel } from '../hal/hil/pulse-node.ts';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { referencePulseKernel, runtimePulseKernel, setRuntimePulseKernel } from '../src/pulse/kernel.ts';
import { hilSuites } from './vectors/areas/hil.ts';
import { loadVectorFiles } from './vectors/load.ts';

const ascii = (s: string) => new TextEncoder().encode(s);

test('CRC-32C: the check value and the RFC 3720 §B.4 examples', () => {
  assert.is(crc32c(ascii('123456789')), 0xe3069283);
  assert.is(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.is(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.is(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.is(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
});

test('COBS: the textbook examples', () => {
  const cases: Array<[string, string]> = [['00', '0101'], ['0000', '010101'], ['11220033', '0311220233'], ['11223344', '0511223344'], ['11000000', '0211010101'], ['', '01']];
  for (const [raw, enc] of cases) {
    assert.is(bytesToHex(cobsEncode(hexToBytes(raw))), enc, raw);
    assert.is(bytesToHex(cobsDecode(hexToBytes(enc))), raw, enc);
  }
  const block = Uint8Array.from({ length: 254 }, (_, i) => i + 1);
  assert.is(bytesToHex(cobsEncode(block)), 'ff' + bytesToHex(block), '254 non-zero bytes: one block, no trailing code');
});

test('COBS: round trip, no zero byte, bounded overhead (property)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), (data) => {
    const enc = cobsEncode(data);
    assert.ok(!enc.includes(0));
    assert.ok(enc.length <= cobsMaxEncodedLength(data.length));
    assert.equal(cobsDecode(enc), data);
  }), { numRuns: 300 });
});

const u48 = fc.nat({ max: 2 ** 48 - 1 });
const u32 = fc.nat({ max: 0xffff_ffff });
const message: fc.Arbitrary<HilMessage> = fc.oneof(
  fc.record({ type: fc.constant(HilType.HELLO), role: fc.constantFrom(1, 2), nonce: u32, maxPayload: fc.nat({ max: 0xffff }) }),
  fc.integer({ min: 2, max: 5000 }).chain((period) => fc.record({
    type: fc.constant(HilType.CONFIGURE), period: fc.constant(period), gateOffset: fc.nat({ max: period - 1 }), gateWidth: fc.constant(1), slotsPerFrame: fc.integer({ min: 1, max: HIL_MAX_SLOTS }),
  })),
  fc.record({ type: fc.constant(HilType.EMIT), frameId: u32, firstSlot: u32, words: fc.array(fc.nat({ max: 0xffff }), { maxLength: 300 }).map((a) => Uint16Array.from(a)) }),
  fc.array(fc.tuple(u32, fc.nat({ max: 3 })), { maxLength: 200 }).chain((cl) => fc.record({
    type: fc.constant(HilType.DETECTIONS), frameId: u32, stamps: fc.constant(Uint32Array.from(cl, (c) => c[0])), detectors: fc.constant(Uint8Array.from(cl, (c) => c[1])),
  })),
  fc.record({ type: fc.constant(HilType.HEALTH), temperatureCentiC: fc.integer({ min: -32768, max: 32767 }), lossCentiDb: fc.nat({ max: 0xffff }), photonRate: u32, flags: fc.nat({ max: 3 }) }),
  fc.record({ type: fc.constant(HilType.TIME_SYNC), t1: u48, t2: u48, t3: u48 }),
  fc.record({ type: fc.constant(HilType.HEARTBEAT), lastSeqSeen: u32 }),
) as fc.Arbitrary<HilMessage>;

test('every message round-trips through payload, frame, COBS and the delimiter (property)', () => {
  fc.assert(fc.property(message, u32, u48, (m, seq, timeUs) => {
    const wire = encodeFrame({ type: m.type, seq, timeUs, payload: encodeMessage(m) });
    assert.is(wire[wire.length - 1], 0);
    assert.ok(!wire.subarray(0, -1).includes(0));
    const f = decodeFrame(wire.subarray(0, -1));
    assert.equal({ type: f.type, seq: f.seq, timeUs: f.timeUs }, { type: m.type, seq, timeUs });
    assert.equal({ ...decodeMessage(f.type, f.payload) }, { ...m });
  }), { numRuns: 400 });
});

test('the splitter finds the same frames whatever the chunking, and skips garbage between them (property)', () => {
  fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), fc.array(fc.nat({ max: 400 }), { maxLength: 10 }), (ms, cuts) => {
    const wires = ms.map((m, i) => encodeFrame({ type: m.type, seq: i, timeUs: i, payload: encodeMessage(m) }));
    const stream = new Uint8Array(wires.reduce((a, w) => a + w.length, 0));
    let at = 0;
    for (const w of wires) { stream.set(w, at); at += w.length; }
    const got: number[] = [];
    const s = new FrameSplitter();
    const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
    let prev = 0;
    for (const p of [...points, stream.length]) {
      s.push(stream.subarray(prev, p), (c) => got.push(decodeFrame(c).seq), () => assert.unreachable('oversize'));
      prev = p;
    }
    assert.equal(got, ms.map((_, i) => i));
  }), { numRuns: 200 });
});

test('the splitter drops an endless run without a delimiter as one oversize chunk, then resynchronises', () => {
  const s = new FrameSplitter();
  let oversize = 0;
  const frames: number[] = [];
  s.push(new Uint8Array(HIL_MAX_WIRE * 2 + 5).fill(0x41), () => assert.unreachable('frame'), () => oversize++);
  s.push(Uint8Array.of(0), () => assert.unreachable('frame'), () => oversize++);
  s.push(encodeFrame({ type: HilType.HEARTBEAT, seq: 9, timeUs: 1, payload: encodeMessage({ type: HilType.HEARTBEAT, lastSeqSeen: 0 }) }), (c) => frames.push(decodeFrame(c).seq), () => oversize++);
  assert.is(oversize, 1);
  assert.equal(frames, [9]);
});

test('every single-byte corruption of a frame is refused with a typed reason (property)', () => {
  fc.assert(fc.property(message, fc.nat(), fc.integer({ min: 1, max: 255 }), (m, at, x) => {
    const wire = encodeFrame({ type: m.type, seq: 1, timeUs: 2, payload: encodeMessage(m) }).subarray(0, -1);
    const bad = wire.slice();
    bad[at % bad.length]! ^= x;
    // a zero byte splits the frame on the wire: both halves are checked
    const parts = Array.from(bad).join(',').split(/(?:^|,)0(?:,|$)/).filter((p) => p.length).map((p) => Uint8Array.from(p.split(',').map(Number)));
    for (const p of parts.length ? parts : [bad]) {
      try {
        const f = decodeFrame(p);
        decodeMessage(f.type, f.payload);
        assert.unreachable('a corrupted frame was accepted');
      } catch (e) {
        if (!(e instanceof HilError)) throw e;
      }
    }
  }), { numRuns: 500 });
});

test('bad payloads: sizes and fields refused with LENGTH or FIELD', () => {
  const reason = (type: number, p: Uint8Array) => {
    try { decodeMessage(type as HilType, p); return 'accepted'; } catch (e) { return (e as HilError).reason; }
  };
  assert.is(reason(HilType.EMIT, new Uint8Array(11)), HilReject.LENGTH);
  assert.is(reason(HilType.EMIT, Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0x80, 1)), HilReject.LENGTH, 'count 2, one word');
  assert.is(reason(HilType.DETECTIONS, Uint8Array.of(0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff)), HilReject.FIELD, 'count past the limit');
  assert.is(reason(HilType.TIME_SYNC, new Uint8Array(17)), HilReject.LENGTH);
  assert.is(reason(HilType.CONFIGURE, Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1)), HilReject.FIELD, 'period 1');
  assert.throws(() => encodeMessage({ type: HilType.DETECTIONS, frameId: 0, stamps: new Uint32Array(HIL_MAX_DETECTIONS + 1), detectors: new Uint8Array(HIL_MAX_DETECTIONS + 1) }), RangeError);
  assert.throws(() => encodeFrame({ type: HilType.HEARTBEAT, seq: -1, timeUs: 0, payload: new Uint8Array(4) }), /"seq"/);
  assert.throws(() => encodeFrame({ type: HilType.HEARTBEAT, seq: 0, timeUs: 2 ** 48, payload: new Uint8Array(4) }), /"timeUs"/);
});

const files = loadVectorFiles().filter((f) => f.suite.startsWith('hil-'));

test('a sync the rig never answers fails with a typed SILENT fault, and the reason still names the fault before it', async () => {
  // a virtual clock: timers fire in order, as fast as the test runs
  let nowMs = 0;
  const timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  const host = {
    nowUs: () => nowMs * 1000,
    setTimer: (ms: number, fn: () => void) => { const t = { at: nowMs + ms, fn, live: true }; timers.push(t); return () => { t.live = false; }; },
  };
  const sent: Uint8Array[] = [];
  const bridge = new HilPhotonics({
    transport: { send: (b) => sent.push(b), onData: () => {}, close: () => {} }, host, kernel: referencePulseKernel, randomBit: () => 0,
    slot: { period: 1000, gateOffset: 400, gateWidth: 200, delay: 100, width: 200 }, retryMs: 50,
  });
  let outcome: unknown = 'pending';
  bridge.sync().then(() => (outcome = 'synced'), (e) => (outcome = e));
  for (let i = 0; i < 10_000 && outcome === 'pending'; i++) {
    await new Promise((r) => setImmediate(r));
    const next = timers.filter((t) => t.live).sort((a, b) => a.at - b.at)[0];
    if (!next) break;
    next.live = false;
    nowMs = next.at;
    next.fn();
  }
  assert.instance(outcome, HilFaultError);
  assert.is((outcome as HilFaultError).fault, HilFault.SILENT);
  assert.match(bridge.health().reason ?? '', /^SILENT: re-sync: the rig did not answer \(before it: NOT_SYNCED: not yet synchronised/);
  assert.ok(sent.length >= 10, `HELLO retried (${sent.length} frames sent)`);
  bridge.close();
});

test('hil golden vectors: every suite has its file', () => {
  assert.equal(files.map((f) => f.suite).sort(), Object.keys(hilSuites).sort());
});

for (const [label, kernel] of [['reference', referencePulseKernel], ['native (Node-API)', nodePulseKernel()]] as const)
  test(`hil golden vectors reproduce, pulse kernel ${label}`, () => {
    setRuntimePulseKernel(kernel);
    try {
      assert.is(runtimePulseKernel(), kernel);
      for (const f of files) for (const c of f.cases) assert.equal(hilSuites[f.suite]!(c.input), c.output, `${f.suite}: ${c.name}`);
    } finally {
      setRuntimePulseKernel(referencePulseKernel);
    }
  });

test.run();

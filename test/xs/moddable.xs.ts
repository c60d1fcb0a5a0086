/**
 * What test/moddable-backends.test.ts runs inside lvxs: the board backends of hal/moddable on the
 * desktop stand-ins of embedded:io (native/host/io.c), unchanged. scriptArgs[0] is a scratch
 * directory for the flash store. One line per result: `DRV`, `PERF`, `STORE`, `PORTS`, `HEAP` {json}.
 */
import Photonics from '../../hal/moddable/photonics.ts';
import { simPeripherals, type SimDigital, type SimSPI } from '../../hal/moddable/sim/io.ts';
import { xsPulseKernel } from '../../hal/moddable/pulse.ts';
import { FlashStorage } from '../../hal/moddable/flash-storage.ts';
import { xsFlashFiles } from '../../hal/moddable/files-xs.ts';
import { installGetRandomValues, ModdableEntropy } from '../../hal/moddable/entropy.ts';
import { ModdableClock } from '../../hal/moddable/clock.ts';
import { SecureElementSealer, SealerError } from '../../hal/moddable/sealer.ts';
import { ModdableUdpLink } from '../../hal/moddable/udp-link.ts';
import UDP from 'embedded:io/socket/udp';
import { SimEntropy } from '../../hal/sim/entropy.ts';
import { createSimPhotonics } from '../../hal/sim/photonics.ts';
import { PhysicsRandom } from '../../hal/sim/prng.ts';
import { xsHeap } from '../../hal/xs/heap.ts';
import { binDetections } from '../../src/pulse/bin.ts';
import { detectionsFromMasks } from '../../src/pulse/detections.ts';
import { referencePulseKernel, setRuntimePulseKernel } from '../../src/pulse/kernel.ts';
import { parsePulseWord } from '../../src/pulse/schedule.ts';
import { prepareDecoyTrain, type DecoySource } from '../../src/qkd/decoy.ts';

const dir = scriptArgs[0]!;
const out = (tag: string, v: unknown) => print(`${tag} ${JSON.stringify(v)}`);
const kernel = xsPulseKernel();
setRuntimePulseKernel(kernel);
const heap0 = xsHeap(true);

const SLOT = { period: 1000, delay: 100, width: 200, gateOffset: 400, gateWidth: 200 };
let flip = 0;
const randomBit = () => (flip ^= 1);
let readable = 0, writable = 0;
const driver = new Photonics({
  trigger: { pin: 4 }, modulator: { out: 23, clock: 18, select: 5, hz: 40_000_000 }, detector: { in: 19, out: 13, clock: 14, hz: 40_000_000 },
  slot: SLOT, randomBit, paced: false, onReadable() { readable++; }, onWritable() { writable++; },
});
const modulatorBus = simPeripherals.get(23) as SimSPI, detectorBus = simPeripherals.get(13) as SimSPI, pin = simPeripherals.get(4) as SimDigital;

// 1. one frame out: the bus carries the schedule's words, the pin the non-vacuum slots' edges
const N = 16_000;
const source: DecoySource = { intensities: [0.5, 0.15, 0.0002], probabilities: [0.4, 0.3, 0.3], keyBasisProbability: 0.6 };
const train = prepareDecoyTrain(new SimEntropy(7, 'alice'), N, source);
const heapBefore = xsHeap(true);
driver.write(train);
const words = modulatorBus.records(N).values;
const want = referencePulseKernel.schedule(train.bits, train.bases, train.intensities, 0, { t0: 0, period: SLOT.period, delay: SLOT.delay, width: SLOT.width });
let sameWords = words.length === want.words.length;
for (let i = 0; sameWords && i < words.length; i++) sameWords = words[i] === want.words[i];
const edges = pin.records(2 * N).values.length;

// 2. the channel (the simulator's model) answers through the detector front end's FIFO
const sent = { count: N, bits: new Uint8Array(N), bases: new Uint8Array(N), intensities: new Uint8Array(N) };
let decoded = true;
for (let i = 0; i < N; i++) {
  const w = parsePulseWord(words[i]!);
  if (!w) { decoded = false; continue; }
  sent.bits[i] = w.bit; sent.bases[i] = w.basis; sent.intensities[i] = w.intensity;
}
const channel = createSimPhotonics({ lossDb: 3, detectorEfficiency: 0.6, darkCountProbability: 1e-5, misalignment: 0.01, meanPhotonNumbers: source.intensities }, 7);
channel.tx.emit(sent);
const truth = channel.rx.collect();
const jr = new PhysicsRandom(7, 'jitter');
const clicks: Array<[number, number]> = [];
for (let i = 0; i < truth.slots.length; i++) clicks.push([truth.slots[i]! * SLOT.period + 500 + Math.round((jr.uniform() + jr.uniform() - 1) * 50), truth.bases[i]! * 2 + truth.bits[i]!]);
for (let i = 0; i < 40; i++) clicks.push([Math.floor(jr.uniform() * N) * SLOT.period + 50 + Math.floor(jr.uniform() * 300), Math.floor(jr.uniform() * 4)]); // stray light, before the gate
clicks.sort((a, b) => a[0] - b[0]);
const fifo = new Uint8Array(5 * clicks.length);
clicks.forEach(([t, d], i) => { fifo[5 * i] = t >>> 24; fifo[5 * i + 1] = (t >>> 16) & 255; fifo[5 * i + 2] = (t >>> 8) & 255; fifo[5 * i + 3] = t & 255; fifo[5 * i + 4] = d; });
detectorBus.inject(fifo);
const got = driver.read()!;
const heapPeak = xsHeap(false);
flip = 0;
const ref = binDetections(Uint32Array.from(clicks, (c) => c[0]), Uint8Array.from(clicks, (c) => c[1]), { t0: 0, period: SLOT.period, gateOffset: SLOT.gateOffset, gateWidth: SLOT.gateWidth, slotCount: N });
const refD = detectionsFromMasks(ref.slots, ref.masks, () => 0);
const eq = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (x: number, i: number) => x === b[i]);
out('DRV', {
  runtime: kernel.runtime, sameWords, words: words.length, edges, wantEdges: want.edges.length, decoded, readable, writable,
  detections: got.slots.length, truth: truth.slots.length, slotsMatchTruth: eq(got.slots, truth.slots), basesMatchTruth: eq(got.bases, truth.bases), bitsMatchTruth: eq(got.bits, truth.bits),
  matchesReference: eq(got.slots, refD.slots) && eq(got.bases, refD.bases), strayRejected: ref.stats.outsideGate, health: driver.health(),
});
out('HEAP', { phase: 'frame', before: heapBefore, peak: heapPeak, start: heap0 });

// 3. rejection: a FIFO that is not whole records makes the driver unhealthy, with the reason
detectorBus.inject(Uint8Array.of(1, 2, 3));
let error = '';
try { driver.read(); } catch (e) { error = String(e); }
out('DRV', { torn: error, health: driver.health() });
driver.close();

// 4. the timed output: slots per second and the edge lateness the C player measures
const fast = new Photonics({ trigger: { pin: 40 }, modulator: { out: 41, clock: 42, hz: 40e6 }, detector: { in: 43, out: 44, clock: 45, hz: 40e6 }, slot: SLOT, randomBit, paced: false });
const big = prepareDecoyTrain(new SimEntropy(8, 'alice'), 200_000, source);
const t0 = native('xs_lv_clock_monotonic')() as number;
fast.write(big);
const t1 = native('xs_lv_clock_monotonic')() as number;
out('PERF', { mode: 'unpaced', slots: big.count, ms: t1 - t0, play: fast.lastPlay });
fast.close();
const paced = new Photonics({ trigger: { pin: 50 }, modulator: { out: 51, clock: 52, hz: 40e6 }, detector: { in: 53, out: 54, clock: 55, hz: 40e6 },
  slot: { period: 10_000, delay: 1000, width: 2000, gateOffset: 4000, gateWidth: 2000 }, randomBit, paced: true });
const small = prepareDecoyTrain(new SimEntropy(9, 'alice'), 10_000, source);
paced.write(small);
out('PERF', { mode: 'paced 10 µs', slots: small.count, play: paced.lastPlay });
paced.close();

// 5. the flash store on real files, through the host's file primitives
const files = xsFlashFiles(dir);
const store = new FlashStorage(files, { compactEvery: 4 });
for (let i = 0; i < 6; i++) store.transaction((tx) => tx.append('keys', `k${i}`, Uint8Array.of(i, i)));
store.transaction((tx) => { tx.delete('keys', 'k0'); });
let aborted = false;
try { store.transaction((tx) => { tx.append('keys', 'x', Uint8Array.of(9)); throw new Error('abort'); }); } catch { aborted = true; }
files.write('tx-0000000099.tmp', Uint8Array.of(1, 2, 3)); // a torn, uncommitted write
const reopened = new FlashStorage(files);
out('STORE', { keys: reopened.list('keys').map((r) => r.key), aborted, files: files.list().sort() });
out('HEAP', { phase: 'end', now: xsHeap(true) });

// 6. the other ports: TRNG entropy and getRandomValues, the microsecond clock, the sealer hook, UDP
const entropy = new ModdableEntropy();
const e1 = entropy.randomBytes(32), e2 = entropy.randomBytes(32);
const hostHad = !installGetRandomValues();
const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
delete (globalThis as { crypto?: unknown }).crypto;
const installed = installGetRandomValues();
const grv = (globalThis as unknown as { crypto: { getRandomValues(a: Uint32Array): Uint32Array } }).crypto.getRandomValues(new Uint32Array(8));
let floatRefused = false;
try { (globalThis as unknown as { crypto: { getRandomValues(a: unknown): unknown } }).crypto.getRandomValues(new Float64Array(2)); } catch { floatRefused = true; }
Object.defineProperty(globalThis, 'crypto', saved);
const clock = new ModdableClock();
const m1 = clock.monotonicMs(), m2 = clock.monotonicMs();
let sealer = '';
try { new SecureElementSealer(); } catch (e) { sealer = e instanceof SealerError ? `SealerError ${e.reason}` : String(e); }
const a = new ModdableUdpLink({ port: 6001, peer: { address: '127.0.0.1', port: 6002 } });
const b = new ModdableUdpLink({ port: 6002, peer: { address: '127.0.0.1', port: 6001 } });
let bReadable = 0;
b.onReadable = () => { bReadable++; };
a.send(Uint8Array.of(1, 2, 3));
const got1 = b.receive();
new UDP({ port: 6003 }).write(Uint8Array.of(9), '127.0.0.1', 6002); // a stranger
let oversize = '';
try { a.send(new Uint8Array(1401)); } catch (e) { oversize = String(e); }
out('PORTS', {
  entropy: { length: e1.length, differ: e1.some((x, i) => x !== e2[i]), source: entropy.source },
  getRandomValues: { hostHad, installed, filled: grv.some((x) => x !== 0), floatRefused },
  clock: { monotonic: m2 >= m1, wall: clock.wallMs() > 1.6e12 },
  sealer, link: { got: got1 ? Array.from(got1) : null, strangerDropped: b.dropped, afterStranger: b.receive() === undefined, bReadable, oversize },
});
a.close(); b.close();

/**
 * The rig emulator: the far side of the HIL protocol (hal/hil/), standing in for a bench that
 * drives a real modulator and reads real detectors. It decodes each EMIT's modulator words,
 * runs them through the simulator's channel model (hal/sim/photonics.ts: source, loss,
 * detectors, dark counts, misalignment), turns the detections into detector clicks with timing
 * jitter inside the gate (plus stray clicks outside it), and answers with DETECTIONS. It keeps
 * each frame's report: an EMIT for a frame already emitted is answered from that cache, never
 * emitted twice. It reports HEALTH and HEARTBEAT on its own.
 *
 * Faults, for the tests and the benchmark: random drop / corrupt / delay of outgoing frames, drop
 * of incoming ones, and scripted misbehaviour after the n-th EMIT (garbage bytes, a frame of
 * another version, a timestamp far off, a CRC failure, an unhealthy HEALTH report, silence).
 */
import { createSimPhotonics, type SimPhotonicsConfig } from '../../hal/sim/photonics.ts';
import { PhysicsRandom } from '../../hal/sim/prng.ts';
import type { HilHost, HilTransport } from '../../hal/hil/bridge.ts';
import { HilError } from '../../hal/hil/errors.ts';
import { decodeFrame, encodeFrame, encodeFrameRaw, FrameSplitter, HIL_MAX_TIME_US, HilType } from '../../hal/hil/frame.ts';
import { cobsEncode } from '../../hal/hil/cobs.ts';
import { decodeMessage, encodeMessage, HIL_MAX_DETECTIONS, HilRole, type HilMessage } from '../../hal/hil/messages.ts';
import { parsePulseWord } from '../../src/pulse/schedule.ts';

export type RigScript = 'garbage' | 'version' | 'timestamp' | 'crc' | 'unhealthy' | 'silence';

export interface RigFaults {
  /** Probability an outgoing frame is dropped / corrupted (one byte flipped) / delayed. */
  readonly drop?: number;
  readonly corrupt?: number;
  readonly delay?: number;
  readonly delayMs?: number;
  /** Probability an incoming frame is dropped. */
  readonly dropIncoming?: number;
  /** Misbehave once after this many EMITs have been answered. */
  readonly script?: { readonly kind: RigScript; readonly afterEmits: number; readonly silenceMs?: number };
}

export interface RigOptions {
  readonly transport: HilTransport;
  readonly host: HilHost;
  readonly photonics: SimPhotonicsConfig;
  readonly seed: number;
  readonly faults?: RigFaults;
  readonly healthMs?: number;
  /** Stray clicks per frame outside the gate (default 2). */
  readonly strayPerFrame?: number;
}

export class RigEmulator {
  readonly stats = { framesIn: 0, framesOut: 0, rejectsIn: 0, emits: 0, cachedReplies: 0, dropped: 0, corrupted: 0, delayed: 0, corruptWords: 0 };
  readonly #o: RigOptions;
  readonly #faults: RigFaults;
  readonly #rand: PhysicsRandom;
  readonly #splitter = new FrameSplitter();
  readonly #cache = new Map<number, HilMessage>();
  #seq = 0;
  #config = { period: 1000, gateOffset: 400, gateWidth: 200, slotsPerFrame: 16_000 };
  #silentUntilUs = 0;
  #scriptDone = false;
  #stopped = false;
  #timer: (() => void) | undefined;

  constructor(options: RigOptions) {
    this.#o = options;
    this.#faults = options.faults ?? {};
    this.#rand = new PhysicsRandom(options.seed, 'rig:faults');
    options.transport.onData((b) => this.#splitter.push(b, (c) => this.#onChunk(c), () => this.stats.rejectsIn++));
    const beat = () => {
      if (this.#stopped) return;
      this.#send({ type: HilType.HEALTH, temperatureCentiC: 2450, lossCentiDb: Math.round(options.photonics.lossDb * 100), photonRate: 1_000_000, flags: 3 });
      this.#send({ type: HilType.HEARTBEAT, lastSeqSeen: 0 });
      this.#timer = options.host.setTimer(options.healthMs ?? 200, beat);
    };
    this.#timer = options.host.setTimer(options.healthMs ?? 200, beat);
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.();
  }

  #now(): number {
    return Math.round(this.#o.host.nowUs());
  }

  #send(m: HilMessage, timeUs = this.#now()): void {
    if (this.#stopped || this.#now() < this.#silentUntilUs) return;
    const f = this.#faults;
    let bytes = encodeFrame({ type: m.type, seq: this.#seq, timeUs: Math.min(HIL_MAX_TIME_US, Math.max(0, timeUs)), payload: encodeMessage(m) });
    this.#seq = (this.#seq + 1) >>> 0;
    if (f.drop && this.#rand.uniform() < f.drop) { this.stats.dropped++; return; }
    if (f.corrupt && this.#rand.uniform() < f.corrupt) {
      bytes = bytes.slice();
      const at = Math.floor(this.#rand.uniform() * (bytes.length - 1));
      bytes[at] = bytes[at]! ^ (1 + Math.floor(this.#rand.uniform() * 255));
      this.stats.corrupted++;
    }
    this.stats.framesOut++;
    if (f.delay && this.#rand.uniform() < f.delay) {
      this.stats.delayed++;
      this.#o.host.setTimer(f.delayMs ?? 50, () => this.#o.transport.send(bytes));
      return;
    }
    this.#o.transport.send(bytes);
  }

  #onChunk(chunk: Uint8Array): void {
    if (this.#stopped) return;
    if (this.#faults.dropIncoming && this.#rand.uniform() < this.#faults.dropIncoming) return;
    let m: HilMessage;
    try {
      const f = decodeFrame(chunk);
      m = decodeMessage(f.type, f.payload);
    } catch (e) {
      if (e instanceof HilError) { this.stats.rejectsIn++; return; }
      throw e;
    }
    this.stats.framesIn++;
    switch (m.type) {
      case HilType.HELLO:
        this.#seq = 0;
        this.#send({ type: HilType.HELLO, role: HilRole.RIG, nonce: m.nonce, maxPayload: m.maxPayload });
        break;
      case HilType.TIME_SYNC: {
        const t2 = this.#now();
        this.#send({ type: HilType.TIME_SYNC, t1: m.t1, t2, t3: this.#now() });
        break;
      }
      case HilType.CONFIGURE:
        this.#config = { period: m.period, gateOffset: m.gateOffset, gateWidth: m.gateWidth, slotsPerFrame: m.slotsPerFrame };
        this.#send(m);
        break;
      case HilType.EMIT: this.#emit(m); break;
      default: break; // HEARTBEAT, and messages a rig never receives
    }
  }

  #emit(m: Extract<HilMessage, { type: typeof HilType.EMIT }>): void {
    const cached = this.#cache.get(m.frameId);
    if (cached) {
      this.stats.cachedReplies++;
      this.#send(cached);
      return;
    }
    const n = m.words.length;
    const bits = new Uint8Array(n), bases = new Uint8Array(n), intensities = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const w = parsePulseWord(m.words[i]!);
      if (!w) { this.stats.corruptWords++; intensities[i] = 2; continue; } // a corrupt word fires no pulse
      bits[i] = w.bit; bases[i] = w.basis; intensities[i] = w.intensity;
    }
    // The channel of each frame is seeded by (seed, frameId): what a frame sees does not depend on
    // the order frames arrive in, so a run with losses and retries matches the clean run.
    const channel = createSimPhotonics(this.#o.photonics, this.#o.seed * 2 ** 32 + m.frameId);
    channel.tx.emit({ count: n, bits, bases, intensities });
    const d = channel.rx.collect();
    const { period, gateOffset, gateWidth } = this.#config;
    const clicks: Array<[number, number]> = [];
    const centre = gateOffset + gateWidth / 2, spread = gateWidth / 4;
    for (let i = 0; i < d.slots.length; i++) {
      const jitter = (this.#rand.uniform() + this.#rand.uniform() - 1) * spread;
      clicks.push([d.slots[i]! * period + Math.round(centre + jitter), d.bases[i]! * 2 + d.bits[i]!]);
    }
    const stray = this.#o.strayPerFrame ?? 2;
    for (let k = 0; k < stray; k++) {
      const slot = Math.floor(this.#rand.uniform() * n);
      const phase = (gateOffset + gateWidth + Math.floor(this.#rand.uniform() * (period - gateWidth))) % period;
      if (phase >= gateOffset && phase < gateOffset + gateWidth) continue;
      clicks.push([slot * period + phase, Math.floor(this.#rand.uniform() * 4)]);
    }
    clicks.sort((a, b) => a[0] - b[0]);
    const count = Math.min(clicks.length, HIL_MAX_DETECTIONS);
    const reply: HilMessage = {
      type: HilType.DETECTIONS, frameId: m.frameId,
      stamps: Uint32Array.from(clicks.slice(0, count), (c) => c[0] >>> 0), detectors: Uint8Array.from(clicks.slice(0, count), (c) => c[1]),
    };
    this.#cache.set(m.frameId, reply);
    if (this.#cache.size > 4096) this.#cache.delete(this.#cache.keys().next().value!);
    this.stats.emits++;
    this.#send(reply);
    this.#maybeMisbehave();
  }

  #maybeMisbehave(): void {
    const s = this.#faults.script;
    if (!s || this.#scriptDone || this.stats.emits < s.afterEmits) return;
    this.#scriptDone = true;
    const raw = (version: number) => encodeFrameRaw({ type: HilType.HEARTBEAT, seq: this.#seq++, timeUs: this.#now(), payload: encodeMessage({ type: HilType.HEARTBEAT, lastSeqSeen: 0 }) }, version);
    const wire = (r: Uint8Array) => { const c = cobsEncode(r); const out = new Uint8Array(c.length + 1); out.set(c); return out; };
    switch (s.kind) {
      case 'garbage': this.#o.transport.send(Uint8Array.of(0x13, 0x37, 0x00, 0x02, 0xff, 0x00)); break;
      case 'version': this.#o.transport.send(wire(raw(2))); break;
      case 'crc': { const r = raw(1); r[r.length - 1]! ^= 0x5a; this.#o.transport.send(wire(r)); break; }
      case 'timestamp': this.#send({ type: HilType.HEARTBEAT, lastSeqSeen: 0 }, this.#now() + 3_600_000_000); break;
      case 'unhealthy': this.#send({ type: HilType.HEALTH, temperatureCentiC: 9_500, lossCentiDb: 0, photonRate: 0, flags: 1 }); break;
      case 'silence': this.#silentUntilUs = this.#now() + (s.silenceMs ?? 2000) * 1000; break;
    }
  }
}

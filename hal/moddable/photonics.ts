/**
 * The photonics front end on a board, as an ECMA-419-style driver: one options object (the
 * trigger pin, the modulator and detector SPI buses, the slot timing, callbacks), `write()` a
 * pulse train, `read()` the detections, `close()`. The native pulse-timing module does the slot
 * work: the train becomes 16-bit modulator words (clocked out on the modulator bus) and laser
 * trigger edges (played on the trigger pin's timed output); the detector front end's FIFO
 * delivers clicks as (stamp u32, detector u8) records that the module bins into slots through
 * the gate. `tx()` and `rx()` give the PhotonicsTx / PhotonicsRx ports the core uses.
 */
import Digital from 'embedded:io/digital';
import SPI from 'embedded:io/spi';
import type { Detections, PhotonicsHealth, PhotonicsRx, PhotonicsTx, PulseTrain } from '../photonics.ts';
import { detectionsFromMasks } from '../../src/pulse/detections.ts';
import type { PulseKernel } from '../../src/pulse/kernel.ts';
import { xsPulseKernel } from './pulse.ts';

export interface PhotonicsOptions {
  readonly trigger: { readonly pin: number | string };
  readonly modulator: { readonly out: number | string; readonly clock: number | string; readonly select?: number | string; readonly hz: number };
  readonly detector: { readonly in: number | string; readonly out: number | string; readonly clock: number | string; readonly hz: number };
  /** Slot timing in timer ticks (ns): period, trigger delay and width, detection gate. */
  readonly slot: { readonly period: number; readonly delay: number; readonly width: number; readonly gateOffset: number; readonly gateWidth: number };
  /** 0 or 1 from the board's entropy (squashing of double clicks). */
  readonly randomBit: () => number;
  /** Pace the trigger edges in real time (default true); false clocks them out as fast as the bus goes. */
  readonly paced?: boolean;
  readonly kernel?: PulseKernel;
  readonly onReadable?: (this: Photonics, bytes: number) => void;
  readonly onWritable?: (this: Photonics) => void;
  readonly onError?: (this: Photonics, error: Error) => void;
}

/** Bytes per detector record in the front end's FIFO. */
const RECORD = 5;

export default class Photonics {
  static readonly SIGNAL = 0;
  static readonly DECOY = 1;
  static readonly VACUUM = 2;

  #o: PhotonicsOptions;
  #kernel: PulseKernel;
  #trigger: Digital | undefined;
  #modulator: SPI | undefined;
  #detector: SPI | undefined;
  #slots = 0;
  #error: Error | undefined;
  /** What the last write() did on the trigger's timed output (slots, ns, lateness). */
  lastPlay: { edges: number; elapsedNs: number; lateP50: number; lateP99: number; lateMax: number } | undefined;

  constructor(options: PhotonicsOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('"options" expected an object');
    const s = options.slot;
    if (!s || !(s.period >= 2) || !(s.gateWidth >= 1) || s.gateOffset + s.gateWidth > s.period || s.delay + s.width > s.period)
      throw new RangeError('"options.slot" expected period ≥ 2, a gate and a trigger pulse inside the period');
    if (typeof options.randomBit !== 'function') throw new TypeError('"options.randomBit" expected a function');
    this.#o = options;
    this.#kernel = options.kernel ?? xsPulseKernel();
    this.#trigger = new Digital({ pin: options.trigger.pin, mode: Digital.Output });
    this.#modulator = new SPI({ ...options.modulator });
    const self = this;
    this.#detector = new SPI({ ...options.detector, onReadable(count: number) { options.onReadable?.call(self, count); } });
    options.onWritable?.call(this);
  }

  /** Emits one frame: modulator words on the bus, then the trigger edges on the pin. */
  write(train: PulseTrain): void {
    const modulator = this.#live(this.#modulator), trigger = this.#live(this.#trigger);
    const { period, delay, width } = this.#o.slot;
    const s = this.#kernel.schedule(train.bits, train.bases, train.intensities, 0, { t0: 0, period, delay, width });
    const wire = new Uint8Array(2 * s.words.length);
    for (let i = 0; i < s.words.length; i++) { wire[2 * i] = s.words[i]! >> 8; wire[2 * i + 1] = s.words[i]! & 0xff; }
    modulator.write(wire);
    if (trigger.play) this.lastPlay = trigger.play(s.edges, this.#o.paced ?? true);
    else for (let i = 0; i < s.edges.length; i++) trigger.write((i & 1) ^ 1); // no timed output: best effort
    this.#slots = train.count;
    this.#o.onWritable?.call(this);
  }

  /** The detections of the last frame from the front end's FIFO (undefined when it is empty). */
  read(): Detections | undefined {
    const detector = this.#live(this.#detector);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buf = new Uint8Array(4096 * RECORD);
      const n = detector.read(buf);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
    }
    if (total === 0) return undefined;
    if (total % RECORD) return this.#fail(new Error(`photonics: detector FIFO holds ${total} bytes, not whole ${RECORD}-byte records`));
    const count = total / RECORD;
    const stamps = new Uint32Array(count), detectors = new Uint8Array(count);
    let k = 0, at = 0, chunk = 0;
    const next = () => { while (at >= chunks[chunk]!.length) { chunk++; at = 0; } return chunks[chunk]![at++]!; };
    for (; k < count; k++) {
      stamps[k] = ((next() << 24) | (next() << 16) | (next() << 8) | next()) >>> 0;
      detectors[k] = next();
    }
    const { period, gateOffset, gateWidth } = this.#o.slot;
    try {
      const bins = this.#kernel.bin(stamps, detectors, { t0: 0, period, gateOffset, gateWidth, slotCount: Math.max(1, this.#slots) });
      return detectionsFromMasks(bins.slots, bins.masks, this.#o.randomBit);
    } catch (e) {
      return this.#fail(e as Error);
    }
  }

  close(): void {
    this.#trigger?.close();
    this.#modulator?.close();
    this.#detector?.close();
    this.#trigger = this.#modulator = this.#detector = undefined;
  }

  health(): PhotonicsHealth {
    if (!this.#trigger) return { healthy: false, reason: 'closed' };
    if (this.#error) return { healthy: false, reason: this.#error.message };
    return { healthy: true };
  }

  /** The core's ports over this driver. */
  tx(): PhotonicsTx {
    return { emit: (train) => this.write(train), health: () => this.health() };
  }

  rx(): PhotonicsRx {
    return {
      collect: () => this.read() ?? { slots: new Uint32Array(0), bases: new Uint8Array(0), bits: new Uint8Array(0), doubleClicks: 0 },
      health: () => this.health(),
    };
  }

  #live<T>(io: T | undefined): T {
    if (!io) throw new Error('photonics: closed');
    if (this.#error) throw this.#error;
    return io;
  }

  #fail(e: Error): never {
    this.#error = e;
    this.#o.onError?.call(this, e);
    throw e;
  }
}

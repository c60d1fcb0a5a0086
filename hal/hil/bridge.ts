/**
 * The agent's side of the HIL rig: a Photonics backend (PhotonicsTx + PhotonicsRx, the same
 * shape as hal/sim) whose optical channel is a rig at the other end of a byte transport (UDP or
 * a serial line). The pulse kernel turns Alice's train into modulator words and bins the rig's
 * detector clicks into slots; nothing here decides key.
 *
 * Health is explicit: the bridge starts NOT_SYNCED and is healthy only after a clean sync
 * (HELLO with a fresh nonce, TIME_SYNC, CONFIGURE echoed). Any fault — garbage, a CRC failure,
 * another protocol version, a malformed message, a rig timestamp outside the sync window,
 * silence, a frame lost past every retry, a rig reporting itself unhealthy, a detection report
 * the kernel refuses — marks it unhealthy with a typed HilFault, fails the transfer in flight
 * (its detections are discarded: no key from it), and only another clean sync clears it.
 * Lost or late frames alone are not faults: a missing report is asked for again by re-sending
 * the same EMIT, which the rig answers from its cache without emitting the pulses twice.
 */
import type { Detections, PhotonicsHealth, PhotonicsRx, PhotonicsTx, PulseTrain } from '../photonics.ts';
import type { PulseKernel } from '../../src/pulse/kernel.ts';
import { detectionsFromMasks } from '../../src/pulse/detections.ts';
import { PulseError } from '../../src/pulse/errors.ts';
import { HilError, HilFault, HilFaultName, HilReject, HilRejectName } from './errors.ts';
import { decodeFrame, encodeFrame, FrameSplitter, HIL_MAX_PAYLOAD, HIL_MAX_TIME_US, HilType, type HilFrame } from './frame.ts';
import { decodeMessage, encodeMessage, HEALTH_DETECTORS_OK, HEALTH_LASER_OK, HIL_MAX_SLOTS, HilRole, type HilMessage } from './messages.ts';

/** A byte transport: datagrams or a stream, the framing copes with both. */
export interface HilTransport {
  send(bytes: Uint8Array): void;
  onData(listener: (bytes: Uint8Array) => void): void;
  close(): void;
}

/** The runtime's clock and timers (Node here; an XS host can provide the same two). */
export interface HilHost {
  /** Monotonic microseconds. */
  nowUs(): number;
  /** Calls `fn` once after `ms`; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}

export interface HilSlotConfig {
  /** Ticks (ns) per slot. */
  readonly period: number;
  readonly gateOffset: number;
  readonly gateWidth: number;
  /** Laser trigger within the slot. */
  readonly delay: number;
  readonly width: number;
}

export interface HilBridgeOptions {
  readonly transport: HilTransport;
  readonly host: HilHost;
  readonly kernel: PulseKernel;
  /** 0 or 1 from the agent's entropy (squashing of double clicks). */
  readonly randomBit: () => number;
  readonly slot: HilSlotConfig;
  readonly slotsPerFrame?: number;
  /** Frames in flight at once (default 4). */
  readonly window?: number;
  readonly retryMs?: number;
  readonly maxRetries?: number;
  readonly silenceMs?: number;
  readonly heartbeatMs?: number;
  /** How far ahead of our synced clock a rig timestamp may be, µs (default 500 ms). */
  readonly maxSkewUs?: number;
  /** How old a rig timestamp may be when it is read, µs (default 30 s: frames queue while the agent computes). */
  readonly maxAgeUs?: number;
  /** Rig temperature range considered healthy, °C. */
  readonly temperatureC?: readonly [number, number];
}

export class HilFaultError extends Error {
  readonly fault: HilFault;
  readonly detail: string;
  constructor(fault: HilFault, detail: string) {
    super(`hil bridge: ${HilFaultName[fault]}: ${detail}`);
    this.name = 'HilFaultError';
    this.fault = fault;
    this.detail = detail;
  }
}

export interface HilBridgeStats {
  framesSent: number;
  framesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  retransmits: number;
  duplicates: number;
  rejects: Record<string, number>;
  faults: Record<string, number>;
  syncs: number;
  /** Per frame that needed a retry: ms from its first EMIT to its report. */
  recoveryMs: number[];
  rig?: { temperatureC: number; lossDb: number; photonRate: number; flags: number };
  rttUs?: number;
  offsetUs?: number;
}

interface Waiter {
  match(m: HilMessage): boolean;
  resolve(m: HilMessage): void;
  reject(e: Error): void;
}

const REJECT_FAULT: Record<HilReject, HilFault> = {
  [HilReject.FRAMING]: HilFault.GARBAGE,
  [HilReject.TRUNCATED]: HilFault.GARBAGE,
  [HilReject.OVERSIZE]: HilFault.GARBAGE,
  [HilReject.CRC]: HilFault.CRC,
  [HilReject.VERSION]: HilFault.VERSION,
  [HilReject.TYPE]: HilFault.MALFORMED,
  [HilReject.LENGTH]: HilFault.MALFORMED,
  [HilReject.FIELD]: HilFault.MALFORMED,
};

export class HilPhotonics implements PhotonicsTx, PhotonicsRx {
  readonly stats: HilBridgeStats = {
    framesSent: 0, framesReceived: 0, bytesSent: 0, bytesReceived: 0, retransmits: 0, duplicates: 0, rejects: {}, faults: {}, syncs: 0, recoveryMs: [],
  };
  readonly #o: Required<HilBridgeOptions>;
  readonly #splitter = new FrameSplitter();
  #seq = 0;
  #peerSeq = -1;
  #nonce = 0;
  #emits = 0;
  #frameBase = 0;
  /** Smoothed report time and its deviation (ms), for the retry timeout (RFC 6298 style, Karn's rule). */
  #srtt = 0;
  #rttvar = 0;
  #fault: HilFault | undefined = HilFault.NOT_SYNCED;
  #faultDetail = 'not yet synchronised with the rig';
  #syncing = false;
  #offsetUs = 0;
  #lastHeardUs = 0;
  #waiters: Waiter[] = [];
  #train: PulseTrain | undefined;
  #detections: Detections | undefined;
  #stopWatchdog: (() => void) | undefined;
  #closed = false;

  constructor(options: HilBridgeOptions) {
    const spf = options.slotsPerFrame ?? 16_000;
    if (!Number.isInteger(spf) || spf < 1 || spf > HIL_MAX_SLOTS) throw new RangeError(`"slotsPerFrame" expected an integer in [1, ${HIL_MAX_SLOTS}], got ${spf}`);
    this.#o = {
      window: 4, retryMs: 100, maxRetries: 20, silenceMs: 1500, heartbeatMs: 200, maxSkewUs: 500_000, maxAgeUs: 30_000_000, temperatureC: [-20, 60],
      ...options, slotsPerFrame: spf,
    };
    options.transport.onData((bytes) => this.#onData(bytes));
    this.#lastHeardUs = this.#o.host.nowUs();
    this.#watchdog();
  }

  /** Why the bridge is unhealthy, as a typed fault (undefined when healthy). */
  get fault(): HilFault | undefined {
    return this.#fault;
  }

  health(): PhotonicsHealth {
    return this.#fault === undefined ? { healthy: true } : { healthy: false, reason: `${HilFaultName[this.#fault]}: ${this.#faultDetail}` };
  }

  /** A clean sync: HELLO, TIME_SYNC (best of 3), CONFIGURE echoed; clears the fault only if nothing went wrong. */
  async sync(): Promise<void> {
    if (this.#closed) throw new HilFaultError(HilFault.CLOSED, 'bridge closed');
    // a failed re-sync says so, and still names the fault that made it necessary
    const before = this.#fault === undefined ? '' : ` (before it: ${HilFaultName[this.#fault]}: ${this.#faultDetail})`;
    this.#syncing = true;
    this.#fault = HilFault.NOT_SYNCED;
    this.#faultDetail = 're-sync in progress';
    this.#failWaiters(new HilFaultError(HilFault.NOT_SYNCED, 're-sync started'));
    let clean = true;
    const guard = (e: Error) => { clean = false; throw e; };
    try {
      const nonce = (this.#nonce = (this.#nonce + 1) >>> 0);
      this.#peerSeq = -1; // a new session: the rig's numbering restarts at its HELLO
      const { period, gateOffset, gateWidth } = this.#o.slot;
      await this.#request({ type: HilType.HELLO, role: HilRole.AGENT, nonce, maxPayload: HIL_MAX_PAYLOAD },
        (m) => m.type === HilType.HELLO && m.role === HilRole.RIG && m.nonce === nonce).catch(guard);
      let best: { rtt: number; offset: number } | undefined;
      for (let i = 0; i < 3; i++) {
        const t1 = this.#o.host.nowUs();
        const r = await this.#request({ type: HilType.TIME_SYNC, t1, t2: 0, t3: 0 }, (m) => m.type === HilType.TIME_SYNC && m.t1 === t1).catch(guard);
        const t4 = this.#o.host.nowUs();
        if (r.type !== HilType.TIME_SYNC) continue;
        const rtt = t4 - t1 - (r.t3 - r.t2);
        const offset = (r.t2 - t1 + (r.t3 - t4)) / 2;
        if (!best || rtt < best.rtt) best = { rtt, offset };
      }
      this.#offsetUs = best!.offset;
      this.stats.rttUs = best!.rtt;
      this.stats.offsetUs = best!.offset;
      const conf = { type: HilType.CONFIGURE, period, gateOffset, gateWidth, slotsPerFrame: this.#o.slotsPerFrame } as const;
      await this.#request(conf, (m) => m.type === HilType.CONFIGURE && m.period === period && m.gateOffset === gateOffset &&
        m.gateWidth === gateWidth && m.slotsPerFrame === conf.slotsPerFrame).catch(guard);
      if (!clean || this.#fault !== HilFault.NOT_SYNCED) throw new HilFaultError(this.#fault ?? HilFault.NOT_SYNCED, this.#faultDetail);
      this.#fault = undefined;
      this.#faultDetail = '';
      this.#lastHeardUs = this.#o.host.nowUs();
      this.stats.syncs++;
    } catch (e) {
      if (e instanceof HilTimeout) {
        // every retry of a sync step went unanswered: the rig is silent, a typed fault like any other
        this.#fault = HilFault.SILENT;
        this.#faultDetail = `re-sync: the rig did not answer${before}`;
        this.stats.faults.SILENT = (this.stats.faults.SILENT ?? 0) + 1;
        throw new HilFaultError(HilFault.SILENT, this.#faultDetail);
      }
      if (this.#fault === HilFault.NOT_SYNCED) this.#faultDetail = `re-sync failed: ${(e as Error).message}${before}`;
      throw e;
    } finally {
      this.#syncing = false;
    }
  }

  /** PhotonicsTx: takes the train; `transfer()` sends it to the rig. */
  emit(train: PulseTrain): void {
    if (this.#fault !== undefined) throw new HilFaultError(this.#fault, this.#faultDetail);
    if (train.count > 256 * this.#o.slotsPerFrame) throw new RangeError(`"train.count" expected at most ${256 * this.#o.slotsPerFrame} slots, got ${train.count}`);
    this.#train = train;
    this.#detections = undefined;
    // Frame ids are (emit number, frame index): independent of timing and retries, so a rig can key its cache on them.
    this.#frameBase = (++this.#emits * 256) >>> 0;
  }

  /** Runs the emitted train through the rig, frame by frame; resolves with Bob's detections. */
  async transfer(): Promise<Detections> {
    const train = this.#train;
    if (!train) throw new Error('hil bridge: transfer() before emit()');
    this.#train = undefined;
    const spf = this.#o.slotsPerFrame;
    const frames = Math.ceil(train.count / spf);
    const slotParts: Uint32Array[] = new Array(frames);
    const maskParts: Uint8Array[] = new Array(frames);
    let next = 0;
    const worker = async () => {
      while (next < frames) {
        const f = next++;
        const first = f * spf, count = Math.min(spf, train.count - first);
        const bins = await this.#runFrame(train, first, count, (this.#frameBase + f) >>> 0);
        const slots = new Uint32Array(bins.slots.length);
        for (let i = 0; i < slots.length; i++) slots[i] = bins.slots[i]! + first;
        slotParts[f] = slots;
        maskParts[f] = bins.masks;
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.#o.window, frames) }, worker));
      if (this.#fault !== undefined) throw new HilFaultError(this.#fault, this.#faultDetail);
    } catch (e) {
      // Fail closed: the block cannot go on, so Alice's bits and bases are wiped here and now.
      next = frames;
      train.bits.fill(0);
      train.bases.fill(0);
      throw e;
    }
    const total = slotParts.reduce((a, s) => a + s.length, 0);
    const slots = new Uint32Array(total), masks = new Uint8Array(total);
    let at = 0;
    for (let f = 0; f < frames; f++) {
      slots.set(slotParts[f]!, at);
      masks.set(maskParts[f]!, at);
      at += slotParts[f]!.length;
    }
    this.#detections = detectionsFromMasks(slots, masks, this.#o.randomBit);
    return this.#detections;
  }

  /** PhotonicsRx: the detections of the last completed transfer (each is handed out once). */
  collect(): Detections {
    if (this.#fault !== undefined) throw new HilFaultError(this.#fault, this.#faultDetail);
    const d = this.#detections;
    if (!d) throw new Error('hil bridge: collect() before a completed transfer()');
    this.#detections = undefined;
    return d;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWatchdog?.();
    this.#setFault(HilFault.CLOSED, 'bridge closed');
    this.#o.transport.close();
  }

  // ---- internals

  /** The retry timeout of an EMIT, ms: srtt + 4·rttvar, at least retryMs, at most 2 s. */
  #rto(): number {
    return this.#srtt === 0 ? this.#o.retryMs * 4 : Math.min(2000, Math.max(this.#o.retryMs, this.#srtt + 4 * this.#rttvar));
  }

  async #runFrame(train: PulseTrain, first: number, count: number, frameId: number) {
    const { kernel, slot } = this.#o;
    const sched = kernel.schedule(train.bits.subarray(first, first + count), train.bases.subarray(first, first + count),
      train.intensities.subarray(first, first + count), first, { t0: 0, period: slot.period, delay: slot.delay, width: slot.width });
    const started = this.#o.host.nowUs();
    let tries = 0;
    for (;;) {
      if (this.#fault !== undefined) throw new HilFaultError(this.#fault, this.#faultDetail);
      if (tries > 0) this.stats.retransmits++;
      try {
        const r = await this.#request({ type: HilType.EMIT, frameId, firstSlot: first, words: sched.words },
          (m) => m.type === HilType.DETECTIONS && m.frameId === frameId, 1, this.#rto());
        if (r.type !== HilType.DETECTIONS) throw new Error('unreachable');
        const ms = (this.#o.host.nowUs() - started) / 1000;
        if (tries > 0) this.stats.recoveryMs.push(ms);
        else if (this.#srtt === 0) { this.#srtt = ms; this.#rttvar = ms / 2; }
        else { this.#rttvar = 0.75 * this.#rttvar + 0.25 * Math.abs(this.#srtt - ms); this.#srtt = 0.875 * this.#srtt + 0.125 * ms; }
        try {
          return kernel.bin(r.stamps, r.detectors, { t0: 0, period: slot.period, gateOffset: slot.gateOffset, gateWidth: slot.gateWidth, slotCount: count });
        } catch (e) {
          if (!(e instanceof PulseError)) throw e;
          this.#setFault(HilFault.DETECTIONS, `frame ${frameId}: ${e.message}`);
          throw new HilFaultError(HilFault.DETECTIONS, e.message);
        }
      } catch (e) {
        if (!(e instanceof HilTimeout)) throw e;
        if (++tries > this.#o.maxRetries) {
          this.#setFault(HilFault.LOSS, `frame ${frameId}: no detections after ${tries} tries`);
          throw new HilFaultError(HilFault.LOSS, `frame ${frameId}`);
        }
      }
    }
  }

  /** Sends `m` and waits for the first message matching; retries on timeout `attempts` times, then throws HilTimeout. */
  async #request(m: HilMessage, match: (r: HilMessage) => boolean, attempts = 10, timeoutMs = this.#o.retryMs): Promise<HilMessage> {
    for (let a = 0; ; a++) {
      try {
        return await new Promise<HilMessage>((resolve, reject) => {
          const w: Waiter = { match, resolve: (r) => { cancel(); resolve(r); }, reject: (e) => { cancel(); reject(e); } };
          const cancel = this.#o.host.setTimer(timeoutMs, () => {
            this.#waiters = this.#waiters.filter((x) => x !== w);
            reject(new HilTimeout());
          });
          this.#waiters.push(w);
          this.#send(m);
        });
      } catch (e) {
        if (!(e instanceof HilTimeout) || a + 1 >= attempts) throw e;
      }
    }
  }

  #send(m: HilMessage): void {
    if (this.#closed) return;
    const bytes = encodeFrame({ type: m.type, seq: this.#seq, timeUs: Math.min(HIL_MAX_TIME_US, Math.max(0, Math.round(this.#o.host.nowUs()))), payload: encodeMessage(m) });
    this.#seq = (this.#seq + 1) >>> 0;
    this.stats.framesSent++;
    this.stats.bytesSent += bytes.length;
    this.#o.transport.send(bytes);
  }

  #onData(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.stats.bytesReceived += bytes.length;
    this.#splitter.push(bytes, (chunk) => this.#onChunk(chunk), () => this.#reject(HilReject.OVERSIZE, 'bytes without a delimiter'));
  }

  #reject(reason: HilReject, detail: string): void {
    const name = HilRejectName[reason];
    this.stats.rejects[name] = (this.stats.rejects[name] ?? 0) + 1;
    this.#setFault(REJECT_FAULT[reason], `${name}: ${detail}`);
  }

  #onChunk(chunk: Uint8Array): void {
    let frame: HilFrame, m: HilMessage;
    try {
      frame = decodeFrame(chunk);
      m = decodeMessage(frame.type, frame.payload);
    } catch (e) {
      if (e instanceof HilError) return this.#reject(e.reason, e.detail);
      throw e;
    }
    this.stats.framesReceived++;
    const now = this.#o.host.nowUs();
    // A HELLO from the rig starts its numbering afresh; otherwise sequence numbers only go up.
    if (m.type === HilType.HELLO) this.#peerSeq = frame.seq;
    else if (this.#peerSeq >= 0 && frame.seq <= this.#peerSeq) { this.stats.duplicates++; return; }
    else this.#peerSeq = frame.seq;
    this.#lastHeardUs = now;
    if (this.#fault === undefined && m.type !== HilType.TIME_SYNC && m.type !== HilType.HELLO) {
      const skew = frame.timeUs - (now + this.#offsetUs);
      if (skew > this.#o.maxSkewUs || -skew > this.#o.maxAgeUs) return this.#setFault(HilFault.TIMESTAMP, `rig time ${frame.timeUs} µs is ${Math.round(skew)} µs off the synced clock`);
    }
    if (m.type === HilType.HEALTH) {
      this.stats.rig = { temperatureC: m.temperatureCentiC / 100, lossDb: m.lossCentiDb / 100, photonRate: m.photonRate, flags: m.flags };
      const [lo, hi] = this.#o.temperatureC;
      const t = m.temperatureCentiC / 100;
      if ((m.flags & (HEALTH_LASER_OK | HEALTH_DETECTORS_OK)) !== 3 || t < lo || t > hi)
        this.#setFault(HilFault.RIG_UNHEALTHY, `rig reports flags=${m.flags}, ${t} °C`);
      return;
    }
    if (this.#fault !== undefined && !this.#syncing) return; // faulted: only a sync listens
    const i = this.#waiters.findIndex((w) => w.match(m));
    if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(m);
    else if (m.type === HilType.DETECTIONS) this.stats.duplicates++;
  }

  #setFault(fault: HilFault, detail: string): void {
    const name = HilFaultName[fault];
    this.stats.faults[name] = (this.stats.faults[name] ?? 0) + 1;
    if (this.#fault === undefined || this.#fault === HilFault.NOT_SYNCED) {
      this.#fault = fault;
      this.#faultDetail = detail;
    }
    if (!this.#syncing || fault !== HilFault.NOT_SYNCED) this.#failWaiters(new HilFaultError(fault, detail));
  }

  #failWaiters(e: Error): void {
    const ws = this.#waiters;
    this.#waiters = [];
    for (const w of ws) w.reject(e);
  }

  #watchdog(): void {
    let due = this.#o.host.nowUs() + this.#o.heartbeatMs * 1000;
    const tick = () => {
      if (this.#closed) return;
      const now = this.#o.host.nowUs();
      const silentMs = (now - this.#lastHeardUs) / 1000;
      // A tick that comes late means we were busy (post-processing): what the rig sent meanwhile
      // is still queued, so silence is judged only on a tick that came on time.
      const onTime = now - due < this.#o.heartbeatMs * 1000;
      if (this.#fault === undefined) {
        this.#send({ type: HilType.HEARTBEAT, lastSeqSeen: Math.max(0, this.#peerSeq) >>> 0 });
        if (onTime && silentMs > this.#o.silenceMs) this.#setFault(HilFault.SILENT, `nothing from the rig for ${Math.round(silentMs)} ms`);
      }
      due = now + this.#o.heartbeatMs * 1000;
      this.#stopWatchdog = this.#o.host.setTimer(this.#o.heartbeatMs, tick);
    };
    this.#stopWatchdog = this.#o.host.setTimer(this.#o.heartbeatMs, tick);
  }
}

class HilTimeout extends Error {}

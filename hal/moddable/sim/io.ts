/**
 * Desktop stand-ins for embedded:io/digital and embedded:io/spi inside lvxs, over the simulated
 * peripheral of native/host/io.c: the same constructor options and methods as the boards', plus
 * what a test needs from the far end (inject() the detector front end's bytes, records() of
 * every edge and word with its nanosecond). The bundler maps the embedded:io names here.
 */
const Base = Native('xs_lv_io_destructor');
const open = native('xs_lv_io_open'), write = native('xs_lv_io_write'), read = native('xs_lv_io_read'), pending = native('xs_lv_io_pending');
const inject = native('xs_lv_io_inject'), records = native('xs_lv_io_records'), play = native('xs_lv_io_play'), close = native('xs_lv_io_close');

/** Every recorded edge or word: tick (ns, wraps at 2^32) and value. */
function recordsOf(self: object, max: number): { ticks: Uint32Array; values: Uint32Array } {
  const buf = new Uint32Array(2 * max);
  const n = records.call(self, new Uint8Array(buf.buffer)) as number;
  const ticks = new Uint32Array(n), values = new Uint32Array(n);
  for (let i = 0; i < n; i++) { ticks[i] = buf[2 * i]!; values[i] = buf[2 * i + 1]!; }
  return { ticks, values };
}

/** The stand-ins opened so far, by pin (digital) or data-out pin (SPI): how a test reaches the far end. */
export const simPeripherals = new Map<number | string, SimDigital | SimSPI>();

export class SimDigital extends Base {
  static readonly Input = 0;
  static readonly Output = 1;
  constructor(options: { pin: number | string; mode: number }) {
    super();
    if (typeof options !== 'object' || options === null || options.pin === undefined) throw new TypeError('"options.pin" expected');
    open.call(this, 0);
    simPeripherals.set(options.pin, this);
  }
  read(): number { return read.call(this) as number; }
  write(value: number): void { write.call(this, value); }
  close(): void { close.call(this); }
  play(edges: Uint32Array, paced: boolean) {
    const r = new Uint32Array(6);
    play.call(this, new Uint8Array(edges.buffer, edges.byteOffset, edges.byteLength), paced, new Uint8Array(r.buffer));
    return { edges: r[0]!, elapsedNs: r[1]! + r[2]! * 2 ** 32, lateP50: r[3]!, lateP99: r[4]!, lateMax: r[5]! };
  }
  records(max = 1 << 20) { return recordsOf(this, max); }
}

export class SimSPI extends Base {
  readonly #onReadable: ((count: number) => void) | undefined;
  constructor(options: { out: number | string; clock: number | string; hz: number; onReadable?: (count: number) => void }) {
    super();
    if (typeof options !== 'object' || options === null || typeof options.hz !== 'number') throw new TypeError('"options.hz" expected');
    open.call(this, 1);
    this.#onReadable = options.onReadable;
    simPeripherals.set(options.out, this);
  }
  read(buffer: ArrayBufferView): number {
    return read.call(this, new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)) as number;
  }
  write(buffer: ArrayBufferView): void {
    write.call(this, new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  }
  close(): void { close.call(this); }
  /** The far end: bytes arrive in the receive FIFO, and onReadable fires as an interrupt would. */
  inject(bytes: Uint8Array): void {
    inject.call(this, bytes);
    this.#onReadable?.call(this, pending.call(this) as number);
  }
  records(max = 1 << 20) { return recordsOf(this, max); }
}

/**
 * HIL transports on our XS host (hal/hil/bridge.ts HilTransport): UDP to one peer
 * (native/host/udp.c) and a serial line in raw mode (native/host/serial.c), both read by the
 * XS host's event loop (hal/xs/hil-loop.ts) through pump(). The wire is the bridge's: one
 * COBS-framed frame per datagram, or a byte stream the frame splitter cuts at the delimiters.
 * On a board these are Moddable's embedded:io UDP socket and serial port.
 */
import { checkBytes, checkInteger } from '../../src/_check.ts';
import type { HilTransport } from '../hil/bridge.ts';
import { HIL_MAX_WIRE } from '../hil/frame.ts';
import type { LoopSource } from './hil-loop.ts';

/** The largest UDP payload (IPv4). */
const UDP_MAX_DATAGRAM = 65_507;

const UdpBase = Native('xs_lv_udp_destructor');
const udpOpen = native('xs_lv_udp_open'), udpPort = native('xs_lv_udp_port'), udpSend = native('xs_lv_udp_send');
const udpReceive = native('xs_lv_udp_receive'), udpClose = native('xs_lv_udp_close');

/** A UDP transport bound on 127.0.0.1 (or `host`) to one peer; datagrams from anyone else never reach it. */
export class XsUdpHilTransport extends UdpBase implements HilTransport, LoopSource {
  readonly #listeners: Array<(bytes: Uint8Array) => void> = [];
  /** One frame per datagram: nothing longer than the longest frame is a frame (RAM matters on a board). */
  readonly #buffer = new Uint8Array(HIL_MAX_WIRE);
  #open = true;
  /** Datagrams the kernel refused to send (no buffer, the peer's port closed). */
  sendDropped = 0;
  /** Datagrams longer than any frame, delivered cut short (without the delimiter: the bridge calls them garbage). */
  oversize = 0;

  constructor(options: { peer: { address: string; port: number }; port?: number; host?: string }) {
    super();
    const port = checkInteger('options.port', options.port ?? 0, 0, 65_535);
    const peerPort = checkInteger('options.peer.port', options.peer.port, 1, 65_535);
    udpOpen.call(this, options.host ?? '127.0.0.1', port, options.peer.address, peerPort);
  }

  get port(): number {
    return udpPort.call(this) as number;
  }

  send(bytes: Uint8Array): void {
    if (!this.#open) return;
    if (checkBytes('bytes', bytes).length > UDP_MAX_DATAGRAM) throw new RangeError(`"bytes" expected at most ${UDP_MAX_DATAGRAM} bytes, got ${bytes.length}`);
    if (!(udpSend.call(this, bytes) as boolean)) this.sendDropped++;
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.#listeners.push(listener);
  }

  pump(timeoutMs: number): boolean {
    let any = false;
    for (let wait = timeoutMs; this.#open; wait = 0) {
      const n = udpReceive.call(this, this.#buffer, wait) as number;
      if (n < 0) break;
      any = true;
      if (n > this.#buffer.length) this.oversize++;
      const datagram = this.#buffer.slice(0, Math.min(n, this.#buffer.length));
      for (const l of this.#listeners) l(datagram);
    }
    return any;
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    udpClose.call(this);
  }
}

const SerialBase = Native('xs_lv_serial_destructor');
const serialOpen = native('xs_lv_serial_open'), serialWrite = native('xs_lv_serial_write');
const serialRead = native('xs_lv_serial_read'), serialClose = native('xs_lv_serial_close');

/** A serial line (a tty in raw mode, 8N1). */
export class XsSerialHilTransport extends SerialBase implements HilTransport, LoopSource {
  readonly #listeners: Array<(bytes: Uint8Array) => void> = [];
  readonly #buffer = new Uint8Array(16_384);
  #open = true;

  constructor(options: { path: string; baud?: number }) {
    super();
    if (typeof options?.path !== 'string' || options.path === '') throw new TypeError('"options.path" expected a tty path');
    serialOpen.call(this, options.path, options.baud ?? 921_600);
  }

  send(bytes: Uint8Array): void {
    if (!this.#open) return;
    serialWrite.call(this, checkBytes('bytes', bytes));
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.#listeners.push(listener);
  }

  pump(timeoutMs: number): boolean {
    let any = false;
    for (let wait = timeoutMs; this.#open; wait = 0) {
      const n = serialRead.call(this, this.#buffer, wait) as number;
      if (n <= 0) break;
      any = true;
      const chunk = this.#buffer.slice(0, n);
      for (const l of this.#listeners) l(chunk);
    }
    return any;
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    serialClose.call(this);
  }
}

/** The agent's transport to the rig by its options (sim/rig/*.xs.ts take them as JSON). */
export function openXsHilTransport(o: { transport: string; port?: number; path?: string }): HilTransport & LoopSource {
  if (o.transport === 'udp') return new XsUdpHilTransport({ peer: { address: '127.0.0.1', port: o.port! } });
  if (o.transport === 'serial') return new XsSerialHilTransport({ path: o.path! });
  throw new TypeError(`"transport" expected "udp" or "serial", got ${String(o.transport)}`);
}

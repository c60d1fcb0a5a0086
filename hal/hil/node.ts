/**
 * Node transports and host of the HIL bridge: UDP (one COBS frame per datagram, to a fixed
 * peer) and a serial line (serialport; on CI a socat pseudo-terminal pair), and the Node clock
 * and timers. Both the agent (hal/hil/bridge.ts) and the rig emulator (sim/rig) use them.
 */
import { createSocket, type Socket } from 'node:dgram';
import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SerialPort } from 'serialport';
import type { HilHost, HilTransport } from './bridge.ts';

export const nodeHilHost: HilHost = {
  // µs since this process started: monotonic, far from the u48 limit; TIME_SYNC learns the peer's offset.
  nowUs: () => Math.floor(performance.now() * 1000),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** A UDP transport. With no `peer`, it answers whoever sent the last datagram (the rig's side). */
export class UdpHilTransport implements HilTransport {
  readonly #socket: Socket;
  #peer: { address: string; port: number } | undefined;
  #listeners: Array<(b: Uint8Array) => void> = [];
  /** The last error the socket reported (e.g. ICMP port unreachable), for diagnostics. */
  lastError: Error | undefined;

  private constructor(socket: Socket, peer?: { address: string; port: number }) {
    this.#socket = socket;
    this.#peer = peer;
    // an unheard 'error' event would end the process; a lost datagram is the bridge's to notice
    socket.on('error', (e) => { this.lastError = e; });
    socket.on('message', (msg, rinfo) => {
      if (!peer) this.#peer = { address: rinfo.address, port: rinfo.port };
      else if (rinfo.port !== peer.port || rinfo.address !== peer.address) return; // not our rig
      const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
      for (const l of this.#listeners) l(bytes);
    });
  }

  static async open(options: { port?: number; host?: string; peer?: { address: string; port: number } }): Promise<UdpHilTransport> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 0, options.host ?? '127.0.0.1', () => { socket.off('error', reject); resolve(); });
    });
    socket.setRecvBufferSize(4 << 20);
    socket.setSendBufferSize(4 << 20);
    return new UdpHilTransport(socket, options.peer);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  send(bytes: Uint8Array): void {
    if (this.#peer) this.#socket.send(bytes, this.#peer.port, this.#peer.address);
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.#listeners.push(listener);
  }

  close(): void {
    try { this.#socket.close(); } catch { /* already closed */ }
  }
}

/** A serial line's error that closing it causes: the pending read, "Canceled" (serialport's flag). */
export function expectedOnClose(closing: boolean, e: Error & { canceled?: boolean }): boolean {
  return closing && e.canceled === true;
}

/** How soon a write the line refused (EAGAIN) is tried again: 1 ms, doubling to 8 ms while it stays full. */
const RETRY_MIN_MS = 1;
const RETRY_MAX_MS = 8;
/** The most bytes a serial line holds for a far end that is not reading (a HIL frame is ~20 KiB). */
const MAX_QUEUED_BYTES = 32 << 20;

/**
 * A serial-line transport (raw bytes; the COBS delimiters find the frames).
 *
 * Reads go through serialport; writes do not. serialport's Linux poller (@serialport/bindings-cpp
 * 13) restarts its uv_poll with only the event last asked for, so a write that meets a full line
 * (EAGAIN, then "wait for writable") stops the watch for readable until the line drains. If the
 * far end is itself blocked writing to us (socat is, with one blocking thread for both directions),
 * the line never drains: both sides sat idle in epoll_wait with bytes waiting, socat in
 * n_tty_write, and a clean session ended in LOSS (hil-e2e, about one run in 15 on a busy box). So
 * `send` writes to the non-blocking descriptor itself, queues what the line did not take, and
 * retries on a short timer; the poller is only ever asked for readable.
 */
export class SerialHilTransport implements HilTransport {
  readonly #port: SerialPort;
  #closing = false;
  /** Bytes the line has not taken yet, oldest first; `#sent` of the first are written. */
  #queue: Uint8Array[] = [];
  #sent = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #backoffMs = RETRY_MIN_MS;
  /** The last error the line reported (a vanished device, a failed write), for diagnostics. */
  lastError: Error | undefined;

  private constructor(port: SerialPort) {
    this.#port = port;
    // Without a listener an 'error' event ends the process. Closing with a read pending reports
    // "Canceled", which is expected; any other error leaves the line silent, and the bridge's
    // timeouts turn silence into its typed fault (SILENT), as for a rig that stopped answering.
    port.on('error', (e: Error & { canceled?: boolean }) => {
      if (!expectedOnClose(this.#closing, e)) this.lastError = e;
    });
  }

  static async open(path: string, baudRate = 921_600): Promise<SerialHilTransport> {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    return new SerialHilTransport(port);
  }

  /** Bytes queued for the line and not written yet (0 once it has taken everything). */
  get pendingBytes(): number {
    let n = -this.#sent;
    for (const b of this.#queue) n += b.length;
    return n;
  }

  send(bytes: Uint8Array): void {
    if (this.#closing) return;
    if (this.pendingBytes + bytes.length > MAX_QUEUED_BYTES) {
      // a line that takes nothing must not take the memory instead: the frame is lost, and the
      // bridge's retries and timeouts deal with lost frames
      this.lastError = new Error(`serial line: ${this.pendingBytes} bytes not taken yet; a frame of ${bytes.length} dropped`);
      return;
    }
    // a copy: the caller may reuse its buffer once send returns, and the line may take it later
    this.#queue.push(bytes.slice());
    if (this.#retry === undefined) this.#flush();
  }

  /** Writes queued bytes until the line is full (EAGAIN: try again shortly) or the queue is empty. */
  #flush = (): void => {
    this.#retry = undefined;
    const fd = (this.#port.port as { fd?: number | null } | undefined)?.fd;
    if (this.#closing || typeof fd !== 'number') { this.#drop(); return; }
    while (this.#queue.length) {
      const head = this.#queue[0]!;
      let n: number;
      try {
        n = writeSync(fd, head, this.#sent, head.length - this.#sent);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR') {
          this.#retry = setTimeout(this.#flush, this.#backoffMs);
          this.#backoffMs = Math.min(RETRY_MAX_MS, this.#backoffMs * 2);
          return;
        }
        // a line that fails a write is a silent line to the bridge (see the constructor)
        this.lastError = e instanceof Error ? e : new Error(String(e));
        this.#drop();
        return;
      }
      this.#backoffMs = RETRY_MIN_MS;
      this.#sent += n;
      if (this.#sent === head.length) {
        this.#queue.shift();
        this.#sent = 0;
      }
    }
  };

  #drop(): void {
    this.#queue = [];
    this.#sent = 0;
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.#port.on('data', (b: Buffer) => listener(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
  }

  close(): void {
    this.#closing = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#drop();
    if (this.#port.isOpen) this.#port.close();
  }
}

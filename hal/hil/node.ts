/**
 * Node transports and host of the HIL bridge: UDP (one COBS frame per datagram, to a fixed
 * peer) and a serial line (serialport; on CI a socat pseudo-terminal pair), and the Node clock
 * and timers. Both the agent (hal/hil/bridge.ts) and the rig emulator (sim/rig) use them.
 */
import { createSocket, type Socket } from 'node:dgram';
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

/** A serial-line transport (raw bytes; the COBS delimiters find the frames). */
export class SerialHilTransport implements HilTransport {
  readonly #port: SerialPort;
  #closing = false;
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

  send(bytes: Uint8Array): void {
    this.#port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.#port.on('data', (b: Buffer) => listener(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
  }

  close(): void {
    this.#closing = true;
    if (this.#port.isOpen) this.#port.close();
  }
}

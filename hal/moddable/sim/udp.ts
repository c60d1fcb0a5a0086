/**
 * embedded:io/socket/udp on the desktop (lvxs): an in-memory network on 127.0.0.1 where sockets
 * find each other by port and datagrams are delivered at once (onReadable fires as a board's
 * socket would). Enough to run hal/moddable/udp-link.ts unchanged; the real UDP path is tested
 * on Node (hal/hil/node.ts) and on boards.
 */
const sockets = new Map<number, SimUDP>();
let nextPort = 50_000;

type Packet = ArrayBuffer & { address: string; port: number };

export default class SimUDP {
  readonly port: number;
  readonly #inbox: Packet[] = [];
  readonly #onReadable: ((this: SimUDP, count: number) => void) | undefined;

  constructor(options: { port?: number; onReadable?: (this: SimUDP, count: number) => void }) {
    this.port = options.port ?? nextPort++;
    if (sockets.has(this.port)) throw new Error(`udp: port ${this.port} in use`);
    sockets.set(this.port, this);
    this.#onReadable = options.onReadable;
  }

  read(): Packet | undefined {
    return this.#inbox.shift();
  }

  write(buffer: ArrayBufferView | ArrayBuffer, address: string, port: number): void {
    const to = address === '127.0.0.1' ? sockets.get(port) : undefined;
    if (!to) return; // nobody listening: UDP drops it
    const bytes = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
    const packet = bytes.slice().buffer as Packet;
    packet.address = '127.0.0.1';
    packet.port = this.port;
    to.#inbox.push(packet);
    to.#onReadable?.call(to, to.#inbox.length);
  }

  close(): void {
    sockets.delete(this.port);
  }
}

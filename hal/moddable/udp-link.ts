/**
 * Link port on a board: classical datagrams over an ECMA-419 UDP socket (embedded:io/socket/udp)
 * to one peer. Datagrams from anyone else are dropped (the QKD and QSP layers authenticate what
 * they accept anyway; this only keeps strangers out of the queue). A serial radio would give the
 * same port shape over embedded:io/serial with the HIL framing (hal/hil/cobs.ts).
 */
import UDP from 'embedded:io/socket/udp';
import { checkBytes } from '../../src/_check.ts';
import type { Link } from '../link.ts';

export interface UdpLinkOptions {
  readonly port: number;
  readonly peer: { readonly address: string; readonly port: number };
  /** Largest datagram to send (default 1,400: one Ethernet/Wi-Fi frame without fragmentation). */
  readonly maxDatagram?: number;
  /** Datagrams kept before the oldest is dropped (default 64: bounded RAM). */
  readonly queue?: number;
}

export class ModdableUdpLink implements Link {
  readonly maxDatagram: number;
  onReadable?: (this: Link) => void;
  readonly #peer: { readonly address: string; readonly port: number };
  readonly #queue: Uint8Array[] = [];
  readonly #limit: number;
  #socket: UDP | undefined;
  /** Datagrams dropped: from strangers, or past the queue limit. */
  dropped = 0;

  constructor(options: UdpLinkOptions) {
    this.#peer = options.peer;
    this.maxDatagram = options.maxDatagram ?? 1400;
    this.#limit = options.queue ?? 64;
    const self = this;
    this.#socket = new UDP({
      port: options.port,
      onReadable(count: number) {
        for (let i = 0; i < count; i++) {
          const p = this.read();
          if (!p) break;
          if (p.address !== self.#peer.address || p.port !== self.#peer.port) { self.dropped++; continue; }
          if (self.#queue.length >= self.#limit) { self.#queue.shift(); self.dropped++; }
          self.#queue.push(new Uint8Array(p));
        }
        self.onReadable?.call(self);
      },
    });
  }

  send(datagram: Uint8Array): void {
    checkBytes('datagram', datagram);
    if (datagram.length > this.maxDatagram) throw new RangeError(`"datagram" expected at most ${this.maxDatagram} bytes, got ${datagram.length}`);
    if (!this.#socket) throw new Error('link: send after close');
    this.#socket.write(datagram, this.#peer.address, this.#peer.port);
  }

  receive(): Uint8Array | undefined {
    return this.#queue.shift();
  }

  close(): void {
    this.#socket?.close();
    this.#socket = undefined;
  }
}

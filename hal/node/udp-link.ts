/**
 * Link port over UDP on the loopback interface, for the simulator and `npm run qsp`: datagrams
 * both ways through node:dgram, with configurable loss, duplication and reordering applied on send
 * (seeded, so a run's faults replay). Loopback only: binding or sending anywhere else is refused.
 * The remote is fixed, or learnt from the first datagram received (a server waiting for a client).
 */
import { createSocket, type Socket } from 'node:dgram';
import { PhysicsRandom } from '../sim/prng.ts';
import { checkInteger, checkObject, checkProbability } from '../../src/_check.ts';
import type { Link } from '../link.ts';

export const UDP_MAX_DATAGRAM = 65507;
const LOOPBACK = '127.0.0.1';

export interface UdpFaults {
  /** Probability a datagram is dropped. */
  readonly loss?: number;
  /** Probability a datagram is sent twice. */
  readonly duplicate?: number;
  /** Probability a datagram is held back and sent after the next one (or after `holdMs`). */
  readonly reorder?: number;
  readonly holdMs?: number;
  readonly seed?: number;
}

export interface UdpLinkOptions extends UdpFaults {
  /** Local port (0: any). */
  readonly port?: number;
  /** The peer's port; when absent, the sender of the first datagram received. */
  readonly remotePort?: number;
}

export class UdpLink implements Link {
  readonly maxDatagram = UDP_MAX_DATAGRAM;
  onReadable?: (this: Link) => void;
  readonly counters = { sent: 0, lost: 0, duplicated: 0, reordered: 0, received: 0 };
  private readonly inbox: Uint8Array[] = [];
  private remotePort: number | undefined;
  private held: { datagram: Uint8Array; timer: ReturnType<typeof setTimeout> } | undefined;
  private faults: Required<Omit<UdpFaults, 'seed'>> = { loss: 0, duplicate: 0, reorder: 0, holdMs: 5 };
  private readonly random: PhysicsRandom;
  private closed = false;
  /** The last error the socket reported (e.g. ICMP port unreachable): a lost datagram, QSP's to handle. */
  lastError: Error | undefined;

  private constructor(private readonly socket: Socket, options: UdpLinkOptions) {
    this.remotePort = options.remotePort;
    this.random = new PhysicsRandom(options.seed ?? 1, 'udp-link-faults');
    this.setFaults(options);
    // without a listener an 'error' event would end the process
    socket.on('error', (e) => { this.lastError = e; });
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address !== LOOPBACK) return; // loopback only
      if (this.remotePort === undefined) this.remotePort = rinfo.port;
      if (rinfo.port !== this.remotePort) return;
      this.counters.received++;
      this.inbox.push(new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
      this.onReadable?.call(this);
    });
  }

  static open(options: UdpLinkOptions = {}): Promise<UdpLink> {
    checkObject('options', options, ['port', 'remotePort', 'loss', 'duplicate', 'reorder', 'holdMs', 'seed']);
    const port = checkInteger('options.port', options.port ?? 0, 0, 65535);
    if (options.remotePort !== undefined) checkInteger('options.remotePort', options.remotePort, 1, 65535);
    for (const k of ['loss', 'duplicate', 'reorder'] as const) if (options[k] !== undefined) checkProbability(k, options[k]);
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, LOOPBACK, () => {
        socket.off('error', reject);
        resolve(new UdpLink(socket, options));
      });
    });
  }

  get localPort(): number {
    return this.socket.address().port;
  }

  /** Changes the fault model (e.g. a clean handshake, then a lossy data phase). */
  setFaults(faults: UdpFaults): void {
    this.faults = {
      loss: checkProbability('loss', faults.loss ?? 0),
      duplicate: checkProbability('duplicate', faults.duplicate ?? 0),
      reorder: checkProbability('reorder', faults.reorder ?? 0),
      holdMs: checkInteger('holdMs', faults.holdMs ?? 5, 0, 10_000),
    };
  }

  /**
   * The peer's address as bytes, IPv4(4) ‖ port(2) big-endian, for what binds to where a datagram
   * came from (QSP cookies under load: session.receive's `from`); undefined before a peer is known.
   */
  get peerAddress(): Uint8Array | undefined {
    if (this.remotePort === undefined) return undefined;
    return Uint8Array.of(127, 0, 0, 1, this.remotePort >>> 8, this.remotePort & 0xff);
  }

  send(datagram: Uint8Array): void {
    if (this.closed) throw new Error('link: send after close');
    if (datagram.length > UDP_MAX_DATAGRAM) throw new RangeError(`"datagram" expected at most ${UDP_MAX_DATAGRAM} bytes, got ${datagram.length}`);
    if (this.remotePort === undefined) throw new Error('link: no remote yet (nothing received)');
    if (this.random.uniform() < this.faults.loss) {
      this.counters.lost++;
      return;
    }
    const copies = this.random.uniform() < this.faults.duplicate ? 2 : 1;
    if (copies === 2) this.counters.duplicated++;
    if (!this.held && this.random.uniform() < this.faults.reorder) {
      this.counters.reordered++;
      const copy = datagram.slice();
      this.held = { datagram: copy, timer: setTimeout(() => this.releaseHeld(), this.faults.holdMs) };
      if (copies === 2) this.transmit(datagram);
      return;
    }
    for (let i = 0; i < copies; i++) this.transmit(datagram);
    this.releaseHeld(); // the held one now arrives after this one
  }

  private releaseHeld(): void {
    if (!this.held) return;
    clearTimeout(this.held.timer);
    const { datagram } = this.held;
    this.held = undefined;
    if (!this.closed) this.transmit(datagram);
  }

  private transmit(datagram: Uint8Array): void {
    this.counters.sent++;
    this.socket.send(datagram, this.remotePort!, LOOPBACK);
  }

  receive(): Uint8Array | undefined {
    return this.inbox.shift();
  }

  close(): void {
    if (this.closed) return;
    this.releaseHeld();
    this.closed = true;
    this.inbox.length = 0;
    this.socket.close();
  }
}

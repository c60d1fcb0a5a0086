/**
 * Link port, simulated: two ends joined by in-memory FIFO queues. Delivery is perfect here;
 * loss, duplication and reordering belong to the simulator's fault models.
 */
import { checkBytes, checkInteger } from '../../src/_check.ts';
import type { Link } from '../link.ts';

class QueueLink implements Link {
  readonly inbox: Uint8Array[] = [];
  peer: QueueLink | undefined;
  onReadable?: (this: Link) => void;
  private closed = false;

  constructor(readonly maxDatagram: number) {}

  send(datagram: Uint8Array): void {
    if (this.closed) throw new Error('link: send after close');
    checkBytes('datagram', datagram);
    if (datagram.length > this.maxDatagram)
      throw new RangeError(`"datagram" expected at most ${this.maxDatagram} bytes, got ${datagram.length}`);
    const peer = this.peer!;
    if (peer.closed) return; // a closed peer drops, as a real link would
    peer.inbox.push(datagram.slice());
    peer.onReadable?.call(peer);
  }

  receive(): Uint8Array | undefined {
    return this.inbox.shift();
  }

  close(): void {
    this.closed = true;
    this.inbox.length = 0;
  }
}

/** Two connected ends. */
export function createLinkPair(maxDatagram = 1 << 20): [Link, Link] {
  checkInteger('maxDatagram', maxDatagram, 1);
  const a = new QueueLink(maxDatagram);
  const b = new QueueLink(maxDatagram);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/**
 * Link port on the XS host over its stdin/stdout (native/host/stdio.c): each datagram is one
 * length-prefixed record, so the peer is the process that started the host (Node, in the live
 * Node ↔ XS QSP run: sim/qsp-live.ts). The pipe neither loses nor reorders; it is a test and
 * interop transport, not a radio.
 *
 * `receive()` blocks until a record arrives (the host has no event loop to return to) and returns
 * undefined only at end of input, once the peer has closed the pipe.
 */
import { checkBytes } from '../../src/_check.ts';
import type { Link } from '../link.ts';

/** Records larger than this are refused by the host (stdio.c lvStdioMaxRecord). */
export const STDIO_MAX_DATAGRAM = 1 << 20;

export class StdioLink implements Link {
  readonly maxDatagram = STDIO_MAX_DATAGRAM;
  onReadable?: (this: Link) => void;
  private readonly read = native('xs_lv_stdio_read') as () => ArrayBuffer | undefined;
  private readonly write = native('xs_lv_stdio_write') as (bytes: Uint8Array) => void;
  private closed = false;

  send(datagram: Uint8Array): void {
    if (this.closed) throw new Error('StdioLink: send after close');
    if (checkBytes('datagram', datagram).length > STDIO_MAX_DATAGRAM)
      throw new RangeError(`"datagram" expected at most ${STDIO_MAX_DATAGRAM} bytes, got ${datagram.length}`);
    this.write(datagram);
  }

  receive(): Uint8Array | undefined {
    if (this.closed) return undefined;
    const record = this.read();
    if (record === undefined) {
      this.closed = true;
      return undefined;
    }
    return new Uint8Array(record);
  }

  close(): void {
    this.closed = true;
  }
}

/**
 * Link port: the classical channel, as datagrams. Contract: a datagram is delivered whole or not
 * at all; the link may lose, duplicate, reorder or delay them, so protocols above authenticate
 * and sequence their own messages. `receive()` returns undefined when nothing is waiting.
 * Drivers that can signal arrival call `onReadable` (Moddable's ECMA-419 style).
 */
export interface Link {
  /** Largest datagram `send` accepts, in bytes. */
  readonly maxDatagram: number;
  send(datagram: Uint8Array): void;
  receive(): Uint8Array | undefined;
  onReadable?: (this: Link) => void;
  close(): void;
}

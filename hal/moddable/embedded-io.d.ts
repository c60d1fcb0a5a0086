/**
 * The part of ECMA-419 (embedded:io) the board backends use: a Digital pin and an SPI bus, each
 * a class whose constructor takes one options object, with read()/write()/close(). On boards the
 * Moddable SDK provides these modules; on the desktop hal/moddable/sim/ stands in (lvxs).
 */
declare module 'embedded:io/digital' {
  export interface DigitalOptions {
    pin: number | string;
    mode: number;
    edge?: number;
    onReadable?: (this: Digital) => void;
  }
  export default class Digital {
    static readonly Input: number;
    static readonly Output: number;
    constructor(options: DigitalOptions);
    read(): number;
    write(value: number): void;
    close(): void;
    /** A timed edge schedule (a board's RMT/timer peripheral; the desktop stand-in plays it in C). Optional. */
    play?(edges: Uint32Array, paced: boolean): { edges: number; elapsedNs: number; lateP50: number; lateP99: number; lateMax: number };
  }
}

declare module 'embedded:io/spi' {
  export interface SPIOptions {
    out: number | string;
    clock: number | string;
    in?: number | string;
    select?: number | string;
    hz: number;
    mode?: number;
    onReadable?: (this: SPI, count: number) => void;
  }
  export default class SPI {
    constructor(options: SPIOptions);
    read(buffer: ArrayBufferView): number;
    write(buffer: ArrayBufferView): void;
    close(): void;
  }
}

declare module 'embedded:io/socket/udp' {
  export interface UDPOptions {
    port?: number;
    onReadable?: (this: UDP, count: number) => void;
  }
  /** A datagram as read(): the bytes, with the sender's address and port. */
  export type UDPPacket = ArrayBuffer & { address: string; port: number };
  export default class UDP {
    constructor(options: UDPOptions);
    read(): UDPPacket | undefined;
    write(buffer: ArrayBufferView | ArrayBuffer, address: string, port: number): void;
    close(): void;
  }
}

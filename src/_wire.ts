/**
 * Strict binary reader and writer for the classical-channel codecs: big-endian integers,
 * minimal LEB128 varints, exact lengths. A reader that is not consumed to the last byte is a
 * malformed message; the caller turns a WireError into its own typed reason.
 */
export class WireError extends Error {}

export class Writer {
  private parts: number[] = [];
  private chunks: Uint8Array[] = [];
  private length = 0;

  private flush(): void {
    if (this.parts.length) {
      this.chunks.push(Uint8Array.from(this.parts));
      this.parts = [];
    }
  }

  u8(value: number): this {
    this.parts.push(value & 0xff);
    this.length++;
    return this;
  }

  u32(value: number): this {
    return this.u8(value >>> 24).u8(value >>> 16).u8(value >>> 8).u8(value);
  }

  varint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`varint: ${value} out of range`);
    while (value >= 0x80) {
      this.u8((value & 0x7f) | 0x80);
      value = Math.floor(value / 128);
    }
    return this.u8(value);
  }

  bytes(data: Uint8Array): this {
    this.flush();
    this.chunks.push(data);
    this.length += data.length;
    return this;
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

export class Reader {
  private at = 0;

  constructor(private readonly data: Uint8Array) {}

  private need(n: number): void {
    if (this.at + n > this.data.length) throw new WireError(`truncated: need ${n} byte(s) at offset ${this.at} of ${this.data.length}`);
  }

  u8(): number {
    this.need(1);
    return this.data[this.at++]!;
  }

  u32(): number {
    this.need(4);
    const d = this.data;
    const v = ((d[this.at]! << 24) | (d[this.at + 1]! << 16) | (d[this.at + 2]! << 8) | d[this.at + 3]!) >>> 0;
    this.at += 4;
    return v;
  }

  varint(): number {
    let value = 0;
    for (let shift = 0, i = 0; ; shift += 7, i++) {
      const b = this.u8();
      if (i === 4 && b > 0x0f) throw new WireError('varint: more than 32 bits');
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) {
        if (i > 0 && b === 0) throw new WireError('varint: not minimally encoded');
        return value;
      }
    }
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.data.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.at !== this.data.length) throw new WireError(`trailing bytes: ${this.data.length - this.at} after offset ${this.at}`);
  }
}

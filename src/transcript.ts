/**
 * Protocol transcripts: a running SHA-256 over labelled, length-prefixed parts, so that two
 * peers (or two runtimes) that saw the same messages in the same order hold the same digest, and
 * no two different sequences of parts can collide by re-splitting. Each part is
 *   label_len u8 ‖ label ‖ data_len u32 (big-endian) ‖ data.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { checkBytes } from './_check.ts';
import { asciiBytes } from './bytes.ts';

export class Transcript {
  private readonly hash = sha256.create();
  private finished = false;

  constructor(protocolLabel: string) {
    this.absorb('protocol', asciiBytes(protocolLabel));
  }

  /** Adds one labelled part. */
  absorb(label: string, data: Uint8Array): this {
    if (this.finished) throw new Error('transcript: absorb after digest');
    checkBytes('data', data);
    const name = asciiBytes(label);
    if (name.length > 255) throw new RangeError(`"label" expected at most 255 bytes, got ${name.length}`);
    const head = new Uint8Array(1 + name.length + 4);
    head[0] = name.length;
    head.set(name, 1);
    new DataView(head.buffer).setUint32(1 + name.length, data.length);
    this.hash.update(head).update(data);
    return this;
  }

  /** The digest of the parts so far; the transcript goes on taking parts (what a signature covers). */
  snapshot(): Uint8Array {
    if (this.finished) throw new Error('transcript: snapshot after digest');
    return this.hash.clone().digest();
  }

  /** The SHA-256 digest; the transcript takes no more parts after this. */
  digest(): Uint8Array {
    this.finished = true;
    return this.hash.digest();
  }
}

/**
 * Where QSP gets QKD key blocks (DESIGN §2 steps 7–8): an interface the key store implements, and
 * a simulated source for tests. Ids are the 16-byte key block ids of src/qkd/keyblock.ts (both
 * peers name a block the same way). A block is consumed once: `take` hands over the key and
 * forgets it; the caller zeroises what it took.
 */
import type { Entropy } from '../../hal/entropy.ts';
import { checkBytes, checkInteger } from '../_check.ts';
import { zeroise } from '../bytes.ts';
import { KEY_BLOCK_ID_BYTES } from './key-schedule.ts';

export interface QspKeySource {
  /** The id of the next unused block shared with the peer (the proposing side's choice), if any. */
  nextId(): Uint8Array | undefined;
  /** A copy of a block's key without consuming it (the responder derives before the peer is confirmed). */
  peek(keyBlockId: Uint8Array): Uint8Array | undefined;
  /** The block's key, consumed: a second take of the same id returns undefined. */
  take(keyBlockId: Uint8Array): Uint8Array | undefined;
}

/** A Map key for an id: one char per byte (cheaper than hex on the per-rekey path). */
function idName(id: Uint8Array): string {
  let name = '';
  for (let i = 0; i < id.length; i++) name += String.fromCharCode(id[i]!);
  return name;
}

/** Key blocks held in memory, in the order they were added. */
export class MemoryKeySource implements QspKeySource {
  private readonly blocks = new Map<string, { id: Uint8Array; key: Uint8Array }>();
  /** Names in the order added, and how many at the front are gone: nextId is O(1), not a walk past deleted Map slots. */
  private order: string[] = [];
  private head = 0;

  add(keyBlockId: Uint8Array, key: Uint8Array): void {
    checkBytes('keyBlockId', keyBlockId, KEY_BLOCK_ID_BYTES);
    if (checkBytes('key', key).length < 16) throw new RangeError(`"key" expected at least 16 bytes, got ${key.length}`);
    if (keyBlockId.every((b) => b === 0)) throw new RangeError('"keyBlockId" must not be all zero (that id means "no block")');
    const name = idName(keyBlockId);
    if (!this.blocks.has(name)) this.order.push(name);
    this.blocks.set(name, { id: keyBlockId.slice(), key: key.slice() });
  }

  get size(): number {
    return this.blocks.size;
  }

  nextId(): Uint8Array | undefined {
    while (this.head < this.order.length && !this.blocks.has(this.order[this.head]!)) this.head++;
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    return this.head < this.order.length ? this.blocks.get(this.order[this.head]!)!.id.slice() : undefined;
  }

  peek(keyBlockId: Uint8Array): Uint8Array | undefined {
    return this.blocks.get(idName(checkBytes('keyBlockId', keyBlockId)))?.key.slice();
  }

  take(keyBlockId: Uint8Array): Uint8Array | undefined {
    const name = idName(checkBytes('keyBlockId', keyBlockId));
    const b = this.blocks.get(name);
    if (!b) return undefined;
    this.blocks.delete(name);
    const key = b.key.slice();
    zeroise(b.key);
    return key;
  }
}

/** Two sources holding the same `count` simulated blocks (ids and keys from the Entropy port). */
export function simKeyBlockPair(entropy: Entropy, count: number, keyBytes = 32): [MemoryKeySource, MemoryKeySource] {
  checkInteger('count', count, 0, 1 << 20);
  checkInteger('keyBytes', keyBytes, 16, 1 << 16);
  const a = new MemoryKeySource();
  const b = new MemoryKeySource();
  for (let i = 0; i < count; i++) {
    const id = entropy.randomBytes(KEY_BLOCK_ID_BYTES);
    id[0] = id[0]! | 1; // never the all-zero "no block" id
    const key = entropy.randomBytes(keyBytes);
    a.add(id, key);
    b.add(id, key);
    zeroise(key);
  }
  return [a, b];
}

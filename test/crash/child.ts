/**
 * The crash-injection child: opens the key service on a SQLite state directory and hands off,
 * consumes and records keys as fast as it can until the parent kills it with SIGKILL. It says
 * what it has done only AFTER the commit returned (grouped operations: after the group's
 * fdatasync finished), one line per fact, written synchronously:
 *   READY
 *   ACK <key_ref>                        a session was acknowledged (its key must never be lost)
 *   GOT <key_ref> <tag>                  a seed-001 key was served (tag = HMAC(salt, key), never the key)
 *   ENC <key_ID> <tag> / DEC <key_ID> <tag>   an ETSI key delivered to the master / to the slave
 * argv: <state dir> <salt hex> <pending refs file> <pending etsi ids file>
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { NodeClock } from '../../hal/node/clock.ts';
import { NodeEntropy } from '../../hal/node/entropy.ts';
import { FileSealer } from '../../hal/node/file-sealer.ts';
import { SqliteStorage } from '../../hal/node/sqlite-storage.ts';
import { DEFAULT_SERVICE_CONFIG, KeyService } from '../../src/agent/service.ts';
import { base64Decode } from '../../src/base64.ts';
import { bytesToHex, hexToBytes } from '../../src/bytes.ts';
import { SimKeySupply } from '../../sim/key-supply.ts';

const [dir, saltHex, refsFile, etsiFile] = process.argv.slice(2) as [string, string, string, string];
const salt = hexToBytes(saltHex);
const tag = (key: Uint8Array) => bytesToHex(hmac(sha256, salt, key)).slice(0, 32);
const say = (line: string) => writeSync(1, line + '\n');

const clock = new NodeClock();
const entropy = new NodeEntropy();
const storage = new SqliteStorage(join(dir, 'lightvibes.db'));
const sealer = new FileSealer(join(dir, 'kek.bin'));
const mission = JSON.parse(readFileSync(join(dir, 'mission.json'), 'utf8'));
const supply = new SimKeySupply({ linkId: 'sim-link-1', entropy, clock, secureRateBps: 2_000_000, blockBits: 2048, initialBlocks: 8 });
const service = new KeyService({ storage, sealer, clock, entropy, supplies: [supply], mission }, { ...DEFAULT_SERVICE_CONFIG, checkpointEvery: 16 });
const pendingRefs: string[] = readFileSync(refsFile, 'utf8').split('\n').filter(Boolean);
const pendingEtsi: string[] = readFileSync(etsiFile, 'utf8').split('\n').filter(Boolean);
say('READY');

// A plain key for tests only: the service seals deliveries, so unseal here to tag what was served.
function servedKey(ref: string, sealedB64: string): Uint8Array {
  return sealer.unseal(base64Decode(sealedB64)!, new TextEncoder().encode(`LIGHTVIBES/key/v1|${ref}`));
}

/** One random operation; `tell` reports what it did once that may be said. */
function step(tell: (line: string) => void): void {
  const r = entropy.randomBytes(1)[0]! % 8;
  if (r < 3) {
    const s = service.createSession({ caller: 'sae-a', peerId: 'sae-b', context: 'default', minKeyBits: 256, ttlS: 86_400, fallback: 'NONE' });
    if (s.ok) { tell(`ACK ${s.value.keyRef}`); pendingRefs.push(s.value.keyRef); }
  } else if (r < 5 && pendingRefs.length) {
    const ref = pendingRefs.splice(entropy.randomBytes(1)[0]! % pendingRefs.length, 1)[0]!;
    const k = service.takeKey('sae-a', ref, 'sealed');
    if (k.ok) tell(`GOT ${ref} ${tag(servedKey(ref, k.value.keySealed!))}`);
  } else if (r === 5) {
    const e = service.etsiEncKeys('sae-a', 'sae-b', 2, 256, []);
    if (e.ok) for (const k of e.value) { tell(`ENC ${k.key_ID} ${tag(base64Decode(k.key)!)}`); pendingEtsi.push(k.key_ID); }
  } else if (r === 6 && pendingEtsi.length) {
    const id = pendingEtsi.shift()!;
    const d = service.etsiDecKeys('sae-b', 'sae-a', [id]);
    if (d.ok) tell(`DEC ${id} ${tag(base64Decode(d.value[0]!.key)!)}`);
  } else {
    service.tick();
  }
}

// Half the time, as the server does (hal/node/durable-key-server.ts): a group of 1–4 operations in
// ONE commit whose fdatasync runs off the thread, its lines said only once that sync has finished,
// the next groups committing meanwhile (a kill lands between commit and sync, or mid-sync, too).
let said: Promise<unknown> = Promise.resolve();
for (let i = 0; ; i++) {
  if (entropy.randomBytes(1)[0]! % 2) {
    await said;
    step(say);
    continue;
  }
  const lines: string[] = [];
  const n = 1 + (entropy.randomBytes(1)[0]! % 4);
  const { durable } = storage.groupDurable(() => { for (let k = 0; k < n; k++) step((l) => lines.push(l)); });
  said = Promise.all([said, durable]).then(() => { for (const l of lines) say(l); });
  if (i % 4 === 0) await said;
}

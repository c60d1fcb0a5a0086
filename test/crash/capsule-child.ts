/**
 * Crash-injection child for the capsule store (issue 8): runs the 24 h store-and-forward network
 * (sim/capsule-dtn.ts) on one SQLite file, resuming where the last commit left it, until the parent
 * SIGKILLs it. It says what it has done only AFTER the commit returned, one line per fact:
 *   READY
 *   ACK <capsule id> <not_after ms> <destination>   a capsule entered its source's store (never to be lost)
 *   DLV <capsule id> <node>                          a capsule was delivered (never twice)
 *   DONE                                             the plan ran to its end
 * argv: <db path> <seed> <capsules>
 */
import { writeSync } from 'node:fs';
import { SqliteStorage } from '../../hal/node/sqlite-storage.ts';
import { DtnNetwork } from '../../sim/capsule-dtn.ts';

const [db, seed, capsules] = process.argv.slice(2) as [string, string, string];
const say = (line: string) => writeSync(1, line + '\n');
const storage = new SqliteStorage(db);
const net = new DtnNetwork(storage, { seed: Number(seed), capsules: Number(capsules) }, {
  acked: (id, notAfter, dest) => say(`ACK ${id} ${notAfter} ${dest}`),
  delivered: (id, node) => say(`DLV ${id} ${node}`),
});
say('READY');
net.run();
say('DONE');
// wait for the kill, as a long-running agent would
setInterval(() => {}, 1000);

/**
 * Crash injection for the capsule store and forwarder (issue 8), after test/crash/harness.ts: a
 * child runs the whole store-and-forward network on one SQLite file and is SIGKILLed at a random
 * moment — mid custody transfer, mid delivery, mid release, mid expiry. After each kill the parent
 * reopens the file and checks:
 *   1. no acknowledged capsule is lost: each one is in some node's custody, or delivered, or its
 *      time box has closed (at the simulated time the file records), and
 *   2. none is delivered twice: no DLV line twice, one delivery record per capsule.
 * After the last kill the parent runs the network to the end of its plan in-process and reports
 * the delivery ratio and the mean latency of the whole (crashed and resumed) run.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { NodeEntropy } from '../../hal/node/entropy.ts';
import { SqliteStorage } from '../../hal/node/sqlite-storage.ts';
import { decodeCbor } from '../../src/capsule/cbor.ts';
import { DEFAULT_CAPSULE_POLICY } from '../../src/capsule/open.ts';
import { DTN_NODES, DtnNetwork, T0, type DtnReport } from '../../sim/capsule-dtn.ts';
import { ROOT } from '../xs/harness.ts';
import { runUntilKilled } from './kill-child.ts';

export interface CapsuleCrashReport {
  restarts: number;
  acked: number;
  deliveredLines: number;
  failures: string[];
  final: DtnReport;
  seconds: number;
}

function bundleChild(): string {
  const outfile = join(ROOT, 'build', 'crash', `capsule-child-${process.pid}.mjs`);
  mkdirSync(join(ROOT, 'build', 'crash'), { recursive: true });
  buildSync({ entryPoints: [join(ROOT, 'test', 'crash', 'capsule-child.ts')], outfile, bundle: true, platform: 'node', format: 'esm', external: ['better-sqlite3'], logLevel: 'error' });
  return outfile;
}


export async function runCapsuleCrash(opts: { restarts: number; capsules: number; seed?: number; maxKillMs?: number; log?: (l: string) => void }): Promise<CapsuleCrashReport> {
  const started = Date.now();
  const seed = opts.seed ?? 3;
  const maxKill = opts.maxKillMs ?? 1500;
  const child = bundleChild();
  const dir = mkdtempSync(join(tmpdir(), 'lv-capsule-crash-'));
  const db = join(dir, 'dtn.db');
  const rng = new NodeEntropy();
  const acked = new Map<string, { notAfter: number; dest: string }>();
  const delivered = new Set<string>();
  const failures: string[] = [];
  const fail = (m: string) => { failures.push(m); opts.log?.(`FAIL ${m}`); };
  let deliveredLines = 0;
  let restarts = 0;
  try {
    for (let t = 0; t < opts.restarts; t++) {
      const r = rng.randomBytes(2);
      const killAfter = ((r[0]! << 8) | r[1]!) % (maxKill + 1);
      const out = await runUntilKilled(child, [db, String(seed), String(opts.capsules)], killAfter, 120_000);
      restarts++;
      for (const line of out.split('\n')) {
        const [what, id, a, b] = line.split(' ');
        if (what === 'ACK') acked.set(id!, { notAfter: Number(a), dest: b! });
        if (what === 'DLV') {
          deliveredLines++;
          if (delivered.has(id!)) fail(`restart ${t}: capsule ${id} delivered twice`);
          delivered.add(id!);
        }
      }
      // the state as a restarted network would find it
      const storage = new SqliteStorage(db);
      try {
        const state = storage.get('dtn-driver', 'state');
        const now = T0 + (state ? (decodeCbor(state) as number[])[0]! : 0) * 60_000;
        const held = new Set<string>();
        for (const node of DTN_NODES) for (const { key } of storage.list(`${node}/custody`)) held.add(key.slice(0, key.indexOf('>')));
        const done = new Map<string, number>();
        for (const node of DTN_NODES) for (const { key } of storage.list(`${node}/delivered`)) done.set(key, (done.get(key) ?? 0) + 1);
        for (const [id, n] of done) if (n > 1) fail(`restart ${t}: capsule ${id} has ${n} delivery records`);
        for (const id of delivered) if (!done.has(id)) fail(`restart ${t}: capsule ${id} was reported delivered but its delivery record is gone`);
        for (const [id, a] of acked)
          if (!held.has(id) && !done.has(id) && !(a.notAfter + DEFAULT_CAPSULE_POLICY.skewMs < now)) fail(`restart ${t}: acknowledged capsule ${id} is lost`);
      } finally {
        storage.close();
      }
      if (t % 10 === 9) opts.log?.(`${t + 1} restarts: ${acked.size} acknowledged, ${delivered.size} delivered, ${failures.length} failure(s)`);
    }
    // run the rest of the plan without kills
    const storage = new SqliteStorage(db);
    let final: DtnReport;
    try {
      const net = new DtnNetwork(storage, { seed, capsules: opts.capsules }, {
        acked: (id, notAfter, dest) => acked.set(id, { notAfter, dest }),
        delivered: (id) => { if (delivered.has(id)) fail(`final run: capsule ${id} delivered twice`); delivered.add(id); },
      });
      net.run();
      final = net.report();
      if (final.created !== opts.capsules) fail(`final run created ${final.created} capsules, expected ${opts.capsules}`);
      // a child may die between a delivery's commit and its DLV line: records ≥ reports, never fewer
      if (final.delivered < delivered.size) fail(`final run: ${final.delivered} delivery records, ${delivered.size} deliveries reported`);
      if (final.delivered + final.expired + final.inFlight !== final.created) fail('final run: the counts do not add up');
    } finally {
      storage.close();
    }
    return { restarts, acked: acked.size, deliveredLines, failures, final, seconds: (Date.now() - started) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(child, { force: true });
  }
}

/**
 * Crash injection (issue 6): a child process runs the key service on a real SQLite state
 * directory and is killed with SIGKILL at a random moment — mid hand-off, mid consumption, mid
 * evidence append or checkpoint signing. After each kill the parent reopens the state and checks:
 *   1. the evidence chain verifies (hash chain and ML-DSA-65 checkpoints), and
 *   2. no acknowledged key is lost: every ACKed key ref is still takeable or has a tombstone, and
 *   3. no key is served twice: every served tag (and ETSI key_ID per SAE) appears once, and a served
 *      ref is never takeable again.
 * Trials run in series on one state directory (state accumulates across kills), then a new one;
 * at the end of a series the parent takes every remaining ref itself and checks those tags too.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { NodeClock } from '../../hal/node/clock.ts';
import { NodeEntropy } from '../../hal/node/entropy.ts';
import { FileSealer } from '../../hal/node/file-sealer.ts';
import { SqliteStorage } from '../../hal/node/sqlite-storage.ts';
import { DEFAULT_SERVICE_CONFIG, deliveryAad, KeyService } from '../../src/agent/service.ts';
import { base64Decode } from '../../src/base64.ts';
import { bytesToHex, hexToBytes } from '../../src/bytes.ts';
import { verifyEvidence, EVIDENCE_REJECT_NAMES } from '../../src/evidence/verify.ts';
import { keyRefId } from '../../src/keystore/keyref.ts';
import { KEYS_TABLE, SPENT_TABLE, refName } from '../../src/keystore/keystore.ts';
import { SimKeySupply } from '../../sim/key-supply.ts';
import { devMission } from '../../sim/mission.ts';
import { SimEntropy } from '../../hal/sim/entropy.ts';
import { ROOT } from '../xs/harness.ts';
import { runUntilKilled } from './kill-child.ts';

export interface CrashReport {
  trials: number;
  series: number;
  acked: number;
  served: number;
  etsiDelivered: number;
  finalTaken: number;
  evidenceRecords: number;
  consumedUnacknowledged: number;
  failures: string[];
  seconds: number;
}

export function bundleChild(): string {
  const outfile = join(ROOT, 'build', 'crash', `child-${process.pid}.mjs`);
  mkdirSync(join(ROOT, 'build', 'crash'), { recursive: true });
  buildSync({ entryPoints: [join(ROOT, 'test', 'crash', 'child.ts')], outfile, bundle: true, platform: 'node', format: 'esm', external: ['better-sqlite3'], logLevel: 'error' });
  return outfile;
}

interface SeriesState {
  dir: string;
  salt: string;
  acked: Set<string>;
  gotTags: Map<string, string>;
  gotRefs: Set<string>;
  enc: Map<string, string>;
  dec: Set<string>;
}

function runChild(child: string, s: SeriesState, killAfterMs: number): Promise<string> {
  const pendingRefs = [...s.acked].filter((r) => !s.gotRefs.has(r));
  const pendingEtsi = [...s.enc.keys()].filter((id) => !s.dec.has(id));
  writeFileSync(join(s.dir, 'refs.txt'), pendingRefs.join('\n'));
  writeFileSync(join(s.dir, 'etsi.txt'), pendingEtsi.join('\n'));
  return runUntilKilled(child, [s.dir, s.salt, join(s.dir, 'refs.txt'), join(s.dir, 'etsi.txt')], killAfterMs, 20_000);
}

function openService(dir: string, mission: any): { service: KeyService; storage: SqliteStorage; sealer: FileSealer } {
  const clock = new NodeClock();
  const entropy = new NodeEntropy();
  const storage = new SqliteStorage(join(dir, 'lightvibes.db'));
  const sealer = new FileSealer(join(dir, 'kek.bin'));
  const supply = new SimKeySupply({ linkId: 'sim-link-1', entropy, clock, secureRateBps: 0, blockBits: 2048 });
  return { service: new KeyService({ storage, sealer, clock, entropy, supplies: [supply], mission }, DEFAULT_SERVICE_CONFIG), storage, sealer };
}

export async function runCrashTrials(opts: { trials: number; lanes?: number; perSeries?: number; maxKillMs?: number; seed?: number; log?: (l: string) => void }): Promise<CrashReport> {
  const started = Date.now();
  const perSeries = opts.perSeries ?? 10;
  const maxKill = opts.maxKillMs ?? 300;
  const child = bundleChild();
  const root = mkdtempSync(join(tmpdir(), 'lv-crash-'));
  const mission = devMission(new SimEntropy(opts.seed ?? 5, 'crash-mission'), { linkId: 'sim-link-1', wallMs: Date.now() }).policy;
  const rng = new NodeEntropy();
  const report: CrashReport = { trials: 0, series: 0, acked: 0, served: 0, etsiDelivered: 0, finalTaken: 0, evidenceRecords: 0, consumedUnacknowledged: 0, failures: [], seconds: 0 };
  const fail = (m: string) => { report.failures.push(m); opts.log?.(`FAIL ${m}`); };
  const lanes = Math.max(1, opts.lanes ?? 2);
  let claimed = 0;
  let seriesCount = 0;
  const lane = async () => {
    while (claimed < opts.trials) {
    const series = seriesCount++;
    const quota = Math.min(perSeries, opts.trials - claimed);
    claimed += quota;
    {
      const dir = join(root, `s${series}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'mission.json'), JSON.stringify(mission));
      const s: SeriesState = { dir, salt: bytesToHex(rng.randomBytes(16)), acked: new Set(), gotTags: new Map(), gotRefs: new Set(), enc: new Map(), dec: new Set() };
      const tag = (key: Uint8Array) => bytesToHex(hmac(sha256, hexToBytes(s.salt), key)).slice(0, 32);
      report.series++;
      for (let t = 0; t < quota; t++) {
        const killAfter = (rng.randomBytes(2)[0]! | (rng.randomBytes(1)[0]! << 8)) % (maxKill + 1);
        const out = await runChild(child, s, killAfter);
        report.trials++;
        for (const line of out.split('\n')) {
          const [what, a, b] = line.split(' ');
          if (what === 'ACK') { s.acked.add(a!); report.acked++; }
          if (what === 'GOT') {
            if (s.gotRefs.has(a!)) fail(`series ${series}: ref served twice`);
            for (const [, tg] of s.gotTags) if (tg === b) fail(`series ${series}: key material served twice`);
            s.gotRefs.add(a!); s.gotTags.set(a!, b!); report.served++;
          }
          if (what === 'ENC') { if ([...s.enc.values()].includes(b!)) fail(`series ${series}: ETSI key material issued twice`); s.enc.set(a!, b!); report.etsiDelivered++; }
          if (what === 'DEC') {
            if (s.dec.has(a!)) fail(`series ${series}: ETSI key ${a} delivered to the slave twice`);
            if (s.enc.get(a!) !== b) fail(`series ${series}: ETSI key ${a} differs between master and slave`);
            s.dec.add(a!); report.etsiDelivered++;
          }
        }
        // after the kill: the state as a restarted agent would find it
        const storage = new SqliteStorage(join(dir, 'lightvibes.db'));
        try {
          const evidence = storage.list('evidence').map((r) => r.value);
          const v = verifyEvidence(evidence);
          if (!v.ok) fail(`series ${series} trial ${t}: evidence chain broken at #${v.firstBad!.seq ?? v.firstBad!.index}: ${EVIDENCE_REJECT_NAMES[v.firstBad!.reason]}`);
          for (const ref of s.acked) {
            const name = refName(keyRefId(ref));
            const live = storage.get(KEYS_TABLE, name);
            const spent = storage.get(SPENT_TABLE, name);
            if (!live && !spent) fail(`series ${series} trial ${t}: an acknowledged key is lost (no record, no tombstone)`);
            if (live && spent) fail(`series ${series} trial ${t}: a key is both live and spent`);
            if (s.gotRefs.has(ref) && live) fail(`series ${series} trial ${t}: a served key is still takeable`);
          }
        } finally {
          storage.close();
        }
      }
      // end of series: take everything left, as a restarted agent would serve it
      const { service, storage, sealer } = openService(dir, mission);
      try {
        const allTags = new Set(s.gotTags.values());
        for (const ref of s.acked) {
          if (s.gotRefs.has(ref)) {
            const again = service.takeKey('sae-a', ref, 'sealed');
            if (again.ok) fail(`series ${series}: a served ref was served again after restart`);
            continue;
          }
          const k = service.takeKey('sae-a', ref, 'sealed');
          if (!k.ok) { report.consumedUnacknowledged++; continue; } // consumed by a child that died before it could say so
          const key = sealer.unseal(base64Decode(k.value.keySealed!)!, deliveryAad(ref));
          const tg = tag(key);
          key.fill(0);
          if (allTags.has(tg)) fail(`series ${series}: key material served twice (after restart)`);
          allTags.add(tg);
          report.finalTaken++;
        }
        const v = verifyEvidence(storage.list('evidence').map((r) => r.value));
        if (!v.ok) fail(`series ${series}: final evidence chain broken`);
        report.evidenceRecords += v.records;
      } finally {
        storage.close();
        sealer.destroy();
      }
      opts.log?.(`series ${series}: ${report.trials} trials so far, ${s.acked.size} acked, ${s.gotRefs.size} served, ${report.failures.length} failure(s)`);
    }
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(child, { force: true });
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

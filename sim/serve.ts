/**
 * `npm run serve -- [--dev] [--port 8071] [--metrics-port 8072] [--state-dir <dir>] [--qkd-pulses 2e7] [--sealer-crypto native|node]`:
 * the key service on loopback. Without --dev its key comes from the QKD engine: decoy-BB84 blocks
 * run end to end through the core over simulated photonics (sim/qkd-run.ts) on a worker thread
 * in the background, fed to the service through QkdEngineSupply; with --dev, from the fast
 * simulated supply (SimKeySupply). This file is the desktop topology: the one place where Node
 * backends (SQLite storage, file-KEK sealer, OS entropy, performance clock) and the key supply
 * are wired to the core. It creates <dir> if needed, a dev CA and client
 * certificates for two SAEs under <dir>/tls, a signed dev mission policy under <dir>/mission, and
 * says on start-up, one line each, where it listens and where the certificates are.
 */
import { randomInt } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Kernels } from '../hal/kernels.ts';
import { nodeKernels } from '../hal/node/kernels.ts';
import { referenceKernels } from '../src/kernels/reference.ts';
import { equalBytes } from '../src/bytes.ts';
import { LdpcReconciliation } from '../src/qkd/reconcile-ldpc.ts';
import { type BlockScenario, runQkdBlock } from './qkd-run.ts';
import { NodeClock } from '../hal/node/clock.ts';
import { NodeEntropy } from '../hal/node/entropy.ts';
import { FileSealer } from '../hal/node/file-sealer.ts';
import { nativeCrypto } from '../hal/node/crypto-native.ts';
import { batchStats, startKeyServer } from '../hal/node/key-server.ts';
import { startCheckpointSigner } from '../hal/node/checkpoint-signer.ts';
import { SqliteStorage } from '../hal/node/sqlite-storage.ts';
import { DEFAULT_SERVICE_CONFIG, KeyService, type ServiceConfig } from '../src/agent/service.ts';
import { base64Decode, base64Encode } from '../src/base64.ts';
import { DEFAULT_LINK_POLICY, withSuspendThreshold } from '../src/policy/link-state.ts';
import { loadMissionPolicy, GUARD_REJECT_NAMES } from '../src/policy/mission-guard.ts';
import { DEFAULT_QBER_THRESHOLDS } from '../src/policy/qber.ts';
import { ensureDevTls } from './dev-tls.ts';
import { QkdEngineSupply, SimKeySupply } from './key-supply.ts';
import { devMission } from './mission.ts';
import { devRelay } from './dev-relay.ts';
import { attachRelay } from '../src/agent/relay-api.ts';

export const DEV_LINK = 'sim-link-1';

export interface ServeOptions {
  dev: boolean;
  host: string;
  port: number;
  metricsPort: number;
  stateDir: string;
  simRateBps: number;
  simBlockBits: number;
  simInitialBlocks: number;
  /** Without --dev: pulses per QKD engine block. */
  qkdPulses: number;
  /**
   * The AES-256-GCM under the file KEK and the evidence chain's SHA-256: `native` (the lv_crypto
   * addon, the KEK's key schedule kept across calls; the default) or `node` (node:crypto cipher
   * objects, noble SHA-256). Said on start-up.
   */
  sealerCrypto: 'native' | 'node';
  quiet: boolean;
}

/**
 * The engine's channel: 10 km of fiber (2.1 dB) with a 25 % detector and the three-intensity
 * source of Lim et al.; with 2·10^7 pulses a block clears the finite-key bound with ~47 kbit
 * (the `npm run qkd:e2e` scenario).
 */
export const ENGINE_SCENARIO: BlockScenario = {
  protocol: 'bb84-decoy',
  source: { intensities: [0.5, 0.15, 0.0002], probabilities: [0.4, 0.3, 0.3], keyBasisProbability: 0.6 },
  photonics: { lossDb: 2.1, detectorEfficiency: 0.25, darkCountProbability: 8.5e-7, misalignment: 0.02, meanPhotonNumbers: [0.5, 0.15, 0.0002] },
};

const ENGINE_WORKER = 'lightvibes/qkd-engine';

/**
 * The engine on its worker thread: one block after another, forever. Each block's simulation is
 * seeded afresh from the OS (48 bits), so its key is not a function of anything an observer knows;
 * only blocks on which Alice and Bob agree are posted (the key buffer moved, Bob's copy zeroised).
 */
function runQkdEngineWorker(pulses: number): void {
  const port = parentPort!;
  let kernels: Kernels;
  try {
    kernels = nodeKernels();
  } catch {
    kernels = referenceKernels;
  }
  const next = () => {
    const started = performance.now();
    const r = runQkdBlock({ seed: randomInt(2 ** 48 - 1), pulses, scenario: ENGINE_SCENARIO, kernels, reconciliation: new LdpcReconciliation() });
    const elapsedMs = performance.now() - started;
    if (r.alice && r.bob && r.alice.id === r.bob.id && equalBytes(r.alice.key, r.bob.key)) {
      const block = { ...r.alice, key: r.alice.key.slice() };
      port.postMessage({ kind: 'block', block, elapsedMs }, [block.key.buffer]);
    } else port.postMessage({ kind: 'refused', reason: r.abort ? `${r.abort.by}: ${r.abort.reason}` : 'the two ends disagree', elapsedMs });
    r.alice?.key.fill(0);
    r.bob?.key.fill(0);
    setImmediate(next);
  };
  next();
}

/** Starts the engine thread feeding `supply`; it does not keep the process alive. */
function startQkdEngine(supply: QkdEngineSupply, pulses: number): Worker {
  const data = { workerData: { kind: ENGINE_WORKER, pulses } };
  // run as TypeScript (tsx), the worker registers tsx's loader itself: workers do not inherit hooks
  const worker = import.meta.url.endsWith('.ts')
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`, { ...data, eval: true })
    : new Worker(new URL(import.meta.url), data);
  worker.on('message', (m: { kind: 'block'; block: any; elapsedMs: number } | { kind: 'refused'; reason: string }) => {
    if (m.kind === 'block') supply.accept(m.block, m.elapsedMs);
    else supply.refuse(m.reason);
  });
  worker.on('error', (e) => console.error(`serve: the QKD engine stopped: ${e.message}`));
  worker.unref();
  return worker;
}

function fail(message: string): never {
  console.error(`serve: ${message}`);
  process.exit(2);
}

export function parseServeArgs(argv: readonly string[]): ServeOptions {
  const o: ServeOptions = { dev: false, host: '127.0.0.1', port: 8071, metricsPort: 8072, stateDir: '.lightvibes', simRateBps: 64_000, simBlockBits: 65_536, simInitialBlocks: 4, qkdPulses: 2e7, sealerCrypto: 'native', quiet: false };
  const num = (name: string, v: string | undefined, min: number, max: number) => {
    if (v === undefined || !/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) fail(`"${name}" expected an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = () => argv[++i];
    switch (a) {
      case '--dev': o.dev = true; break;
      case '--port': o.port = num('--port', v(), 0, 65535); break;
      case '--metrics-port': o.metricsPort = num('--metrics-port', v(), 0, 65535); break;
      case '--state-dir': { const d = v(); if (!d) fail('"--state-dir" expected a directory'); o.stateDir = d; break; }
      case '--sim-rate-bps': o.simRateBps = num('--sim-rate-bps', v(), 0, 1e9); break;
      case '--sim-block-bits': o.simBlockBits = num('--sim-block-bits', v(), 8, 1 << 24); break;
      case '--sim-initial-blocks': o.simInitialBlocks = num('--sim-initial-blocks', v(), 0, 1 << 20); break;
      case '--qkd-pulses': { const p = v(); const n = Number(p); if (p === undefined || !Number.isInteger(n) || n < 1e5 || n > 1e9) fail(`"--qkd-pulses" expected an integer in [1e5, 1e9], got ${JSON.stringify(p)}`); o.qkdPulses = n; break; }
      case '--sealer-crypto': { const c = v(); if (c !== 'native' && c !== 'node') fail(`"--sealer-crypto" expected native or node, got ${JSON.stringify(c)}`); o.sealerCrypto = c; break; }
      case '--quiet': o.quiet = true; break;
      default: fail(`unknown option ${JSON.stringify(a)} (known: --dev --port --metrics-port --state-dir --sim-rate-bps --sim-block-bits --sim-initial-blocks --qkd-pulses --sealer-crypto --quiet)`);
    }
  }
  return o;
}

export function serviceConfigFromEnv(env: Record<string, string | undefined>): ServiceConfig {
  let config = DEFAULT_SERVICE_CONFIG;
  const ttl = env.LIGHTVIBES_DEFAULT_TTL_S;
  if (ttl !== undefined) {
    if (!/^[0-9]+$/.test(ttl) || Number(ttl) < 1 || Number(ttl) > config.maxTtlS) fail(`"LIGHTVIBES_DEFAULT_TTL_S" expected an integer in [1, ${config.maxTtlS}], got ${JSON.stringify(ttl)}`);
    config = { ...config, defaultTtlS: Number(ttl) };
  }
  const q = env.LIGHTVIBES_QBER_THRESHOLD;
  if (q !== undefined) {
    const n = Number(q);
    if (q.trim() === '' || !Number.isFinite(n) || n <= 0 || n > DEFAULT_QBER_THRESHOLDS.compromised) fail(`"LIGHTVIBES_QBER_THRESHOLD" expected a number in (0, ${DEFAULT_QBER_THRESHOLDS.compromised}], got ${JSON.stringify(q)}`);
    config = { ...config, linkPolicy: { ...DEFAULT_LINK_POLICY, thresholds: withSuspendThreshold(DEFAULT_QBER_THRESHOLDS, n) } };
  }
  return config;
}

/** The dev mission policy: created once, then loaded and verified against the pinned operator key. */
function ensureDevMission(dir: string, entropy: NodeEntropy, wallMs: number) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const policyPath = join(dir, 'policy.json');
  const pubPath = join(dir, 'operator.pub');
  if (!existsSync(policyPath)) {
    const m = devMission(entropy, { linkId: DEV_LINK, wallMs });
    writeFileSync(policyPath, JSON.stringify(m.signed, null, 1) + '\n');
    writeFileSync(pubPath, base64Encode(m.operator.publicKey) + '\n');
    for (const [sae, k] of Object.entries(m.pqc)) {
      const p = join(dir, `${sae}.pqc-secret.json`);
      writeFileSync(p, JSON.stringify({ ml_kem_768: base64Encode(k.secrets.mlKem768), x25519: base64Encode(k.secrets.x25519) }) + '\n', { mode: 0o600 });
      chmodSync(p, 0o600);
    }
    m.operator.secretKey.fill(0);
  }
  const pk = base64Decode(readFileSync(pubPath, 'utf8').trim());
  if (!pk) fail(`${pubPath} is not base64`);
  const loaded = loadMissionPolicy(readFileSync(policyPath, 'utf8'), pk);
  if (!loaded.ok) fail(`mission policy ${policyPath} refused: ${GUARD_REJECT_NAMES[loaded.reason]}`);
  return { policy: loaded.policy, policyPath };
}

export async function serve(o: ServeOptions) {
  const stateDir = resolve(o.stateDir);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  // checkpoints on a 30 s timer, signed on a worker thread (and at shutdown, in place), not every N
  // records: an ML-DSA-65 signature costs ~11 ms, which must not land inside request latency
  const config = { ...serviceConfigFromEnv(process.env), checkpointEvery: 1_000_000 };
  const clock = new NodeClock();
  const entropy = new NodeEntropy();
  const tls = ensureDevTls(join(stateDir, 'tls'));
  const mission = ensureDevMission(join(stateDir, 'mission'), entropy, clock.wallMs());
  // WAL checkpoints (page copies + two syncs, about once a second under load) on their own thread
  const storage = new SqliteStorage(join(stateDir, 'lightvibes.db'), { checkpointInWorker: true });
  // a missing addon is an error naming the fix (--sealer-crypto node), never a silent fallback
  let sealerCrypto;
  try {
    sealerCrypto = o.sealerCrypto === 'native' ? nativeCrypto() : undefined;
  } catch (e) {
    throw new Error(`serve: ${(e as Error).message} (or run with --sealer-crypto node)`);
  }
  const sealer = new FileSealer(join(stateDir, 'kek.bin'), sealerCrypto);
  const engine = o.dev ? undefined : new QkdEngineSupply({ linkId: DEV_LINK, clock, lossDb: ENGINE_SCENARIO.photonics.lossDb ?? 0 });
  const supply = engine ?? new SimKeySupply({ linkId: DEV_LINK, entropy, clock, secureRateBps: o.simRateBps, blockBits: o.simBlockBits, initialBlocks: o.simInitialBlocks });
  const engineThread = engine && startQkdEngine(engine, o.qkdPulses);
  // timer checkpoints are signed on a worker thread (hal/node/checkpoint-signer.ts), appended when done
  const service = new KeyService({ storage, sealer, clock, entropy, supplies: [supply], mission: mission.policy, checkpointSigner: startCheckpointSigner, crypto: sealerCrypto }, config);
  service.tick();
  // --dev: a simulated trusted-node network behind /v1/relay/*; without it this agent runs no relay (404)
  if (o.dev) attachRelay(service, devRelay(mission.policy.kme_id, entropy));
  const log = o.quiet ? undefined : (line: string) => process.stdout.write(line + '\n');
  // each batch is answered once its own WAL fdatasync has finished, off the event loop
  const server = await startKeyServer({
    service, host: o.host, port: o.port, metricsPort: o.metricsPort, log, groupDurable: (work) => storage.groupDurable(work),
    onStorageFailure: (e) => { console.error(`serve: storage sync failed (${e.message}); stopping`); process.exit(70); },
    tls: { key: readFileSync(tls.serverKey, 'utf8'), cert: readFileSync(tls.serverCert, 'utf8'), ca: readFileSync(tls.ca, 'utf8') },
  });
  const ticker = setInterval(() => service.tick(), 250);
  const checkpointer = setInterval(() => {
    service.checkpointDetached().catch((e) => { console.error(`serve: evidence checkpoint failed (${e.message}); stopping`); process.exit(70); });
  }, 30_000);
  // tombstones past the longest TTL + skew answer nothing a missing name would not: prune them
  const pruner = setInterval(() => service.pruneTombstones(), 600_000);
  console.log(`lightvibes: API (HTTPS, mutual TLS, every route needs a SAE client certificate) listening on https://${o.host}:${server.apiPort}`);
  console.log(`lightvibes: /healthz and /metrics listening on http://${o.host}:${server.metricsPort}`);
  console.log(`lightvibes: certificates in ${tls.dir} (ca.pem, server.pem for localhost, ${Object.keys(tls.sae).map((s) => `${s}.pem + ${s}.key`).join(', ')})`);
  console.log(`lightvibes: state in ${stateDir} (lightvibes.db, kek.bin 0600, sealed with ${sealer.name}), mission policy ${mission.policyPath}, link ${DEV_LINK}`);
  console.log(engine
    ? `lightvibes: key from the QKD engine: decoy BB84 over simulated photonics (10 km fiber, ${o.qkdPulses.toExponential(1)} pulses per block) on a worker thread`
    : `lightvibes: key from the simulated supply (--dev): ${o.simRateBps} bit/s in ${o.simBlockBits}-bit blocks`);
  console.log(o.dev
    ? `lightvibes: trusted-node relay (--dev): simulated network ${mission.policy.kme_id}, relay-1..3, kme-b, kme-c on /v1/relay/routes and /v1/relay/keys/request`
    : 'lightvibes: no trusted-node relay attached (/v1/relay/* answer 404)');
  const loopDelay = process.env.LIGHTVIBES_BATCH_STATS ? monitorEventLoopDelay({ resolution: 1 }) : undefined;
  loopDelay?.enable();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    if (process.env.LIGHTVIBES_BATCH_STATS) {
      const cpu = process.cpuUsage();
      console.error(`lightvibes: group commit: ${batchStats.requests} requests in ${batchStats.batches} commits, ${batchStats.ms.toFixed(0)} ms inside them; `
        + `process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (${((cpu.user + cpu.system) / 1000 / Math.max(1, batchStats.requests)).toFixed(3)} ms per API request, start-up included)`);
      const s = storage.syncStats;
      const rt = (p: number) => (s.roundTripNs.percentile(p) / 1e6).toFixed(2);
      console.error(`lightvibes: WAL fdatasync: ${s.syncs} syncs (${s.asyncSyncs} off the event loop), mean ${(s.ms / Math.max(1, s.syncs)).toFixed(3)} ms; `
        + `off the loop, from asking for a sync to its callback: p50 ${rt(50)} ms, p99 ${rt(99)} ms, max ${(s.roundTripNs.max / 1e6).toFixed(2)} ms`);
      const c = await storage.checkpointStats();
      if (c) console.error(`lightvibes: WAL checkpoints on the worker thread: ${c.runs} runs, ${c.passes} passes, ${c.ms.toFixed(0)} ms, WAL at most ${c.maxLogFrames} frames`);
      if (loopDelay) {
        const ms = (ns: number) => (ns / 1e6).toFixed(2);
        console.error(`lightvibes: event-loop delay (perf_hooks, 1 ms resolution): p50 ${ms(loopDelay.percentile(50))} ms, p99 ${ms(loopDelay.percentile(99))} ms, max ${ms(loopDelay.max)} ms`);
      }
    }
    clearInterval(ticker);
    clearInterval(checkpointer);
    clearInterval(pruner);
    await engineThread?.terminate();
    engine?.destroy();
    await server.close();
    if (service.evidence.uncheckpointed > 0) service.checkpoint();
    service.close();
    storage.close();
    sealer.destroy();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { service, server, stop };
}

if (!isMainThread && workerData?.kind === ENGINE_WORKER) runQkdEngineWorker(workerData.pulses);
else if (isMainThread && import.meta.url === `file://${process.argv[1]}`) await serve(parseServeArgs(process.argv.slice(2)));

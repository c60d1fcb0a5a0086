/** A real key server on loopback for the HTTPS suites: SQLite, file KEK, dev PKI from openssl, a simulated link. */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeClock } from '../hal/node/clock.ts';
import { NodeEntropy } from '../hal/node/entropy.ts';
import { FileSealer } from '../hal/node/file-sealer.ts';
import { startKeyServer, type KeyServer } from '../hal/node/key-server.ts';
import { SqliteStorage } from '../hal/node/sqlite-storage.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { DEFAULT_SERVICE_CONFIG, KeyService } from '../src/agent/service.ts';
import { ensureDevTls } from '../sim/dev-tls.ts';
import { SimKeySupply } from '../sim/key-supply.ts';
import { devMission, type DevMission } from '../sim/mission.ts';

export interface TestServer {
  readonly dir: string;
  readonly tlsDir: string;
  readonly foreignTlsDir: string;
  readonly port: number;
  readonly metricsPort: number;
  readonly service: KeyService;
  readonly supply: SimKeySupply;
  readonly sealer: FileSealer;
  readonly storage: SqliteStorage;
  readonly mission: DevMission;
  readonly logs: string[];
  readonly server: KeyServer;
  stop(): Promise<void>;
}

export async function startTestServer(opts: { blocks?: number } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lv-https-'));
  const tls = ensureDevTls(join(dir, 'tls'), ['sae-a', 'sae-b', 'sae-c']);
  const foreign = ensureDevTls(join(dir, 'foreign-tls'), ['sae-a']);
  const clock = new NodeClock();
  const entropy = new NodeEntropy();
  const mission = devMission(new SimEntropy(77, 'https-mission'), { linkId: 'sim-link-1', wallMs: clock.wallMs() });
  const storage = new SqliteStorage(join(dir, 'lightvibes.db'));
  const sealer = new FileSealer(join(dir, 'kek.bin'));
  const supply = new SimKeySupply({ linkId: 'sim-link-1', entropy, clock, secureRateBps: 0, blockBits: 65_536, initialBlocks: opts.blocks ?? 8 });
  const service = new KeyService({ storage, sealer, clock, entropy, supplies: [supply], mission: mission.policy }, DEFAULT_SERVICE_CONFIG);
  service.tick();
  const logs: string[] = [];
  const server = await startKeyServer({
    service, host: '127.0.0.1', port: 0, metricsPort: 0, log: (l) => logs.push(l), group: (w) => storage.group(w),
    tls: { key: readFileSync(tls.serverKey, 'utf8'), cert: readFileSync(tls.serverCert, 'utf8'), ca: readFileSync(tls.ca, 'utf8') },
  });
  return {
    dir, tlsDir: tls.dir, foreignTlsDir: foreign.dir, port: server.apiPort, metricsPort: server.metricsPort, service, supply, sealer, storage, mission, logs, server,
    stop: async () => {
      await server.close();
      storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

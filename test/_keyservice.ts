/** A key service on simulated ports, for the keystore, policy, evidence and API suites. */
import { SimClock } from '../hal/sim/clock.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { SimSealer } from '../hal/sim/sealer.ts';
import { MemoryStorage } from '../hal/sim/storage.ts';
import type { Sealer } from '../hal/sealer.ts';
import type { Storage } from '../hal/storage.ts';
import { handleRequest, type ApiRequest, type ApiResponse } from '../src/agent/api.ts';
import { DEFAULT_SERVICE_CONFIG, KeyService, type ServiceConfig } from '../src/agent/service.ts';
import { devMission, type DevMission } from '../sim/mission.ts';
import { SimKeySupply } from '../sim/key-supply.ts';

export const LINK = 'sim-link-1';

export interface Fixture {
  readonly clock: SimClock;
  readonly entropy: SimEntropy;
  readonly storage: Storage;
  readonly sealer: Sealer;
  readonly supply: SimKeySupply;
  readonly mission: DevMission;
  readonly service: KeyService;
  readonly call: (req: Partial<ApiRequest> & { method: string; path: string }) => ApiResponse & { json: any };
  /** Every response body the fixture produced (the scanner reads them). */
  readonly bodies: string[];
}

let missionCache: DevMission | undefined;

export function fixture(opts: { seed?: number; blocks?: number; storage?: Storage; sealer?: Sealer; config?: Partial<ServiceConfig>; clock?: SimClock } = {}): Fixture {
  const seed = opts.seed ?? 1;
  const clock = opts.clock ?? new SimClock(Date.UTC(2026, 10, 23, 8, 0, 0));
  const entropy = new SimEntropy(seed, 'keyservice');
  // ML-DSA and ML-KEM key generation is the slow part: one dev mission for the whole process
  missionCache ??= devMission(new SimEntropy(99, 'mission'), { linkId: LINK, wallMs: clock.wallMs() });
  const storage = opts.storage ?? new MemoryStorage();
  const sealer = opts.sealer ?? new SimSealer(new SimEntropy(seed, 'sealer'));
  const supply = new SimKeySupply({ linkId: LINK, entropy, clock, secureRateBps: 0, blockBits: 4096, initialBlocks: opts.blocks ?? 4 });
  const service = new KeyService({ storage, sealer, clock, entropy, supplies: [supply], mission: missionCache.policy }, { ...DEFAULT_SERVICE_CONFIG, ...opts.config });
  service.tick();
  const bodies: string[] = [];
  const call: Fixture['call'] = (req) => {
    const r = handleRequest(service, { listener: 'api', query: {}, caller: 'sae-a', ...req });
    bodies.push(r.body);
    let parsed: any;
    try { parsed = JSON.parse(r.body); } catch { parsed = undefined; }
    return { ...r, json: parsed };
  };
  return { clock, entropy, storage, sealer, supply, mission: missionCache, service, call, bodies };
}

export const session = (f: Fixture, body: unknown = { peer_id: 'sae-b', policy: { min_keybits: 256, ttl_s: 120 } }, caller = 'sae-a') =>
  f.call({ method: 'POST', path: '/lightvibes/session', body: JSON.stringify(body), caller });

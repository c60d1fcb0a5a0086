/**
 * The key service fed by the real QKD engine (`npm run serve` without --dev): a decoy-BB84 block run
 * end to end through the core over simulated photonics (sim/qkd-run.ts), handed to QkdEngineSupply,
 * ingested by the service, and served once — the key a SAE receives is engine key, byte for byte.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimClock } from '../hal/sim/clock.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { SimSealer } from '../hal/sim/sealer.ts';
import { MemoryStorage } from '../hal/sim/storage.ts';
import { handleRequest } from '../src/agent/api.ts';
import { DEFAULT_SERVICE_CONFIG, deliveryAad, KeyService } from '../src/agent/service.ts';
import { base64Decode } from '../src/base64.ts';
import { bytesToHex } from '../src/bytes.ts';
import { referenceKernels } from '../src/kernels/reference.ts';
import { LdpcReconciliation } from '../src/qkd/reconcile-ldpc.ts';
import { QkdEngineSupply } from '../sim/key-supply.ts';
import { devMission } from '../sim/mission.ts';
import { runQkdBlock } from '../sim/qkd-run.ts';
import { ENGINE_SCENARIO } from '../sim/serve.ts';

const LINK = 'sim-link-1';

test('engine supply: an engine block is ingested and served once; the key is the engine block’s key', () => {
  const r = runQkdBlock({ seed: 1, pulses: 2e7, scenario: ENGINE_SCENARIO, kernels: referenceKernels, reconciliation: new LdpcReconciliation() });
  assert.ok(r.alice && r.bob, `the engine refused the block: ${JSON.stringify(r.abort)}`);
  const bobKey = bytesToHex(r.bob.key);
  const clock = new SimClock(Date.UTC(2026, 10, 23, 8, 0, 0));
  const supply = new QkdEngineSupply({ linkId: LINK, clock, lossDb: 2.1, maxReady: 2 });
  assert.is(supply.take(), undefined);
  assert.is(supply.reading().secureKeyRateBps, 0, 'no block yet: no rate');
  supply.accept(r.alice, 2000);
  assert.is(supply.reading().qber, r.alice.qber);
  assert.is(supply.reading().secureKeyRateBps, Math.round(r.alice.keyBits / 2));
  const entropy = new SimEntropy(1, 'engine-test');
  const sealer = new SimSealer(new SimEntropy(1, 'sealer'));
  const mission = devMission(new SimEntropy(99, 'mission'), { linkId: LINK, wallMs: clock.wallMs() });
  const service = new KeyService({ storage: new MemoryStorage(), sealer, clock, entropy, supplies: [supply], mission: mission.policy }, DEFAULT_SERVICE_CONFIG);
  service.tick();
  assert.is(supply.take(), undefined, 'the service took the block');
  const call = (method: string, path: string, body?: unknown) => {
    const res = handleRequest(service, { listener: 'api', query: {}, caller: 'sae-a', method, path, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, json: JSON.parse(res.body) };
  };
  const s = call('POST', '/lightvibes/session', { peer_id: 'sae-b', policy: { min_keybits: 256, ttl_s: 60 } });
  assert.is(s.status, 201);
  assert.is(s.json.mode, 'QMK', 'QKD key, not a PQC fallback');
  const k = call('GET', `/lightvibes/key/${s.json.key_ref}`);
  assert.is(k.status, 200);
  const key = bytesToHex(sealer.unseal(base64Decode(k.json.key_sealed)!, deliveryAad(s.json.key_ref)));
  assert.is(key.length, 64);
  const at = bobKey.indexOf(key);
  assert.ok(at >= 0 && at % 2 === 0, 'the served key is a slice of the block Bob holds too');
  assert.is(call('GET', `/lightvibes/key/${s.json.key_ref}`).status, 404, 'served once');
});

test('engine supply: refusals are counted, unclaimed blocks beyond maxReady are dropped zeroised, bad blocks refused', () => {
  const clock = new SimClock();
  const supply = new QkdEngineSupply({ linkId: LINK, clock, lossDb: 2.1, maxReady: 1 });
  supply.refuse('bob: NO_SECRET_KEY');
  assert.is(supply.counters.refused, 1);
  assert.is(supply.lastRefusal, 'bob: NO_SECRET_KEY');
  const block = (fill: number) => ({
    id: `b${fill}`, protocol: 'bb84-decoy' as const, key: new Uint8Array(16).fill(fill), keyBits: 128, qber: 0.02, testQber: 0.02, policyState: 0 as const,
    stats: { pulses: 1, detections: 1, keyBasis: [1], testBasis: [1], testErrors: [0], frames: 1, failedFrames: 0, errorsCorrected: 0, reconciledBits: 1, reconciledByClass: [1] },
    leakedBits: 0, paSeedHash: '', epsSec: 1e-10, epsCor: 1e-15, bounds: { sX0: 0, sX1: 1, phiX: 0 }, kernels: 'test',
  });
  const first = block(1);
  supply.accept(first as any, 10);
  supply.accept(block(2) as any, 10);
  assert.is(supply.counters.dropped, 1);
  assert.ok(first.key.every((b) => b === 0), 'the dropped block is zeroised');
  assert.is(supply.take()!.id, 'b2');
  assert.throws(() => supply.accept({ ...block(3), keyBits: 4096 } as any, 10), /"block"/);
});

test.run();

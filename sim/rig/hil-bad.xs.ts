/**
 * One bad-input case of the HIL bridge with the agent inside our XS host (lvxs): the steps of
 * test/hil-e2e.test.ts badInput() with the XS backends (the native pulse kernel, the host's event
 * loop and its UDP or serial transport) and no QKD block, so each case costs XS little. The rig
 * (sim/rig/main.ts, started with `--script <kind>@3`) misbehaves once after its third EMIT.
 *
 *   lvxs hil-bad.js <json options>
 *     { transport: "udp", port } | { transport: "serial", path },
 *     slotsPerFrame?, silenceMs?   the bridge's (default 2000 slots a frame, its own silence limit)
 *     pauseMs?     wait this long after the fault before re-syncing (a silent rig talks again later)
 *     maxSyncs?    re-sync tries (default 8), limitMs? the whole run (default 30 s)
 *
 * Steps: sync; emit a 40,000-slot train; transfer (expected to fail with the typed fault); what
 * health(), collect() and emit() say while unhealthy; re-sync until one is clean; a 4,000-slot
 * train through the rig. Prints one line `BAD {json}` of what each step did (the test judges it);
 * only a broken script (not a bad rig) ends without it.
 */
import { HilFaultError, HilPhotonics } from '../../hal/hil/bridge.ts';
import { HilFaultName } from '../../hal/hil/errors.ts';
import { xsPulseKernel } from '../../hal/moddable/pulse.ts';
import { XsHilLoop } from '../../hal/xs/hil-loop.ts';
import { openXsHilTransport } from '../../hal/xs/hil-transport.ts';
import type { PulseTrain } from '../../hal/photonics.ts';

interface BadInputOptions {
  transport: 'udp' | 'serial';
  port?: number;
  path?: string;
  slotsPerFrame?: number;
  silenceMs?: number;
  pauseMs?: number;
  maxSyncs?: number;
  limitMs?: number;
}

/** What a step threw: the error's class, and its typed fault when it is the bridge's. */
interface Thrown { error: string; fault?: number; faultName?: string; message: string }

const o = JSON.parse(scriptArgs[0] ?? '{}') as BadInputOptions;
const SLOT = { period: 1000, gateOffset: 400, gateWidth: 200, delay: 100, width: 200 };

const loop = new XsHilLoop();
const transport = openXsHilTransport(o);
loop.add(transport);
let flip = 0;
const bridge = new HilPhotonics({
  transport, host: loop, kernel: xsPulseKernel(), randomBit: () => (flip ^= 1), slot: SLOT,
  slotsPerFrame: o.slotsPerFrame ?? 2000, ...(o.silenceMs === undefined ? {} : { silenceMs: o.silenceMs }),
});

/** The same trains as the Node table (test/hil-e2e.test.ts), so both runs send the rig the same words. */
function train(count: number, salt: number): PulseTrain {
  const bits = new Uint8Array(count), bases = new Uint8Array(count), intensities = new Uint8Array(count);
  for (let i = 0; i < count; i++) { bits[i] = (i * 7 + salt) & 1; bases[i] = (i >> 2) & 1; intensities[i] = i % 3 === 2 ? 2 : i % 5 === 0 ? 1 : 0; }
  return { count, bits, bases, intensities };
}

function thrown(e: unknown): Thrown {
  if (e instanceof HilFaultError) return { error: e.name, fault: e.fault, faultName: HilFaultName[e.fault], message: e.message };
  // The class, not only `name`: the bridge's internal timeout is an Error subclass that keeps name "Error".
  const error = e instanceof Error ? (e.name !== 'Error' ? e.name : e.constructor.name) : typeof e;
  return { error, message: String((e as Error)?.message ?? e) };
}

/** Runs `f`; null if it returned, else what it threw. */
function throwsOf(f: () => unknown): Thrown | null {
  try { f(); return null; } catch (e) { return thrown(e); }
}

const ms = (since: number) => Math.round((loop.nowUs() - since) / 100) / 10;
const sleep = (pause: number) => new Promise<void>((resolve) => loop.setTimer(pause, resolve));

async function badInput(): Promise<Record<string, unknown>> {
  const steps: Record<string, number> = {};
  let t = loop.nowUs();
  const firstSync = await bridge.sync().then(() => null, thrown);
  const afterFirstSync = bridge.health();
  steps.sync = ms(t);

  t = loop.nowUs();
  const emitted = throwsOf(() => bridge.emit(train(40_000, 1)));
  const transfer = await bridge.transfer().then((d) => ({ detections: d.slots.length }), thrown);
  steps.transfer = ms(t);
  const fault = bridge.fault ?? null;
  const unhealthy = bridge.health();
  const collect = throwsOf(() => bridge.collect());
  const emitWhileUnhealthy = throwsOf(() => bridge.emit(train(10, 2)));

  t = loop.nowUs();
  if (o.pauseMs) await sleep(o.pauseMs);
  const afterPause = bridge.health();
  steps.pause = ms(t);

  // Re-sync as the Node table does: up to maxSyncs tries; each try says how it ended and what health said after it.
  t = loop.nowUs();
  const resyncs: Array<{ outcome: string; healthy: boolean; reason?: string }> = [];
  for (let i = 0; i < (o.maxSyncs ?? 8); i++) {
    const r = await bridge.sync().then(() => null, thrown);
    resyncs.push({ outcome: r ? (r.faultName ?? r.error) : 'ok', ...bridge.health() });
    if (!r) break;
  }
  steps.resync = ms(t);
  const resynced = bridge.health();

  t = loop.nowUs();
  const emitAfter = throwsOf(() => bridge.emit(train(4000, 3)));
  const after = await bridge.transfer().then((d) => ({ detections: d.slots.length }), thrown);
  steps.after = ms(t);
  return { firstSync, afterFirstSync, emitted, transfer, fault, unhealthy, collect, emitWhileUnhealthy, afterPause, resyncs, resynced, emitAfter, after, steps };
}

const t0 = loop.nowUs();
const result = loop.run(badInput(), o.limitMs ?? 30_000);
const total = ms(t0);
bridge.close();
print(`BAD ${JSON.stringify({ ...result, ms: total, bridge: { faults: bridge.stats.faults, rejects: bridge.stats.rejects, syncs: bridge.stats.syncs, retransmits: bridge.stats.retransmits } })}`);

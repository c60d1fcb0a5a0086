/**
 * Hardware in the loop with the agent in our XS host: the agent (sim/rig/hil-agent.xs.ts) runs
 * inside lvxs with the board-side backends — the native pulse kernel, the native QKD kernels, the
 * host's event loop and its UDP or serial transport (native/host/{udp,serial,loop}.c) — and talks
 * to the rig emulator (sim/rig/main.ts) in another process, over UDP on loopback and over a socat
 * pseudo-terminal pair. A clean rig completes a key session (both parties hold the same key); a rig
 * that drops, delays and corrupts frames fails the block in flight closed with the typed fault
 * (CRC), and the session re-syncs and ends in key. Each kind of bad rig input (garbage, another
 * version, a CRC failure, a timestamp out of range, an unhealthy report, silence) runs the table
 * of test/hil-e2e.test.ts with the bridge in XS and no QKD block (sim/rig/hil-bad.xs.ts): the
 * typed fault, unhealthy with its reason, no detections and no train while unhealthy, healthy
 * again only after a clean re-sync. The XS heap figures it prints are guarded with generous
 * bounds (the figures themselves: npm run bench:heap). HIL_XS_LOG=1 prints each run's timings.
 *
 * Blocks of 10^5 pulses keep the XS run near 25 s; the agent's seed 3 yields key in each of the
 * first three blocks against the rig's seed 1 (the rig seeds each frame's channel by frame id).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HilFault, HilFaultName } from '../hal/hil/errors.ts';
import { runXsAgent, runXsBadInput, startRig } from '../sim/rig/xs-agent.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from './xs/harness.ts';

const SEED = 3;
const PULSES = 100_000;
const FRAMES = Math.ceil(PULSES / 16_000);
const work = join(ROOT, 'build', 'hil-xs-test', String(process.pid));
mkdirSync(work, { recursive: true });

/** Runs the XS agent to its end with this file's block size and seed. */
async function xsAgent(options: Record<string, unknown>): Promise<any> {
  const r = await runXsAgent({ seed: SEED, pulses: PULSES, maxBlocks: 1, limitMs: 120_000, ...options });
  if (process.env.HIL_XS_LOG) console.log(JSON.stringify({ ms: r.ms, attempts: r.attempts.map((x: any) => [x.outcome, Math.round(x.ms)]), retransmits: r.bridge.retransmits, heap: { ...r.heap, peak: undefined, base: undefined } }));
  return r;
}

/** Starts a rig with `args`, runs `fn` against it, stops it: what `fn` returned and the rig's counters. */
async function withRig(args: string[], fn: (port: number | undefined) => Promise<any>): Promise<[any, any]> {
  const rig = await startRig(args);
  try {
    const r = await fn(rig.port);
    return [r, await rig.stats()];
  } finally {
    await rig.stats();
  }
}

function assertKey(r: any, what: string): void {
  assert.is(r.attempts.at(-1).outcome, 'key', `${what}: ${JSON.stringify(r.attempts)}`);
  assert.ok(r.keyBits > 500, `${what}: ${r.keyBits} key bits`);
  assert.is(r.sameKey, true, `${what}: both parties hold the same key`);
  assert.match(r.kernels, /^xs: toeplitz native, ldpc native; pulse xs/, `${what}: the XS native kernels ran`);
}

test('XS agent, clean rig over UDP loopback: a key session completes, both parties hold the same key', async () => {
  const [r, stats] = await withRig(['--udp', '0'], (port) => xsAgent({ transport: 'udp', port }));
  assertKey(r, 'udp');
  assert.equal(r.attempts.map((a: any) => a.outcome), ['key']);
  assert.equal(r.bridge.faults, { CLOSED: 1 }, 'no fault but the close');
  assert.is(stats.emits, FRAMES, `10^5 pulses in ${FRAMES} frames of 16,000 slots`);
  assert.is(stats.rejectsIn, 0, 'every frame the XS agent sent was well-formed');
  // The heap of the agent core with the board backends (KiB above the loaded modules): generous bounds, not figures.
  assert.ok(r.heap.idleKiB > 0 && r.heap.idleKiB < 256, `idle agent ${r.heap.idleKiB} KiB`);
  assert.ok(r.heap.heldKiB < 1024, `after a block ${r.heap.heldKiB} KiB`);
  assert.ok(r.heap.peakKiB > r.heap.heldKiB && r.heap.peakKiB < 32 * 1024, `block peak ${r.heap.peakKiB} KiB`);
});

const socat = existsSync('/usr/bin/socat') ? '/usr/bin/socat' : undefined;
(socat ? test : test.skip)('XS agent, clean rig over a serial line (socat pty pair): the same session, the same key', async () => {
  const a = join(work, 'ptyA'), b = join(work, 'ptyB');
  const pair = spawn(socat!, ['pty,raw,echo=0,link=' + a, 'pty,raw,echo=0,link=' + b], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 50));
    const [r, stats] = await withRig(['--serial', b], () => xsAgent({ transport: 'serial', path: a }));
    assertKey(r, 'serial');
    assert.equal(r.attempts.map((x: any) => x.outcome), ['key']);
    assert.is(stats.emits, FRAMES);
    assert.is(stats.rejectsIn, 0);
  } finally {
    pair.kill('SIGTERM');
  }
});

test('XS agent, faulty rig (10 % dropped, 5 % lost inbound, 10 % delayed, a corrupted frame): the block fails closed as CRC, a re-sync, then key', async () => {
  const faulty = ['--udp', '0', '--drop', '0.1', '--drop-in', '0.05', '--delay', '0.1', '--delay-ms', '30', '--script', 'crc@3'];
  const [r, stats] = await withRig(faulty, (port) => xsAgent({ transport: 'udp', port, maxBlocks: 3 }));
  assert.is(r.attempts[0].outcome, 'CRC', `the block in flight at the CRC failure fails closed with the typed fault: ${JSON.stringify(r.attempts)}`);
  assertKey(r, 'faulty');
  assert.ok(r.attempts.at(-1).syncs >= 1, 'key again only after a re-sync');
  assert.ok(r.bridge.faults.CRC >= 1 && r.bridge.syncs >= 2, JSON.stringify(r.bridge.faults));
  assert.ok(stats.dropped > 0 && stats.delayed > 0, JSON.stringify(stats));
});

// ---- bad rig input, one kind at a time, the bridge in XS: test/hil-e2e.test.ts's table, no QKD block

const bad: Array<[string, HilFault, Record<string, number>]> = [
  ['garbage', HilFault.GARBAGE, {}],
  ['version', HilFault.VERSION, {}],
  ['crc', HilFault.CRC, {}],
  ['timestamp', HilFault.TIMESTAMP, {}],
  ['unhealthy', HilFault.RIG_UNHEALTHY, {}],
  // The rig is silent for 2 s: the bridge calls it SILENT after 400 ms; re-syncs fail until it talks again.
  ['silence', HilFault.SILENT, { silenceMs: 400, pauseMs: 1000 }],
];

/** One bad-input case end to end (sim/rig/hil-bad.xs.ts against a rig scripted to misbehave after its 3rd EMIT); throws what went wrong. */
async function xsBadInput(kind: string, fault: HilFault, extra: Record<string, number>): Promise<void> {
  const name = HilFaultName[fault];
  const t = performance.now();
  let lvxsMs = 0;
  const [r, stats] = await withRig(['--udp', '0', '--script', `${kind}@3`], async (port) => {
    const started = performance.now();
    try { return await runXsBadInput({ transport: 'udp', port, ...extra }); } finally { lvxsMs = Math.round(performance.now() - started); }
  });
  // wallMs: with the rig's start (a tsx process); lvxsMs: the XS process alone; xsMs: the steps inside it.
  if (process.env.HIL_XS_LOG) console.log(JSON.stringify({ kind, wallMs: Math.round(performance.now() - t), lvxsMs, xsMs: r.ms, steps: r.steps, resyncs: r.resyncs.map((x: any) => x.outcome), faults: r.bridge.faults }));
  const is = (x: any, what: string) => {
    assert.ok(x, `${kind}: ${what} threw nothing`);
    assert.is(x.error, 'HilFaultError', `${kind}: ${what}: ${x.message}`);
    assert.is(x.fault, fault, `${kind}: ${what} with the typed fault ${name}, got ${x.faultName}`);
  };
  assert.is(r.firstSync, null, `${kind}: the first sync: ${JSON.stringify(r.firstSync)}`);
  assert.is(r.afterFirstSync.healthy, true, `${kind}: healthy after the first sync`);
  assert.is(r.emitted, null, `${kind}: the train is taken`);
  is(r.transfer, 'the transfer');
  assert.is(r.fault, fault, `${kind}: bridge.fault`);
  assert.is(r.unhealthy.healthy, false, `${kind}: unhealthy`);
  assert.ok(r.unhealthy.reason.startsWith(`${name}: `), `${kind}: health says why: ${r.unhealthy.reason}`);
  is(r.collect, 'collect() while unhealthy (no detections)');
  is(r.emitWhileUnhealthy, 'emit() while unhealthy (no new train)');
  assert.is(r.afterPause.healthy, false, `${kind}: still unhealthy before the re-sync`);
  const last = r.resyncs.at(-1);
  assert.equal(last, { outcome: 'ok', healthy: true }, `${kind}: a clean re-sync: ${JSON.stringify(r.resyncs)}`);
  for (const x of r.resyncs.slice(0, -1)) {
    assert.is(x.healthy, false, `${kind}: a failed re-sync leaves it unhealthy: ${JSON.stringify(r.resyncs)}`);
    assert.match(x.reason, /^[A-Z_]+: /, `${kind}: and says why`);
  }
  assert.is(r.resynced.healthy, true);
  assert.is(r.bridge.syncs, 2, `${kind}: healthy only through the two clean syncs`);
  assert.is(r.emitAfter, null, `${kind}: a train after the re-sync is taken`);
  assert.ok(r.after.detections > 500, `${kind}: ${JSON.stringify(r.after)} detections after the re-sync`);
  assert.ok(r.bridge.faults[name] >= 1, JSON.stringify(r.bridge.faults));
  assert.is(stats.rejectsIn, 0, `${kind}: every frame the XS agent sent was well-formed`);
}

test(`XS agent, bad rig input (${bad.map((b) => b[0]).join(', ')}): unhealthy with the typed fault, no detections, healthy again only after a clean re-sync`, async () => {
  // The six rigs and agents run side by side: each case is mostly waiting.
  const results = await Promise.allSettled(bad.map(([kind, fault, extra]) => xsBadInput(kind, fault, extra)));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${bad[i]![0]}: ${(r.reason as Error).message}`] : []));
  assert.equal(failed, []);
});

test('XS host event loop and transports: timer order, promise jobs drained, re-entry refused, no hang, bad inputs refused by name', () => {
  const run = runOnXs(bundleForXs(join(ROOT, 'test/xs/hil-loop.xs.ts'), 'hil-loop'), [], 60_000);
  assert.is(run.status, 0, run.stderr);
  const [r] = taggedLines(run.stdout, 'LOOP');
  assert.is(r.value, 'done');
  assert.equal(r.fired, ['0', '10', '30'], 'due order; the cancelled timer never fires');
  assert.is(r.chain, 4950, 'a chain of 100 awaits settles within one run');
  assert.is(r.rejected, 'RangeError: rig said no');
  assert.match(r.nested, /^TypeError: loop: drain\(\) inside a promise job/);
  assert.match(r.stuck, /^LoopError: .*nothing left to wait for/);
  assert.match(r.limited, /^LoopError: .*did not settle within 50 ms/);
  assert.match(r.inRun, /^LoopError: .*run\(\) inside run\(\)/);
  assert.is(r.udp.strangerKept, true, 'a datagram from a port that is not the peer never reaches the bridge');
  assert.match(r.udp.badAddress, /^TypeError: udp: "peer" expected a dotted IPv4 address/);
  assert.match(r.udp.badPort, /^RangeError: "options.peer.port"/);
  assert.match(r.udp.badLocal, /^RangeError: "options.port"/);
  assert.match(r.udp.notBytes, /^TypeError: "bytes"/);
  assert.equal(r.afterClose, { port: 'Error: udp: closed', send: 'none', pump: false }, 'after close: the socket is gone, sends are dropped');
  assert.match(r.serial.notATty, /serial: \/dev\/null is not a tty/);
  assert.match(r.serial.missing, /serial: open \/nonexistent\/tty: No such file/);
  assert.match(r.serial.badBaud, /^RangeError: serial: "baud"/);
  assert.match(r.serial.noPath, /^TypeError: "options.path"/);
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();

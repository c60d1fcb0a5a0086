/**
 * Hardware in the loop, end to end: the agent's HIL bridge (hal/hil) in this process, the rig
 * emulator (sim/rig) in another, over UDP on loopback and over a socat pseudo-terminal pair.
 * A clean rig completes a key session (both parties hold the same key); a rig that drops, delays
 * and corrupts frames is recovered from (retries, a re-sync after the CRC failure) and still ends
 * in key; each kind of bad rig input (garbage, another version, a CRC failure, a timestamp out
 * of range, an unhealthy report, silence) marks photonics unhealthy with its typed fault, yields
 * no detections, and only a clean re-sync brings it back.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HilFaultError, HilPhotonics, type HilTransport } from '../hal/hil/bridge.ts';
import { HilFault } from '../hal/hil/errors.ts';
import { expectedOnClose, nodeHilHost, SerialHilTransport, UdpHilTransport } from '../hal/hil/node.ts';
import { nodePulseKernel } from '../hal/hil/pulse-node.ts';
import { nodeKernels } from '../hal/node/kernels.ts';
import { bytesToHex } from '../src/bytes.ts';
import { runHilSession } from '../sim/rig/hil-session.ts';
import { type RigProcess, startRig } from '../sim/rig/xs-agent.ts';
import { ROOT } from './xs/harness.ts';

/** Agent seed whose first HIL block yields key with the rig's seed 1 (deterministic: the rig seeds each frame's channel by frame id); about half the seeds do at 2·10^5 pulses. */
const SEED = 4;
const SLOT = { period: 1000, gateOffset: 400, gateWidth: 200, delay: 100, width: 200 };
const work = join(ROOT, 'build', 'hil-test', String(process.pid));
mkdirSync(work, { recursive: true });

type Rig = RigProcess;

function bridgeOver(transport: HilTransport, extra: Partial<ConstructorParameters<typeof HilPhotonics>[0]> = {}): HilPhotonics {
  let flip = 0;
  return new HilPhotonics({ transport, host: nodeHilHost, kernel: nodePulseKernel(), randomBit: () => (flip ^= 1), slot: SLOT, ...extra });
}

async function udpBridge(rig: Rig, extra = {}): Promise<HilPhotonics> {
  return bridgeOver(await UdpHilTransport.open({ peer: { address: '127.0.0.1', port: rig.port! } }), extra);
}

const now = () => performance.now();
/**
 * The whole-session tests test key agreement, not silence detection (the bad-input table does,
 * at 400 ms): on a loaded 2-core CI box a just-started rig process can be starved for longer than
 * the bridge's defaults allow (1.5 s of silence; a sync step's 10 tries of 100 ms), which a clean
 * run must not read as a silent rig. The faulty rig keeps the default retry timeout (its lost
 * frames are retried at that pace).
 */
const SESSION = { silenceMs: 10_000 };
const CLEAN_SESSION = { ...SESSION, retryMs: 400 };

test('clean rig over UDP loopback: a key session completes, both parties hold the same key', async () => {
  const rig = await startRig(['--udp', '0']);
  const bridge = await udpBridge(rig, CLEAN_SESSION);
  assert.equal(bridge.health().healthy, false, 'unhealthy before the first sync');
  const s = await runHilSession(bridge, { seed: SEED, kernels: nodeKernels(), maxBlocks: 1, now });
  bridge.close();
  const stats = await rig.stats();
  assert.equal(s.attempts.map((a) => a.outcome), ['key']);
  assert.ok(s.alice!.keyBits > 1000, `${s.alice!.keyBits} key bits`);
  assert.is(bytesToHex(s.alice!.key), bytesToHex(s.bob!.key));
  assert.equal(bridge.stats.faults, { CLOSED: 1 });
  assert.is(stats.emits, 13, '2·10^5 pulses in 13 frames of 16,000 slots');
  assert.is(stats.rejectsIn, 0);
});

const socat = existsSync('/usr/bin/socat') ? '/usr/bin/socat' : undefined;
(socat ? test : test.skip)('serial line: closing with a read pending (socat pty pair) is quiet, never an unhandled error', async () => {
  const a = join(work, 'ptyC'), b = join(work, 'ptyD');
  const pair = spawn(socat!, ['pty,raw,echo=0,link=' + a, 'pty,raw,echo=0,link=' + b], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 20; i++) {
      const t = await SerialHilTransport.open(a);
      t.onData(() => {});
      await new Promise((r) => setImmediate(r));
      t.close();
      await new Promise((r) => setTimeout(r, 10));
      assert.is(t.lastError, undefined);
    }
  } finally {
    pair.kill('SIGTERM');
  }
  // the race itself (a read pending when close lands) is rare; its policy, directly
  const canceled = Object.assign(new Error('Canceled'), { canceled: true });
  assert.ok(expectedOnClose(true, canceled));
  assert.not.ok(expectedOnClose(false, canceled), 'a cancel nobody asked for is an error');
  assert.not.ok(expectedOnClose(true, new Error('EIO')), 'a real error while closing is still an error');
});

(socat ? test : test.skip)('serial line: both directions flooded at once through socat: every byte arrives, in order', async () => {
  // serialport's own writes, waiting for "writable", stopped the watch for readable: with socat
  // blocked writing to that side, both ends then sat idle and the line stalled for good (2 runs
  // in 3 of this flood at 8 MiB each way; a clean HIL session ended in LOSS). SerialHilTransport
  // writes for itself (hal/hil/node.ts).
  const a = join(work, 'ptyE'), b = join(work, 'ptyF');
  const pair = spawn(socat!, ['pty,raw,echo=0,link=' + a, 'pty,raw,echo=0,link=' + b], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 50));
    const ends = [await SerialHilTransport.open(a), await SerialHilTransport.open(b)] as const;
    const total = 16 << 20, chunk = 32768;
    const got = [0, 0];
    const bad = [0, 0];
    // each side sends the bytes (k + side) & 0xff, k counting from 0, and checks what it hears
    ends.forEach((t, side) => t.onData((bytes) => {
      for (let i = 0; i < bytes.length; i++) if (bytes[i] !== ((got[side]! + i + 1 - side) & 0xff)) bad[side]!++;
      got[side]! += bytes.length;
    }));
    for (let k = 0; k < total; k += chunk)
      ends.forEach((t, side) => t.send(Uint8Array.from({ length: chunk }, (_, i) => (k + i + side) & 0xff)));
    const t0 = now();
    while ((got[0]! < total || got[1]! < total) && now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    const pending = ends.map((t) => t.pendingBytes);
    const errors = ends.map((t) => t.lastError?.message);
    for (const t of ends) t.close();
    assert.equal(got, [total, total], JSON.stringify({ got, pending, errors, ms: now() - t0 }));
    assert.equal(bad, [0, 0], 'every byte as sent');
    assert.equal(pending, [0, 0]);
  } finally {
    pair.kill('SIGTERM');
  }
});

(socat ? test : test.skip)('clean rig over a serial line (socat pty pair): the same session, the same key', async () => {
  const a = join(work, 'ptyA'), b = join(work, 'ptyB');
  const pair = spawn(socat!, ['pty,raw,echo=0,link=' + a, 'pty,raw,echo=0,link=' + b], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 50));
    const rig = await startRig(['--serial', b]);
    const line = await SerialHilTransport.open(a);
    const bridge = bridgeOver(line, CLEAN_SESSION);
    const s = await runHilSession(bridge, { seed: SEED, kernels: nodeKernels(), maxBlocks: 1, now });
    const health = bridge.health();
    bridge.close();
    const stats = await rig.stats();
    // rare on a loaded box (LOSS or SILENT on a clean line, not reproduced on demand): say all we know
    const why = JSON.stringify({ attempts: s.attempts, health, bridge: { ...bridge.stats, recoveryMs: bridge.stats.recoveryMs.length }, lineError: line.lastError?.message, rig: stats });
    assert.equal(s.attempts.map((x) => x.outcome), ['key'], why);
    assert.is(bytesToHex(s.alice!.key), bytesToHex(s.bob!.key));
    assert.is(stats.emits, 13);
  } finally {
    pair.kill('SIGTERM');
  }
});

test('faulty rig (10 % drop, 5 % lost inbound, 10 % delayed, one CRC failure): recovers, re-syncs, ends in key', async () => {
  const rig = await startRig(['--udp', '0', '--drop', '0.1', '--drop-in', '0.05', '--delay', '0.1', '--delay-ms', '30', '--script', 'crc@5']);
  const bridge = await udpBridge(rig, SESSION);
  const s = await runHilSession(bridge, { seed: SEED, kernels: nodeKernels(), maxBlocks: 3, now });
  bridge.close();
  const stats = await rig.stats();
  assert.is(s.attempts[0]!.outcome, 'CRC', 'the block in flight at the CRC failure fails closed with the typed fault');
  assert.is(s.attempts.at(-1)!.outcome, 'key', JSON.stringify(s.attempts));
  assert.ok(s.attempts[1]!.syncs >= 1, 'the next block runs only after a re-sync');
  assert.is(bytesToHex(s.alice!.key), bytesToHex(s.bob!.key));
  assert.ok(bridge.stats.retransmits > 0 && stats.cachedReplies + stats.emits > 0, 'lost frames were asked for again');
  assert.ok(stats.dropped > 0 && stats.delayed > 0);
});

// ---- bad rig input, one kind at a time: a short train, no QKD post-processing

function train(count: number, salt: number) {
  const bits = new Uint8Array(count), bases = new Uint8Array(count), intensities = new Uint8Array(count);
  for (let i = 0; i < count; i++) { bits[i] = (i * 7 + salt) & 1; bases[i] = (i >> 2) & 1; intensities[i] = i % 3 === 2 ? 2 : i % 5 === 0 ? 1 : 0; }
  return { count, bits, bases, intensities };
}

const bad: Array<[string, number, Record<string, number>]> = [
  ['garbage', HilFault.GARBAGE, {}],
  ['version', HilFault.VERSION, {}],
  ['crc', HilFault.CRC, {}],
  ['timestamp', HilFault.TIMESTAMP, {}],
  ['unhealthy', HilFault.RIG_UNHEALTHY, {}],
  ['silence', HilFault.SILENT, { silenceMs: 400 }],
];

/** One bad-input scenario end to end; throws what went wrong. */
async function badInput(kind: string, fault: number, extra: Record<string, number>): Promise<void> {
  const rig = await startRig(['--udp', '0', '--script', `${kind}@3`]);
  const bridge = await udpBridge(rig, { slotsPerFrame: 2000, ...extra });
  try {
    await bridge.sync();
    assert.is(bridge.health().healthy, true, `${kind}: healthy after the first sync`);
    bridge.emit(train(40_000, 1));
    const e = await bridge.transfer().then(() => undefined, (x) => x);
    assert.instance(e, HilFaultError, `${kind}: the transfer fails`);
    assert.is((e as HilFaultError).fault, fault, `${kind}: the typed fault`);
    assert.is(bridge.fault, fault);
    assert.match(bridge.health().reason ?? '', /^[A-Z_]+: /);
    assert.throws(() => bridge.collect(), (x: Error) => x instanceof HilFaultError, `${kind}: no detections while unhealthy`);
    assert.throws(() => bridge.emit(train(10, 2)), (x: Error) => x instanceof HilFaultError, `${kind}: no new train while unhealthy`);
    if (kind === 'silence') await new Promise((r) => setTimeout(r, 1000)); // the rig talks again after its 2 s silence
    let synced = false;
    for (let i = 0; i < 8 && !synced; i++) synced = await bridge.sync().then(() => true, () => false);
    assert.ok(synced, `${kind}: a clean re-sync`);
    assert.is(bridge.health().healthy, true);
    bridge.emit(train(4000, 3));
    const d = await bridge.transfer();
    assert.ok(d.slots.length > 500, `${kind}: ${d.slots.length} detections after the re-sync`);
  } finally {
    bridge.close();
    await rig.stats();
  }
}

test(`bad rig input (${bad.map((b) => b[0]).join(', ')}): unhealthy with the typed fault, no detections, healthy again only after a clean re-sync`, async () => {
  // The six rigs run side by side: each scenario is mostly waiting.
  const results = await Promise.allSettled(bad.map(([kind, fault, extra]) => badInput(kind, fault, extra)));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${bad[i]![0]}: ${(r.reason as Error).message}`] : []));
  assert.equal(failed, []);
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();

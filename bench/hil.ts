/**
 * `npm run bench:hil`: the HIL rig bridge over UDP loopback, the rig emulator in its own process.
 *   1. frames/s: EMIT → DETECTIONS round trips of 16,000-slot frames (32 KB out, the clicks
 *      back), 4 in flight, on a clean rig, and the wire rates they mean;
 *   2. recovery after 10 % frame loss: the same transfer with 10 % of the rig's frames dropped
 *      (and 10 % of ours lost on the way in): each lost frame's recovery time (its first EMIT to
 *      its report, retry timeout included) and the transfer's slowdown against the clean run;
 *   3. codec alone: frames/s to encode + decode a 16,000-slot EMIT in this process.
 * BENCH_HIL_FRAMES (default 200) frames per transfer.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HilPhotonics } from '../hal/hil/bridge.ts';
import { decodeFrame, encodeFrame, HilType } from '../hal/hil/frame.ts';
import { decodeMessage, encodeMessage } from '../hal/hil/messages.ts';
import { nodeHilHost, UdpHilTransport } from '../hal/hil/node.ts';
import { nodePulseKernel } from '../hal/hil/pulse-node.ts';
import { ROOT } from '../test/xs/harness.ts';

const frames = Number(process.env.BENCH_HIL_FRAMES ?? 200);
const spf = 16_000;

async function run(args: string[]) {
  const rig = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sim/rig/main.ts'), '--udp', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const port = await new Promise<number>((res) => rig.stdout!.on('data', (d) => { out += d; const m = /RIG udp (\d+)/.exec(out); if (m) res(Number(m[1])); }));
  const transport = await UdpHilTransport.open({ peer: { address: '127.0.0.1', port } });
  let flip = 0;
  const bridge = new HilPhotonics({ transport, host: nodeHilHost, kernel: nodePulseKernel(), randomBit: () => (flip ^= 1), slotsPerFrame: spf,
    slot: { period: 1000, gateOffset: 400, gateWidth: 200, delay: 100, width: 200 } });
  await bridge.sync();
  const count = frames * spf;
  const train = () => ({ count, bits: Uint8Array.from({ length: count }, (_, i) => (i * 7) & 1), bases: Uint8Array.from({ length: count }, (_, i) => (i >> 3) & 1), intensities: new Uint8Array(count) });
  // warm-up transfer (JIT on both sides), then the timed one
  bridge.emit({ ...train(), count: 4 * spf, bits: new Uint8Array(4 * spf), bases: new Uint8Array(4 * spf), intensities: new Uint8Array(4 * spf) });
  await bridge.transfer();
  const before = { ...bridge.stats, recoveryMs: [] as number[] };
  bridge.stats.recoveryMs.length = 0;
  bridge.emit(train());
  const t = performance.now();
  const d = await bridge.transfer();
  const ms = performance.now() - t;
  const s = bridge.stats;
  bridge.close();
  rig.kill('SIGTERM');
  return { ms, detections: d.slots.length, retransmits: s.retransmits - before.retransmits, recovery: s.recoveryMs.slice(), sent: s.bytesSent - before.bytesSent, received: s.bytesReceived - before.bytesReceived };
}

const clean = await run([]);
console.log(`clean rig: ${frames} frames × ${spf} slots in ${clean.ms.toFixed(0)} ms = ${(frames / clean.ms * 1000).toFixed(0)} frames/s (${(frames * spf / clean.ms / 1000).toFixed(2)} M slots/s); ` +
  `${(clean.sent / clean.ms / 1000).toFixed(1)} MB/s out, ${(clean.received / clean.ms / 1000).toFixed(1)} MB/s in; ${clean.detections} detections, ${clean.retransmits} retransmits`);
const lossy = await run(['--drop', '0.1', '--drop-in', '0.1', '--seed', '2']);
const r = lossy.recovery.slice().sort((a, b) => a - b);
const q = (p: number) => r[Math.min(r.length - 1, Math.floor(p * r.length))] ?? 0;
console.log(`10 % loss each way: ${frames} frames in ${lossy.ms.toFixed(0)} ms = ${(frames / lossy.ms * 1000).toFixed(0)} frames/s (${(lossy.ms / clean.ms).toFixed(2)}× the clean time); ` +
  `${lossy.retransmits} retransmits; recovery per lost frame: median ${q(0.5).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms, max ${(r.at(-1) ?? 0).toFixed(0)} ms over ${r.length} frames`);

const words = Uint16Array.from({ length: spf }, (_, i) => 0x8000 | i);
const n = 300;
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const w = encodeFrame({ type: HilType.EMIT, seq: i, timeUs: i, payload: encodeMessage({ type: HilType.EMIT, frameId: i, firstSlot: 0, words }) });
  const f = decodeFrame(w.subarray(0, -1));
  decodeMessage(f.type, f.payload);
}
const codecMs = performance.now() - t0;
console.log(`codec: encode + decode of a ${spf}-slot EMIT: ${(n / codecMs * 1000).toFixed(0)} frames/s (${(n * 2 * spf / codecMs / 1000).toFixed(1)} MB/s)`);

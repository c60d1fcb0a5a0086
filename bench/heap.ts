/**
 * `npm run bench:heap`: the XS heap (chunks + slots) of the agent core with the board backends,
 * in our XS host, during a HIL key session against the rig emulator over UDP loopback
 * (sim/rig/hil-agent.xs.ts, sim/rig/xs-agent.ts). Figures are bytes above the loaded modules (on a
 * board the preloaded modules sit in flash, not in the heap):
 *   - the HIL agent idle: event loop, UDP transport, bridge, kernels, before the first block;
 *   - peak during the session's post-processing block (sifting, estimation, LDPC, PA, signatures);
 *   - held after the block: the same agent with the key blocks and the cached LDPC code;
 *   - steady state of QSP + key store + policy: a key store on flash files holding the block, the
 *     link policy state and one established QSP session (client end), on top of that agent; apart,
 *     what the first session leaves for good (noble's lazily built tables, cached peer identities).
 * BENCH_HEAP_PULSES (default 100,000) pulses per block; the agent seed 3 yields key at that size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runXsAgent, startRig } from '../sim/rig/xs-agent.ts';

const pulses = Number(process.env.BENCH_HEAP_PULSES ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'lv-heap-'));
const rig = await startRig(['--udp', '0']);
let r: any;
try {
  r = await runXsAgent({ transport: 'udp', port: rig.port, seed: 3, pulses, maxBlocks: 3, steadyDir: dir });
} finally {
  await rig.stats();
  rmSync(dir, { recursive: true, force: true });
}
const h = r.heap, s = h.steady;
const kib = (x: number) => `${x.toFixed(1)} KiB`;
console.log(`XS heap (chunks + slots) above the loaded modules (${kib(h.baseKiB)}), agent in lvxs with the board backends, ${pulses.toLocaleString('en')}-pulse block, ${r.attempts.map((a: any) => a.outcome).join(', ')} (${r.keyBits} key bits, same key: ${r.sameKey}) in ${(r.ms / 1000).toFixed(1)} s`);
console.log(`  HIL agent idle (loop, UDP transport, bridge, kernels):      ${kib(h.idleKiB)}`);
console.log(`  peak during the post-processing block:                     ${kib(h.peakKiB)}`);
console.log(`  held after the block (key blocks, cached LDPC code):       ${kib(h.heldKiB)}`);
if (s) {
  const perSession = s.storeAndPolicyKiB + s.qspClientKiB;
  console.log(`  steady state, QSP + key store + policy on top of the agent: ${kib(perSession)} (key store on flash + policy ${kib(s.storeAndPolicyKiB)}, established QSP client session ${kib(s.qspClientKiB)}; pool ${s.poolBytes} B, QSP state ${s.qspState})`);
  console.log(`    + once per agent: noble's tables built on first use and the cached peer identities: ${kib(s.cryptoTablesKiB)} (all together ${kib(s.totalKiB)})`);
  console.log(`  target ≤ 128 KiB steady state for QSP + key store + policy: ${perSession <= 128 ? 'met' : 'NOT met'} (${kib(perSession)}; with the one-time tables ${kib(s.totalKiB)})`);
} else console.log('  steady state: no key block, not measured');

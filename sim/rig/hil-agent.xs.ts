/**
 * The agent side of the HIL run inside our XS host (lvxs): the same key session as on Node
 * (sim/rig/hil-session.ts: Alice's train to the rig frame by frame, Bob's detections binned from
 * its clicks, the core's post-processing on both sides), with the XS backends: the native pulse
 * kernel (hal/moddable/pulse.ts), the native QKD kernels (hal/xs/kernels.ts), the host's event
 * loop and its UDP or serial transport (hal/xs/hil-loop.ts, hal/xs/hil-transport.ts). The rig
 * emulator runs in another process (sim/rig/main.ts).
 *
 *   lvxs hil-agent.js <json options>
 *     { transport: "udp", port } | { transport: "serial", path },
 *     seed, maxBlocks, maxSyncs?, pulses?, maxAgeUs?, limitMs?,
 *     steadyDir?   a scratch directory: after the session, measure the agent at rest with a key
 *                  store on flash files holding the block, the link policy fed its QBER, and an
 *                  established QSP session keyed from the store (npm run bench:heap)
 *
 * Prints one line `HIL {json}`: the attempts and their typed outcomes, whether both parties hold
 * the same key (never the key), the bridge's counters, and the XS heap (chunks + slots): the
 * agent at rest before and after the session, and the peak of the session's post-processing.
 */
import { HilPhotonics } from '../../hal/hil/bridge.ts';
import { xsPulseKernel } from '../../hal/moddable/pulse.ts';
import { beginPhase, heapBytes } from '../../hal/xs/heap-phase.ts';
import { xsHeap } from '../../hal/xs/heap.ts';
import { XsHilLoop } from '../../hal/xs/hil-loop.ts';
import { openXsHilTransport } from '../../hal/xs/hil-transport.ts';
import { xsKernels } from '../../hal/xs/kernels.ts';
import { FlashStorage } from '../../hal/moddable/flash-storage.ts';
import { xsFlashFiles } from '../../hal/moddable/files-xs.ts';
import { ModdableEntropy } from '../../hal/moddable/entropy.ts';
import { ModdableClock } from '../../hal/moddable/clock.ts';
import { SimSealer } from '../../hal/sim/sealer.ts';
import { KeyStore } from '../../src/keystore/keystore.ts';
import { INITIAL_LINK_STATE, observeQber, type LinkPolicyState } from '../../src/policy/link-state.ts';
import type { KeyBlock } from '../../src/qkd/keyblock.ts';
import { createQspPair, handshake } from '../qsp-pair.ts';
import { runHilSession } from './hil-session.ts';

interface AgentOptions {
  transport: 'udp' | 'serial';
  port?: number;
  path?: string;
  seed: number;
  maxBlocks: number;
  maxSyncs?: number;
  pulses?: number;
  maxAgeUs?: number;
  limitMs?: number;
  steadyDir?: string;
}

const o = JSON.parse(scriptArgs[0] ?? '{}') as AgentOptions;
const SLOT = { period: 1000, gateOffset: 400, gateWidth: 200, delay: 100, width: 200 };
const base = beginPhase(); // the modules are loaded (on a board: preloaded in flash); nothing of the agent exists yet

const loop = new XsHilLoop();
const transport = openXsHilTransport(o);
loop.add(transport);
let flip = 0;
const pulseKernel = xsPulseKernel();
const bridge = new HilPhotonics({
  transport, host: loop, kernel: pulseKernel, randomBit: () => (flip ^= 1), slot: SLOT,
  // XS post-processes a block for seconds while the rig's reports queue: allow them that age.
  maxAgeUs: o.maxAgeUs ?? 120_000_000,
});
const kernels = xsKernels();
const t0 = loop.nowUs();
const idle = xsHeap(true);
beginPhase();
const session = loop.run(runHilSession(bridge, { seed: o.seed, kernels, maxBlocks: o.maxBlocks, maxSyncs: o.maxSyncs, pulses: o.pulses, now: () => loop.nowUs() / 1000 }), o.limitMs);
const peak = xsHeap(false);
const ms = (loop.nowUs() - t0) / 1000;
const health = bridge.health();
const held = xsHeap(true); // the key blocks still referenced, the bridge synced and idle, the LDPC code cached

const a = session.alice, b = session.bob;
let sameKey = false;
if (a && b && a.key.length === b.key.length) {
  let diff = 0;
  for (let i = 0; i < a.key.length; i++) diff |= a.key[i]! ^ b.key[i]!;
  sameKey = diff === 0;
}
const kib = (n: number) => Math.round(n / 102.4) / 10;

/**
 * The agent at rest with what a board keeps between blocks: the key store on flash files (Alice's
 * block sealed into its pool), the link policy state fed the block's QBER, and one established QSP
 * session (the client end; its server is the peer and is dropped before the count). Measured as
 * what these add to the heap on top of the running HIL agent; noble's tables, built once on first
 * use, are counted apart.
 */
function steadyState(dir: string, block: KeyBlock): Record<string, unknown> {
  const clock = new ModdableClock();
  const before = xsHeap(true);
  const storage = new FlashStorage(xsFlashFiles(dir));
  const keystore = new KeyStore(storage, new SimSealer(new ModdableEntropy()), new ModdableEntropy());
  try {
    storage.transaction((tx) => { keystore.ingest(tx, block, 'hil', clock.wallMs()); });
    keystore.settle(true);
  } catch (e) {
    keystore.settle(false);
    throw e;
  }
  let policy: LinkPolicyState = observeQber(INITIAL_LINK_STATE, block.qber, clock.monotonicMs()).state;
  const store = xsHeap(true);
  // A first session builds what noble caches for good (NTT and curve tables) and the peer identities
  // (cached by seed): counted apart, once per agent, not per session.
  let pair: ReturnType<typeof createQspPair> | undefined = createQspPair({ seed: o.seed, keyBlocks: 2 });
  handshake(pair);
  pair = undefined;
  const warm = xsHeap(true);
  pair = createQspPair({ seed: o.seed, keyBlocks: 2 });
  handshake(pair);
  const client = pair.client;
  const state = client.state;
  pair = undefined; // the server end is the peer's: it goes
  const steady = xsHeap(true);
  const r = {
    storeAndPolicyKiB: kib(heapBytes(store) - heapBytes(before)),
    cryptoTablesKiB: kib(heapBytes(warm) - heapBytes(store)),
    qspClientKiB: kib(heapBytes(steady) - heapBytes(warm)),
    totalKiB: kib(heapBytes(steady) - heapBytes(before)),
    poolBytes: keystore.poolBytes('hil'), policy: policy.status, qspState: state,
  };
  policy = INITIAL_LINK_STATE;
  if (client.state !== state) throw new Error('unreachable: the session is kept alive up to here');
  return r;
}
const steady = o.steadyDir && a ? steadyState(o.steadyDir, a) : undefined;
bridge.close();
print(`HIL ${JSON.stringify({
  attempts: session.attempts, keyBits: a?.keyBits ?? 0, sameKey, keyId: a?.id, ms, health,
  kernels: `${a?.kernels ?? kernels.runtime}; pulse ${pulseKernel.runtime}`,
  bridge: { ...bridge.stats, recoveryMs: bridge.stats.recoveryMs.map((x) => Math.round(x)) },
  heap: {
    baseKiB: kib(heapBytes(base)),
    idleKiB: kib(heapBytes(idle) - heapBytes(base)),
    heldKiB: kib(heapBytes(held) - heapBytes(base)),
    peakKiB: kib(heapBytes(peak, true) - heapBytes(base)),
    peak, base, steady,
  },
})}`);
a?.key.fill(0);
b?.key.fill(0);

/**
 * A key session over the HIL bridge: block after block until one yields key, re-syncing the
 * bridge whenever it is unhealthy. Each attempt says what happened (a typed bridge fault, a
 * typed QKD abort, or key), so a faulty rig shows up as reasons, never as silence or bad key.
 */
import type { Kernels } from '../../hal/kernels.ts';
import { HilFaultError, type HilPhotonics } from '../../hal/hil/bridge.ts';
import { HilFaultName } from '../../hal/hil/errors.ts';
import type { KeyBlock } from '../../src/qkd/keyblock.ts';
import { runHilBlock } from './hil-block.ts';

export interface HilAttempt {
  readonly blockId: number;
  /** 'key', a HilFault name (the bridge failed the block) or a QkdAbort reason name. */
  readonly outcome: string;
  readonly detail?: string;
  readonly ms: number;
  /** Re-syncs this attempt needed first, and the faults that made them fail. */
  readonly syncs: number;
  readonly syncFaults: readonly string[];
}

export interface HilSession {
  readonly alice?: KeyBlock;
  readonly bob?: KeyBlock;
  readonly attempts: readonly HilAttempt[];
}

export async function runHilSession(bridge: HilPhotonics, options: { seed: number; kernels: Kernels; maxBlocks: number; maxSyncs?: number; pulses?: number; now: () => number }): Promise<HilSession> {
  const attempts: HilAttempt[] = [];
  for (let blockId = 1; blockId <= options.maxBlocks; blockId++) {
    const t = options.now();
    let syncs = 0;
    const syncFaults: string[] = [];
    while (!bridge.health().healthy) {
      if (syncs++ >= (options.maxSyncs ?? 5)) return { attempts: [...attempts, { blockId, outcome: 'SYNC_FAILED', detail: bridge.health().reason, ms: options.now() - t, syncs, syncFaults }] };
      try {
        await bridge.sync();
      } catch (e) {
        syncFaults.push(e instanceof HilFaultError ? HilFaultName[e.fault] : String(e));
      }
    }
    const o = await runHilBlock(bridge, options.seed, options.kernels, blockId, options.pulses);
    const ms = options.now() - t;
    if (o.alice && o.bob) {
      attempts.push({ blockId, outcome: 'key', ms, syncs, syncFaults });
      return { alice: o.alice, bob: o.bob, attempts };
    }
    attempts.push({ blockId, outcome: o.fault ?? o.abort!.reason, detail: o.abort?.detail, ms, syncs, syncFaults });
  }
  return { attempts };
}

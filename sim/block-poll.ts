/**
 * The message loop of one key block in the simulator, shared by every driver (sim/qkd-run.ts,
 * sim/run-block.ts, sim/rig/hil-block.ts): after the front end, each party polls in turn — each poll
 * answers the other's last message — until both are done. `turn` is told whose step runs, so a
 * driver can say who refused a block when a typed QkdAbort comes out.
 */
import type { KeyBlock } from '../src/qkd/keyblock.ts';

export interface PollingParty {
  readonly state: string;
  readonly result: KeyBlock | undefined;
  poll(): void;
}

/** Rounds a block needs at most (sifting, estimation, reconciliation, verification, amplification). */
const MAX_ROUNDS = 16;

export function pollToEnd(alice: PollingParty, bob: PollingParty, turn: (who: 'alice' | 'bob') => void): { alice: KeyBlock; bob: KeyBlock } {
  for (let round = 0; alice.state !== 'done' || bob.state !== 'done'; round++) {
    if (round > MAX_ROUNDS) throw new Error(`block did not finish: alice ${alice.state}, bob ${bob.state}`);
    turn('alice');
    alice.poll();
    turn('bob');
    bob.poll();
  }
  return { alice: alice.result!, bob: bob.result! };
}

/**
 * The dev server's trusted-node relay (seed 002): a small simulated network behind
 * GET /v1/relay/routes and POST /v1/relay/keys/request, so a newcomer can try both routes at once.
 *
 *   <local> ── relay-1 ── relay-2 ── kme-b        (trusted relays, 8 / 6 kbit/s links)
 *      └────── relay-3 ──────────── kme-b        (a faster path through a node below the trust floor)
 *   kme-b ── kme-c                               (two hops further for a 3-relay route)
 *
 * Its link pools are simulated streams seeded from the host's entropy at start: keys relayed here
 * are dev keys, like the rest of --dev; a production agent attaches its real QKD link pools instead.
 */
import type { Entropy } from '../hal/entropy.ts';
import type { RelayGraph } from '../src/relay/routes.ts';
import { RelayNetwork, SimRelayService } from './relay-network.ts';

export function devRelayGraph(local: string): RelayGraph {
  return {
    nodes: [
      { id: local, trust: 1 }, { id: 'relay-1', trust: 0.999 }, { id: 'relay-2', trust: 0.995 },
      { id: 'relay-3', trust: 0.8 }, { id: 'kme-b', trust: 1 }, { id: 'kme-c', trust: 1 },
    ],
    links: [
      { a: local, b: 'relay-1', keyRateBps: 8000 }, { a: 'relay-1', b: 'relay-2', keyRateBps: 6000 },
      { a: 'relay-2', b: 'kme-b', keyRateBps: 8000 }, { a: local, b: 'relay-3', keyRateBps: 20_000 },
      { a: 'relay-3', b: 'kme-b', keyRateBps: 20_000 }, { a: 'kme-b', b: 'kme-c', keyRateBps: 10_000 },
    ],
  };
}

export function devRelay(local: string, entropy: Entropy): SimRelayService {
  const [a, b, c, d] = entropy.randomBytes(4);
  const seed = ((a! << 24) | (b! << 16) | (c! << 8) | d!) >>> 0;
  return new SimRelayService(new RelayNetwork({ graph: devRelayGraph(local), seed }), local);
}

/**
 * Route selection for trusted-node relay chains (seed 002: "available relay paths with their
 * cumulative key rates and trust assessments"). Every relay on a route learns K_AB, so a route is
 * only as trustworthy as all its relays together, and only as fast as its slowest link (each link
 * spends as much pool key as the end-to-end key is long):
 *   key rate = min over links of the link's secure key rate
 *   trust    = product over intermediate nodes of their trust (probability none is compromised)
 * A route is eligible when every intermediate node's trust is at least `minNodeTrust`. Routes are
 * ranked eligible first, then by key rate, then trust, then fewer hops.
 */
import { checkInteger, checkNumber } from '../_check.ts';
import { checkNodeId } from '../capsule/identity.ts';

export interface RelayGraph {
  readonly nodes: ReadonlyArray<{ readonly id: string; readonly trust: number }>;
  readonly links: ReadonlyArray<{ readonly a: string; readonly b: string; readonly keyRateBps: number }>;
}

export interface RelayRoute {
  readonly path: readonly string[];
  readonly hops: number;
  readonly keyRateBps: number;
  readonly trust: number;
  readonly eligible: boolean;
}

export interface RoutePolicy {
  readonly maxHops: number;
  readonly minNodeTrust: number;
  readonly limit: number;
}

export const DEFAULT_ROUTE_POLICY: RoutePolicy = { maxHops: 8, minNodeTrust: 0.9, limit: 8 };

export function findRoutes(graph: RelayGraph, from: string, to: string, policy: RoutePolicy = DEFAULT_ROUTE_POLICY): RelayRoute[] {
  checkInteger('policy.maxHops', policy.maxHops, 1, 9);
  checkNumber('policy.minNodeTrust', policy.minNodeTrust, 0, 1);
  checkInteger('policy.limit', policy.limit, 1);
  const trust = new Map<string, number>();
  for (const n of graph.nodes) trust.set(checkNodeId('node.id', n.id), checkNumber(`trust of ${n.id}`, n.trust, 0, 1));
  const adj = new Map<string, Array<{ to: string; rate: number }>>();
  for (const l of graph.links) {
    checkNumber(`rate of ${l.a}-${l.b}`, l.keyRateBps, 0);
    for (const [x, y] of [[l.a, l.b], [l.b, l.a]] as const) {
      let list = adj.get(x);
      if (!list) adj.set(x, (list = []));
      list.push({ to: y, rate: l.keyRateBps });
    }
  }
  if (!trust.has(from) || !trust.has(to) || from === to) return [];
  const out: RelayRoute[] = [];
  const path = [from];
  const seen = new Set([from]);
  const walk = (at: string, rate: number, t: number, eligible: boolean) => {
    if (at === to) {
      out.push({ path: path.slice(), hops: path.length - 1, keyRateBps: rate, trust: t, eligible });
      return;
    }
    if (path.length - 1 >= policy.maxHops) return;
    for (const e of adj.get(at) ?? []) {
      if (seen.has(e.to) || !trust.has(e.to) || e.rate <= 0) continue;
      const relay = e.to !== to;
      const nodeTrust = relay ? trust.get(e.to)! : 1;
      seen.add(e.to);
      path.push(e.to);
      walk(e.to, Math.min(rate, e.rate), t * nodeTrust, eligible && (!relay || nodeTrust >= policy.minNodeTrust));
      path.pop();
      seen.delete(e.to);
    }
  };
  walk(from, Infinity, 1, true);
  out.sort((x, y) => Number(y.eligible) - Number(x.eligible) || y.keyRateBps - x.keyRateBps || y.trust - x.trust || x.hops - y.hops
    || (x.path.join('/') < y.path.join('/') ? -1 : 1));
  return out.slice(0, policy.limit);
}

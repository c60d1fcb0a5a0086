/**
 * A contact plan, as DTN contact graph routing uses it (CCSDS SABR; ION's contact plans): each
 * contact is a scheduled one-way window from one node to a neighbour with a data rate and a
 * one-way light time. Routing is earliest arrival over the plan: a capsule may wait at a node for
 * a later contact, so the first hop of the earliest-arrival path is where it goes next — even if
 * that contact opens only hours from now.
 */
import { checkInteger, checkNumber } from '../_check.ts';
import { checkNodeId } from './identity.ts';

export interface Contact {
  readonly from: string;
  readonly to: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Bytes per second while the window is open. */
  readonly rateBytesPerS: number;
  /** One-way light time (ms). */
  readonly owltMs: number;
}

export interface Route {
  readonly nextHop: string;
  /** The contact the first hop leaves on. */
  readonly contact: number;
  readonly arrivalMs: number;
  readonly hops: number;
}

export class ContactPlan {
  readonly contacts: readonly Contact[];
  private readonly byFrom = new Map<string, number[]>();

  constructor(contacts: readonly Contact[]) {
    contacts.forEach((c, i) => {
      checkNodeId(`contacts[${i}].from`, c.from);
      checkNodeId(`contacts[${i}].to`, c.to);
      if (c.from === c.to) throw new RangeError(`"contacts[${i}]" connects ${c.from} to itself`);
      checkInteger(`contacts[${i}].startMs`, c.startMs);
      checkInteger(`contacts[${i}].endMs`, c.endMs, c.startMs + 1);
      checkNumber(`contacts[${i}].rateBytesPerS`, c.rateBytesPerS, 1);
      checkInteger(`contacts[${i}].owltMs`, c.owltMs);
    });
    this.contacts = contacts.map((c) => ({ ...c }));
    this.contacts.forEach((c, i) => {
      let list = this.byFrom.get(c.from);
      if (!list) this.byFrom.set(c.from, (list = []));
      list.push(i);
    });
  }

  /** Contacts from `from` open at `nowMs`. */
  active(from: string, nowMs: number): number[] {
    return (this.byFrom.get(from) ?? []).filter((i) => this.contacts[i]!.startMs <= nowMs && nowMs < this.contacts[i]!.endMs);
  }

  /** Earliest-arrival route from `from` to `to` leaving no earlier than `nowMs`; undefined if none. */
  route(from: string, to: string, nowMs: number): Route | undefined {
    if (from === to) return undefined;
    const arrival = new Map<string, number>([[from, nowMs]]);
    const first = new Map<string, { hop: string; contact: number; hops: number }>();
    const done = new Set<string>();
    for (;;) {
      let u: string | undefined;
      let best = Infinity;
      for (const [n, t] of arrival) if (!done.has(n) && t < best) { best = t; u = n; }
      if (u === undefined) return undefined;
      if (u === to) {
        const f = first.get(u)!;
        return { nextHop: f.hop, contact: f.contact, arrivalMs: best, hops: f.hops };
      }
      done.add(u);
      for (const i of this.byFrom.get(u) ?? []) {
        const c = this.contacts[i]!;
        if (c.endMs <= best || done.has(c.to)) continue;
        const at = Math.max(best, c.startMs) + c.owltMs;
        if (at < (arrival.get(c.to) ?? Infinity)) {
          arrival.set(c.to, at);
          const via = u === from ? { hop: c.to, contact: i, hops: 1 } : { ...first.get(u)!, hops: first.get(u)!.hops + 1 };
          first.set(c.to, via);
        }
      }
    }
  }
}

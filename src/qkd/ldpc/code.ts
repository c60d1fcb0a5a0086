/**
 * The LDPC code family: a deterministic parity-check matrix H (m × n) for each (n, rate, seed),
 * the same on every runtime. Construction (a fast, girth-conditioned variant of progressive edge
 * growth, Hu, Eleftheriou, Arnold, IEEE Trans. IT 51(1), 2005):
 *   1. m = n − round(rate·n). Variable degrees from profileFor(rate, n) (profiles.ts): node counts
 *      floor(fraction·n) per degree, degree-2 capped at m − 1, degree 3 takes the remainder;
 *      variables are numbered by ascending degree. E edges in all; every check gets the target
 *      degree floor(E/m), the first E mod m checks one more.
 *   2. A seeded permutation π of the checks; degree-2 variable j joins π(j) and π(j+1): one zigzag
 *      chain, so degree-2 nodes never close a cycle among themselves.
 *   3. The other variables, in index order, place their edges one by one (PEG order): among the
 *      checks with the most unfilled sockets, a seeded random one that is not within distance 2
 *      of the variable (so no 4-cycle closes: 8 random draws, then a scan from a random offset,
 *      bucket by bucket, at most SCAN_BUDGET checks per edge in all). If every check with room is that near (late, in dense graphs), an
 *      earlier edge is moved to make room without a 4-cycle (swapIn); when that fails too, the
 *      rule is dropped and the edge is counted in `fourCycleEdges` (after 64 failed swaps the
 *      graph counts as too dense and swaps are no longer tried). Small high-rate codes (n of a
 *      few thousand at rate ≥ 0.7) cannot have girth 6 with these degrees; n = 10^5 has it.
 *   4. Rows and columns are sorted ascending (our own insertion sort: with TypedArray sort on
 *      subarrays, lvxs and Node produced different digests): H is then canonical, and its digest
 *      names it.
 * All randomness is LdpcRandom([seed, n, m, 0x4c445043]) (integer arithmetic only). Exact
 * PEG keeps a breadth-first tree per edge, O(n·m); this marks only the variables that share a
 * check with the variable being placed and tests a candidate check's own variables, O(E·dc).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { LdpcCodeView } from '../../../hal/kernels.ts';
import { checkInteger, checkNumber } from '../../_check.ts';
import { LdpcRandom } from './_prng.ts';
import { profileFor } from './profiles.ts';

/** H in compressed rows (the Kernels view) and compressed columns, with how it was made. */
export interface LdpcCode extends LdpcCodeView {
  /** The rate asked for; the design rate is 1 − m/n. */
  readonly rate: number;
  readonly seed: number;
  /** Column j has rows varChecks[varPtr[j] .. varPtr[j+1]). */
  readonly varPtr: Uint32Array;
  readonly varChecks: Uint32Array;
  /** Edges that had to close a 4-cycle (0 in the usual case: girth ≥ 6). */
  readonly fourCycleEdges: number;
}

export const LDPC_MIN_N = 64;
/** Checks examined per edge before a dense neighbourhood counts as covering them all. */
const SCAN_BUDGET = 256;
export const LDPC_MAX_N = 1 << 22;
export const LDPC_MIN_RATE = 0.4;
export const LDPC_MAX_RATE = 0.97;

export function buildLdpcCode(n: number, rate: number, seed: number): LdpcCode {
  checkInteger('n', n, LDPC_MIN_N, LDPC_MAX_N);
  checkNumber('rate', rate, LDPC_MIN_RATE, LDPC_MAX_RATE);
  checkInteger('seed', seed, 0, 0xffffffff);
  const m = n - Math.round(rate * n);
  const profile = profileFor(rate, n);
  const rng = new LdpcRandom([seed, n, m, 0x4c445043]);

  // 1. Degrees.
  const counts = profile.fractions.map((f) => Math.floor(f * n));
  counts[0] = Math.min(counts[0]!, m - 1);
  counts[1] = n - counts.reduce((a, c, i) => (i === 1 ? a : a + c), 0);
  const varPtr = new Uint32Array(n + 1);
  for (let d = 0, j = 0; d < counts.length; d++)
    for (let c = 0; c < counts[d]!; c++, j++) varPtr[j + 1] = varPtr[j]! + profile.degrees[d]!;
  const edges = varPtr[n]!;
  const base = Math.floor(edges / m);
  const extra = edges - base * m;
  const checkPtr = new Uint32Array(m + 1);
  for (let c = 0; c < m; c++) checkPtr[c + 1] = checkPtr[c]! + base + (c < extra ? 1 : 0);
  const varChecks = new Uint32Array(edges);
  const checkVars = new Uint32Array(edges);
  const fill = new Int32Array(m);
  const room = new Int32Array(m);
  for (let c = 0; c < m; c++) room[c] = base + (c < extra ? 1 : 0);
  const connect = (v: number, slot: number, c: number) => {
    varChecks[varPtr[v]! + slot] = c;
    checkVars[checkPtr[c]! + fill[c]!] = v;
    fill[c]!++;
  };

  // 2. The zigzag chain of degree-2 variables.
  const perm = new Uint32Array(m);
  for (let c = 0; c < m; c++) perm[c] = c;
  for (let i = m - 1; i > 0; i--) {
    const k = rng.below(i + 1);
    const t = perm[i]!;
    perm[i] = perm[k]!;
    perm[k] = t;
  }
  const n2 = counts[0]!;
  for (let j = 0; j < n2; j++) {
    connect(j, 0, perm[j]!);
    connect(j, 1, perm[j + 1]!);
    room[perm[j]!]!--;
    room[perm[j + 1]!]!--;
  }

  // Checks bucketed by room, ascending: bucket k is order[start[k] .. start[k+1]).
  const top0 = base + 1;
  const start = new Int32Array(top0 + 2);
  for (let c = 0; c < m; c++) start[room[c]! + 1]!++;
  for (let k = 1; k < start.length; k++) start[k]! += start[k - 1]!;
  const order = new Int32Array(m);
  const where = new Int32Array(m);
  {
    const next = start.slice();
    for (let c = 0; c < m; c++) {
      where[c] = next[room[c]!]!;
      order[next[room[c]!]!++] = c;
    }
  }
  // One socket of c is filled: c moves from bucket k to the end of bucket k − 1.
  const take = (c: number) => {
    const k = room[c]!;
    const i = where[c]!;
    const j = start[k]!;
    const other = order[j]!;
    order[i] = other;
    where[other] = i;
    order[j] = c;
    where[c] = j;
    start[k]!++;
    room[c]!--;
  };

  // 3. Progressive edge growth for the other variables.
  // c is within distance 2 of v iff c holds a variable that shares a check with v (v itself
  // included): mark[u] = v for the variables of v's checks, and nearTo tests c's few variables.
  // (Marking the checks instead costs every check of every such variable per edge: 7 · 10^8 random
  // writes for n = 4 · 10^5 at rate 0.91, against ~10^8 reads here; the answers are the same.)
  const mark = new Int32Array(n).fill(-1);
  const nearTo = (c: number, v: number) => {
    for (let e = checkPtr[c]!, end = e + fill[c]!; e < end; e++) if (mark[checkVars[e]!] === v) return true;
    return false;
  };
  const adjacent = new Int32Array(m).fill(-1); // adjacent[c] = v: c already holds v
  let top = top0;
  let fourCycleEdges = 0;
  const nearStar = new Int32Array(m).fill(-1); // nearStar[c] = swaps: c is one variable away from c*
  let swaps = 0;
  let failedSwaps = 0; // a graph too dense for girth 6 stops paying for swap attempts
  for (let v = n2; v < n; v++) {
    const degree = varPtr[v + 1]! - varPtr[v]!;
    for (let slot = 0; slot < degree; slot++) {
      while (top > 0 && start[top]! === start[top + 1]!) top--;
      let chosen = -1;
      let budget = SCAN_BUDGET;
      for (let k = top; k > 0 && chosen < 0 && budget > 0; k--) {
        const lo = start[k]!;
        const size = start[k + 1]! - lo;
        if (size === 0) continue;
        for (let t = 0; t < 8 && chosen < 0; t++) {
          const c = order[lo + rng.below(size)]!;
          if (!nearTo(c, v)) chosen = c;
        }
        const off = rng.below(size);
        for (let i = 0; i < size && chosen < 0 && budget > 0; i++, budget--) {
          const c = order[lo + ((off + i) % size)]!;
          if (!nearTo(c, v)) chosen = c;
        }
      }
      if (chosen < 0 && failedSwaps < 64 && swapIn(v, slot, true)) continue;
      if (chosen < 0) {
        fourCycleEdges++;
        const lo = start[1]!;
        const size = m - lo;
        const off = rng.below(size);
        for (let i = 0; i < size && chosen < 0; i++) {
          const c = order[lo + ((off + i) % size)]!;
          if (adjacent[c] !== v) chosen = c;
        }
        // Every check with room already holds v (only in a dense graph's last steps): swap anyway.
        if (chosen < 0 && swapIn(v, slot, false)) continue;
        if (chosen < 0) throw new Error(`LDPC construction stuck at variable ${v} (n=${n}, rate=${rate}, seed=${seed})`);
      }
      connect(v, slot, chosen);
      take(chosen);
      adjacent[chosen] = v;
      if (slot + 1 === degree) continue; // v is complete: its marks are no longer needed
      // The variables of `chosen` now share a check with v.
      for (let e = checkPtr[chosen]!, end = e + fill[chosen]!; e < end; e++) mark[checkVars[e]!] = v;
    }
  }

  // Late in the construction every check with room may be near v. Then an earlier edge (u, c2),
  // c2 not near v, moves to a check c* with room, and v takes the socket it frees on c2, provided
  // that u closes no 4-cycle at c* (`girth`: else only that no edge repeats). Seeded tries, 64
  // with `girth`, otherwise up to 2^20; false if none fits.
  function swapIn(v: number, slot: number, girth: boolean): boolean {
    const lo = start[1]!;
    const star = order[lo + rng.below(m - lo)]!;
    swaps++;
    for (let e = checkPtr[star]!, end = e + fill[star]!; e < end; e++) {
      const w = checkVars[e]!;
      const wEnd = w === v ? varPtr[w]! + slot : varPtr[w + 1]!;
      for (let f = varPtr[w]!; f < wEnd; f++) nearStar[varChecks[f]!] = swaps;
    }
    for (let t = 0, tries = girth ? 64 : 1 << 20; t < tries; t++) {
      const c2 = rng.below(m);
      if ((girth ? nearTo(c2, v) : adjacent[c2] === v) || fill[c2] === 0) continue;
      const e = checkPtr[c2]! + rng.below(fill[c2]!);
      const u = checkVars[e]!;
      let fits = true;
      for (let f = varPtr[u]!; f < varPtr[u + 1]! && fits; f++) {
        const c = varChecks[f]!;
        if (c === star || (girth && c !== c2 && nearStar[c] === swaps)) fits = false;
      }
      if (!fits) continue;
      for (let f = varPtr[u]!; f < varPtr[u + 1]!; f++) if (varChecks[f] === c2) varChecks[f] = star;
      checkVars[checkPtr[star]! + fill[star]!] = u;
      fill[star]!++;
      take(star);
      checkVars[e] = v;
      varChecks[varPtr[v]! + slot] = c2;
      adjacent[c2] = v;
      // v's neighbours afresh: v now holds c2, and u may have joined one of v's checks as c*
      // (u keeps its mark otherwise: leaving c2, not one of v's checks, it still shares the ones it did).
      for (let f = varPtr[v]!; f <= varPtr[v]! + slot; f++) {
        const c = varChecks[f]!;
        for (let g = checkPtr[c]!, end = g + fill[c]!; g < end; g++) mark[checkVars[g]!] = v;
      }
      return true;
    }
    if (girth) failedSwaps++;
    return false;
  }

  // 4. Canonical order.
  for (let c = 0; c < m; c++) sortRange(checkVars, checkPtr[c]!, checkPtr[c + 1]!);
  for (let v = 0; v < n; v++) sortRange(varChecks, varPtr[v]!, varPtr[v + 1]!);
  return { n, m, checkPtr, checkVars, rate, seed, varPtr, varChecks, fourCycleEdges };
}

/** Insertion sort of a[lo .. hi): rows are short, and TypedArray sort on subarrays gave XS and V8 different matrices. */
function sortRange(a: Uint32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

const cache: LdpcCode[] = [];
const CACHE_SIZE = 6;

/** buildLdpcCode, remembered: the last few codes built stay in memory (a large one takes a second or so). */
export function ldpcCode(n: number, rate: number, seed: number): LdpcCode {
  const i = cache.findIndex((c) => c.n === n && c.rate === rate && c.seed === seed);
  if (i >= 0) {
    const [hit] = cache.splice(i, 1);
    cache.push(hit!);
    return hit!;
  }
  const code = buildLdpcCode(n, rate, seed);
  cache.push(code);
  if (cache.length > CACHE_SIZE) cache.shift();
  return code;
}

/** SHA-256 over n, m, checkPtr and checkVars, all big-endian 32-bit words: names a matrix. */
export function ldpcCodeDigest(code: LdpcCodeView): Uint8Array {
  const words = 2 + code.checkPtr.length + code.checkVars.length;
  const out = new Uint8Array(4 * words);
  let o = 0;
  const put = (w: number) => {
    out[o++] = w >>> 24;
    out[o++] = (w >>> 16) & 0xff;
    out[o++] = (w >>> 8) & 0xff;
    out[o++] = w & 0xff;
  };
  put(code.n);
  put(code.m);
  for (const w of code.checkPtr) put(w);
  for (const w of code.checkVars) put(w);
  return sha256(out);
}

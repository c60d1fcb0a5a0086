/**
 * KPIs of a run as the seed names them (000: secure key rate, QBER, time-to-key 256/512 bits,
 * fallback ratio PQC/QMK, energy per bit) plus key-store fill and the policy timeline, as a
 * plain-text table for the terminal and the per-pass listing with elevation profiles.
 */
import type { LinkResult, RunResult } from './run.ts';

const si = (x: number, unit: string): string => {
  if (x === 0) return `0 ${unit}`;
  const prefixes: Array<[number, string]> = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, ''], [1e-3, 'm'], [1e-6, 'µ'], [1e-9, 'n']];
  for (const [f, p] of prefixes) if (Math.abs(x) >= f) return `${(x / f).toPrecision(3)} ${p}${unit}`;
  return `${x.toExponential(2)} ${unit}`;
};
const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(2)} %`);
const secs = (x: number | null) => (x === null ? 'never' : `${x.toFixed(0)} s`);

export function kpiRows(l: LinkResult): Array<[string, string]> {
  const k = l.kpis;
  return [
    ['secure key', `${k.secureBits.toLocaleString('en-US')} bits (${k.blocks} blocks, ${k.refusedBlocks} refused${k.refusedBlocks ? `: ${Object.entries(k.refusals).map(([r, n]) => `${r} ×${n}`).join(', ')}` : ''})`],
    ['secure key rate', `${si(k.secureKeyRateBps, 'bit/s')} over the run, ${si(k.secureKeyRateInContactBps, 'bit/s')} in contact (${k.contactS.toFixed(0)} s)`],
    ['QBER', pct(k.qber)],
    ['time to key', `256 bits: ${secs(k.timeToKey256S)} · 512 bits: ${secs(k.timeToKey512S)}`],
    ['key requests', `${k.requests}: QMK ${k.qmk}, PQC fallback ${k.pqcFallback} (PQC/QMK ${k.fallbackRatio === null ? '∞' : k.fallbackRatio.toFixed(3)})`],
    ['energy', `${si(k.energyJ, 'J')}, ${k.energyPerSecureBitJ === null ? 'no key' : `${si(k.energyPerSecureBitJ, 'J')} per secure bit`}`],
    ['key store', `${k.storeBits.toLocaleString('en-US')} of ${k.storeCapacityBits.toLocaleString('en-US')} bits at the end, peak fill ${pct(k.storeMaxFill)}${k.discardedBits ? `, ${k.discardedBits.toLocaleString('en-US')} bits overflowed` : ''}`],
    ['policy', `final ${k.finalStatus}; ${l.transitions.length} transitions${l.transitions.length ? `: ${l.transitions.slice(0, 6).map((t) => `${t.tS.toFixed(0)} s ${t.from}→${t.to} (${t.reason})`).join(', ')}${l.transitions.length > 6 ? ', …' : ''}` : ''}`],
    ...(Object.keys(k.monitorAlarms).length ? [['monitor alarms', Object.entries(k.monitorAlarms).map(([r, n]) => `${r} (${n} s)`).join(', ')] as [string, string]] : []),
    ...(k.keyKnownToEveBits ? [['KEY KNOWN TO EVE', `${k.keyKnownToEveBits.toLocaleString('en-US')} bits (an attack with no monitor fitted)`] as [string, string]] : []),
  ];
}

function table(rows: Array<[string, string]>, indent = '  '): string {
  const w = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${indent}${a.padEnd(w)}  ${b}`).join('\n');
}

/** The passes of a free-space link, each with its key and an elevation profile every `everyS` seconds. */
export function passListing(l: LinkResult, everyS = 30): string {
  if (!l.passes.length) return '';
  const lines = [`  passes (${l.passes.length}):`];
  l.passes.forEach((p, i) => {
    lines.push(`    #${i + 1} ${p.startS.toFixed(0)}–${p.endS.toFixed(0)} s (${(p.endS - p.startS).toFixed(0)} s), max elevation ${p.maxElevationDeg.toFixed(1)}°, min range ${p.minRangeKm.toFixed(0)} km: ${p.keyBits.toLocaleString('en-US')} secure bits`);
    const pts = (l.timeline ?? []).filter((t) => t.contact && t.tS >= p.startS && t.tS < p.endS);
    if (pts.length) {
      const prof: string[] = [];
      let next = p.startS;
      for (const t of pts) if (t.tS >= next) {
        prof.push(`${(t.tS - p.startS).toFixed(0)}s:${t.elevationDeg.toFixed(0)}°/${t.lossDb.toFixed(1)}dB`);
        next = t.tS + everyS;
      }
      lines.push(`       elevation/loss: ${prof.join(' ')}`);
    }
  });
  return lines.join('\n');
}

const MAX_LINKS_LISTED = 8;

export function formatKpis(r: RunResult): string {
  const out: string[] = [];
  out.push(`LIGHTVIBES simulation — ${r.scenario}`);
  if (r.description) out.push(`  ${r.description}`);
  out.push(table([
    ['seed', String(r.seed)],
    ['scenario hash', r.scenarioHash.slice(0, 16)],
    ['window', `${r.start}, ${r.durationS} s at ${r.stepS} s steps (${r.steps.toLocaleString('en-US')} steps × ${r.links.length} links)`],
  ]));
  const shown = r.links.length <= MAX_LINKS_LISTED ? r.links : [...r.links].sort((a, b) => b.kpis.secureBits - a.kpis.secureBits).slice(0, 3);
  for (const l of shown) {
    out.push(`\nlink ${l.id} (${l.a} ↔ ${l.b}, ${l.channel})`);
    out.push(table(kpiRows(l)));
    const passes = passListing(l);
    if (passes) out.push(passes);
  }
  if (shown.length < r.links.length) out.push(`\n(${r.links.length - shown.length} more links: see the JSON results)`);
  for (const rel of r.relays) {
    const reasons = (m: Readonly<Record<string, number>>) => Object.entries(m).map(([k, n]) => `${k} ×${n}`).join(', ');
    out.push(`\nrelay ${rel.id} (${rel.path[0]} → ${rel.path[rel.path.length - 1]}, K1⊕K2 hop messages): ${rel.requests} end-to-end requests, ` +
      `${rel.keysDelivered} keys identical at both ends, ${rel.keysMismatched} mismatched, PQC fallback ${rel.pqcFallback}${rel.pqcFallback ? ` (${reasons(rel.refusals)})` : ''}; ` +
      `${rel.deliveredBits.toLocaleString('en-US')} bits delivered, end-to-end ${si(rel.endToEndKeyRateBps, 'bit/s')}; routes ${reasons(rel.routes)}` +
      `${rel.injectedHopMessages ? `; attacker hop messages ${rel.injectedHopMessages}: accepted ${rel.injectedAccepted}, rejected ${reasons(rel.injectedRejected)}` : ''}`);
  }
  for (const c of r.classicalAttacks)
    out.push(`\nclassical attack ${c.kind}: ${c.rejected}/${c.attempts} injected frames rejected (${Object.entries(c.reasons).map(([k, n]) => `${k} ×${n}`).join(', ')}), accepted ${c.accepted}, ${c.kind.startsWith('capsule-') ? 'a genuine capsule' : 'the session'} ${c.sessionSurvives ? 'survives' : 'LOST'}${c.failClosed ? `; fail-closed mode closes with ${c.failClosed}` : ''}`);
  if (r.calibration) {
    const c = r.calibration;
    out.push(`\nreal engine (pulse level, ${c.pulses.toLocaleString('en-US')} pulses at ${c.lossDb.toFixed(2)} dB${c.attack ? `, attack ${c.attack}` : ''}): ` +
      `${c.engine.abort ? `refused — ${c.engine.abort}` : `${c.engine.keyBits.toLocaleString('en-US')} secure bits, QBER ${pct(c.engine.qber)}`}` +
      `${c.engine.eveKnownShare !== null ? `; Eve holds ${pct(c.engine.eveKnownShare)} of the sifted bits` : ''}; model: ${c.model.refused ? `no key — ${c.model.refused}` : `${c.model.keyBits.toLocaleString('en-US')} ± ${Math.round(c.model.sigmaBits).toLocaleString('en-US')} bits (1σ of the count scatter)`}, QBER ${pct(c.model.qber)} (${(c.engine.elapsedMs / 1000).toFixed(1)} s)`);
  }
  const t = r.totals;
  out.push(`\ntotal: ${t.secureBits.toLocaleString('en-US')} secure bits, ${t.requests} requests (QMK ${t.qmk}, PQC ${t.pqcFallback}), ` +
    `${t.energyPerSecureBitJ === null ? 'no key' : `${si(t.energyPerSecureBitJ, 'J')}/bit`}; ${t.contactSteps.toLocaleString('en-US')} of ${t.linkSteps.toLocaleString('en-US')} link-steps in contact`);
  const e = r.elapsedMs;
  out.push(`wall time: ${(e.total / 1000).toFixed(2)} s (SGP4 ${(e.propagate / 1000).toFixed(2)} s, steps ${(e.steps / 1000).toFixed(2)} s, real engine ${(e.calibration / 1000).toFixed(2)} s, QSP attacks ${(e.classical / 1000).toFixed(2)} s)`);
  return out.join('\n');
}

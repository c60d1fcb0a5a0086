/**
 * The HTML report: KPI tables and plots made with vega-lite, compiled and rendered to SVG in Node
 * (vega's headless View, renderer 'none'), so producing it needs no browser. Plots: key rate and
 * QBER vs time, key rate vs channel loss against the analytic models of src/qkd/keyrate.ts,
 * elevation vs time for passes, and the policy state timeline. A small page-side check writes
 * any script error into the page (the report test reads it back from headless Chromium).
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { decoyKeyRate, finiteKeyRate, gllpKeyRate, vacuumWeakKeyRate, type KeyRateParams } from '../../src/qkd/keyrate.ts';
import { kpiRows } from '../kpi.ts';
import type { LinkResult, RunResult } from '../run.ts';
import type { Scenario } from '../scenario.ts';

type Spec = Record<string, unknown>;

export async function renderSvg(spec: Spec): Promise<string> {
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const WIDTH = 760;

function rateQberVsTime(l: LinkResult): Spec {
  const rows = (l.timeline ?? []).flatMap((t) => [
    { tS: t.tS, series: 'secure key rate (bit/s)', value: t.contact ? t.rateBps : null },
    ...(t.qber !== null ? [{ tS: t.tS, series: 'QBER (%)', value: 100 * t.qber }] : []),
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: `${l.id}: secure key rate and QBER vs time`,
    width: WIDTH, height: 140, data: { values: rows },
    mark: { type: 'line', point: false, interpolate: 'step-after' },
    encoding: {
      x: { field: 'tS', type: 'quantitative', title: 'time (s)' },
      y: { field: 'value', type: 'quantitative', title: null },
      row: { field: 'series', type: 'nominal', title: null },
      color: { field: 'series', type: 'nominal', legend: null },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

function rateVsLoss(l: LinkResult, s: Scenario): Spec {
  const rx = s.receiver;
  const params: Partial<KeyRateParams> = {
    attenuationDbPerKm: 1, bobEfficiency: rx.detectorEfficiency, misalignment: rx.misalignment,
    darkYield: 2 * rx.darkCountProbability, reconciliationEfficiency: rx.reconciliationEfficiency, siftFactor: 0.5,
  };
  const mu = s.source.intensities[0];
  const blocks = l.blocks.filter((b) => b.pulses > 0);
  const maxLoss = Math.max(40, ...blocks.map((b) => b.meanLossDb + 5));
  const curves: Array<{ lossDb: number; model: string; rate: number | null }> = [];
  const pos = (x: number) => (x > 0 ? x : null);
  for (let dB = 0; dB <= maxLoss; dB += maxLoss / 60) {
    curves.push({ lossDb: dB, model: 'decoy, ∞ decoys (Lo–Ma–Chen)', rate: pos(decoyKeyRate(mu, dB, params)) });
    curves.push({ lossDb: dB, model: 'vacuum + weak decoy (Ma et al.)', rate: pos(vacuumWeakKeyRate(mu, dB, params, s.source.intensities[1])) });
    curves.push({ lossDb: dB, model: 'no decoys (GLLP)', rate: pos(gllpKeyRate(mu, dB, params)) });
    curves.push({
      lossDb: dB, model: `finite key, N = ${s.security.blockPulses.toExponential(0)} (Lim et al.)`,
      rate: pos(finiteKeyRate(mu, dB, {
        pulses: s.security.blockPulses, keyBasisProbability: s.source.keyBasisProbability, decoyIntensities: [s.source.intensities[1], s.source.intensities[2]],
        probabilities: [...s.source.probabilities] as [number, number, number], epsSec: s.security.epsSec, epsCor: s.security.epsCor,
      }, params)),
    });
  }
  const points = blocks.filter((b) => b.keyBits > 0).map((b) => ({ lossDb: b.meanLossDb, rate: b.keyBits / b.pulses, kind: 'simulated blocks' }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${l.id}: secure key per pulse vs channel loss (fiber: km = dB / α) — simulation against the analytic models`,
    width: WIDTH, height: 260,
    layer: [
      { data: { values: curves.filter((c) => c.rate !== null) }, mark: 'line',
        encoding: { x: { field: 'lossDb', type: 'quantitative', title: 'channel loss (dB)' }, y: { field: 'rate', type: 'quantitative', scale: { type: 'log' }, title: 'secure bits per pulse' }, color: { field: 'model', type: 'nominal', title: 'model' } } },
      { data: { values: points }, mark: { type: 'point', filled: true, color: 'black' },
        encoding: { x: { field: 'lossDb', type: 'quantitative' }, y: { field: 'rate', type: 'quantitative' }, shape: { field: 'kind', type: 'nominal', title: null } } },
    ],
  };
}

function elevationVsTime(l: LinkResult): Spec {
  const rows = (l.timeline ?? []).filter((t) => t.contact && Number.isFinite(t.elevationDeg)).map((t) => {
    const pass = l.passes.findIndex((p) => t.tS >= p.startS && t.tS < p.endS);
    return { tPassS: t.tS - (l.passes[pass]?.startS ?? 0), elevationDeg: t.elevationDeg, lossDb: t.lossDb, pass: `pass ${pass + 1} (${(l.passes[pass]?.keyBits ?? 0).toLocaleString('en-US')} bits)` };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: `${l.id}: elevation during each pass`,
    width: WIDTH, height: 200, data: { values: rows }, mark: 'line',
    encoding: { x: { field: 'tPassS', type: 'quantitative', title: 'time into the pass (s)' }, y: { field: 'elevationDeg', type: 'quantitative', title: 'elevation (°)' }, color: { field: 'pass', type: 'nominal', title: null } },
  };
}

function stateTimeline(r: RunResult): Spec {
  const rows: Array<{ link: string; status: string; from: number; to: number }> = [];
  for (const l of r.links.slice(0, 24)) {
    let status = 'UP';
    let from = 0;
    for (const t of l.transitions) {
      rows.push({ link: l.id, status, from, to: t.tS });
      status = t.to;
      from = t.tS;
    }
    rows.push({ link: l.id, status, from, to: r.durationS });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: 'policy state timeline (UP / SUSPENDED / DEGRADED)',
    width: WIDTH, height: Math.max(40, 18 * Math.min(24, r.links.length)), data: { values: rows }, mark: 'bar',
    encoding: {
      y: { field: 'link', type: 'nominal', title: null }, x: { field: 'from', type: 'quantitative', title: 'time (s)' }, x2: { field: 'to' },
      color: { field: 'status', type: 'nominal', scale: { domain: ['UP', 'SUSPENDED', 'DEGRADED'], range: ['#4c9a2a', '#e0a526', '#c0392b'] } },
    },
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function renderReport(r: RunResult, s: Scenario, kpiText: string): Promise<string> {
  const figures: Array<[string, Spec]> = [];
  const detailed = r.links.filter((l) => l.timeline).slice(0, 4);
  for (const l of detailed) {
    figures.push([`rate-qber-${l.id}`, rateQberVsTime(l)]);
    if (l.passes.length) figures.push([`elevation-${l.id}`, elevationVsTime(l)]);
  }
  const withBlocks = [...r.links].sort((a, b) => b.kpis.secureBits - a.kpis.secureBits)[0];
  if (withBlocks) figures.push([`rate-vs-loss-${withBlocks.id}`, rateVsLoss(withBlocks, s)]);
  figures.push(['state-timeline', stateTimeline(r)]);
  const svgs = await Promise.all(figures.map(async ([id, spec]) => [id, await renderSvg(spec)] as const));
  const tables = r.links.slice(0, 12).map((l) => `<h3>${esc(l.id)} <small>${esc(l.a)} ↔ ${esc(l.b)}, ${l.channel}</small></h3>
<table>${kpiRows(l).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LIGHTVIBES simulation — ${esc(r.scenario)}</title>
<script>window.__errors = []; window.addEventListener('error', (e) => window.__errors.push(String(e.message)));</script>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:960px}th{text-align:left;padding-right:1em;vertical-align:top}
pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:12px}figure{margin:1.5em 0}</style></head>
<body>
<h1>LIGHTVIBES simulation — ${esc(r.scenario)}</h1>
<p>${esc(r.description ?? '')}</p>
<p>seed ${r.seed} · scenario hash <code>${r.scenarioHash}</code> · code <code>${esc(String((r as { codeVersion?: string }).codeVersion ?? ''))}</code></p>
${svgs.map(([id, svg]) => `<figure id="fig-${esc(id)}" class="plot">${svg}</figure>`).join('\n')}
<h2>KPIs per link</h2>
${tables}
<h2>Run summary</h2>
<pre>${esc(kpiText)}</pre>
<div id="render-check">pending</div>
<script>
  const figs = document.querySelectorAll('figure.plot');
  const empty = [...figs].filter((f) => !f.querySelector('svg') || f.querySelector('svg').getBBox().width === 0).map((f) => f.id);
  document.getElementById('render-check').textContent = window.__errors.length || empty.length
    ? 'errors: ' + JSON.stringify({ errors: window.__errors, empty }) : 'ok ' + figs.length + ' plots';
</script>
</body></html>
`;
}

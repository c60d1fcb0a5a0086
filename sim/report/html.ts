/**
 * The HTML report: KPI tables and plots made with vega-lite, compiled and rendered to SVG in Node
 * (vega's headless View, renderer 'none'), so producing it needs no browser. Plots: key rate and
 * QBER vs time, key rate vs channel loss against the analytic models of src/qkd/keyrate.ts,
 * elevation vs time for passes, the policy state timeline, and — when contact windows are short
 * against the run (a 24 h run with 5-minute passes) — each window zoomed: key rate, QBER, elevation
 * and policy state against seconds into the pass. A small page-side check writes
 * any script error into the page (the report test reads it back from headless Chromium).
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { decoyKeyRate, finiteKeyRate, gllpKeyRate, vacuumWeakKeyRate, type KeyRateParams } from '../../src/qkd/keyrate.ts';
import { ldpcEfficiency } from '../channel/block-key.ts';
import { basisShares } from '../channel/counts.ts';
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
    // f: the scenario's what-if, else what our LDPC plan leaks at the misalignment QBER; q: Alice's
    // key-basis share times Bob's passive 1/2 (channel/counts.ts), as the simulated blocks have it.
    darkYield: 2 * rx.darkCountProbability, reconciliationEfficiency: rx.reconciliationEfficiency ?? ldpcEfficiency(Math.max(0.001, rx.misalignment)),
    siftFactor: basisShares(s.source)[0],
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
        // Bob's receiver is passive 50:50 (as the simulated photonics and the engine)
        pulses: s.security.blockPulses, keyBasisProbability: s.source.keyBasisProbability, receiverKeyBasisProbability: 0.5, decoyIntensities: [s.source.intensities[1], s.source.intensities[2]],
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

/** Contact windows of a link (its passes; for links without passes, none): [start, end) in s. */
function contactWindows(l: LinkResult): Array<{ startS: number; endS: number; label: string }> {
  return l.passes.map((p, i) => ({
    startS: p.startS, endS: p.endS,
    label: `${l.id} · pass ${i + 1}: ${hms(p.startS)}–${hms(p.endS)} (${p.endS - p.startS} s), max elevation ${p.maxElevationDeg.toFixed(1)}°, ${p.keyBits.toLocaleString('en-US')} bits`,
  }));
}

const hms = (t: number) => `${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(t % 60)).padStart(2, '0')}`;

/** Windows worth zooming: short against the run (together under a quarter of it). */
export function zoomWindows(l: LinkResult, durationS: number): Array<{ startS: number; endS: number; label: string }> {
  const w = contactWindows(l);
  const inContact = w.reduce((a, x) => a + (x.endS - x.startS), 0);
  return l.timeline && w.length && inContact < durationS / 4 ? w : [];
}

export const MAX_ZOOM_WINDOWS = 8;
const ZOOM_MARGIN_S = 30;

/**
 * One row per contact window, zoomed to it (± 30 s): secure key rate, QBER, elevation and the
 * policy state, each against seconds into the window — on a 24 h run a 5-minute pass is 0.3 % of
 * the overview's width, here it fills a panel.
 */
function windowZoom(l: LinkResult, windows: ReadonlyArray<{ startS: number; endS: number; label: string }>): Spec {
  const timeline = l.timeline ?? [];
  const rows = windows.slice(0, MAX_ZOOM_WINDOWS).map((w) => {
    const from = w.startS - ZOOM_MARGIN_S;
    const to = w.endS + ZOOM_MARGIN_S;
    const pts = timeline.filter((t) => t.tS >= from && t.tS <= to);
    const x = { field: 't', type: 'quantitative', title: 's into the pass', scale: { domain: [-ZOOM_MARGIN_S, w.endS - w.startS + ZOOM_MARGIN_S], nice: false } };
    const line = (title: string, values: Array<{ t: number; v: number }>) => ({
      width: 170, height: 90, title: { text: title, fontSize: 11 }, data: { values }, mark: { type: 'line', interpolate: 'step-after', clip: true },
      encoding: { x, y: { field: 'v', type: 'quantitative', title: null } },
    });
    const state: Array<{ t: number; t2: number; status: string }> = [];
    for (let k = 0; k < pts.length; k++) {
      const p = pts[k]!;
      if (!p.contact) continue;
      const next = pts[k + 1]?.tS ?? p.tS + 1;
      const last = state[state.length - 1];
      if (last && last.status === p.status && last.t2 === p.tS - w.startS) last.t2 = next - w.startS;
      else state.push({ t: p.tS - w.startS, t2: next - w.startS, status: p.status });
    }
    return {
      title: { text: w.label, anchor: 'start', fontSize: 12 },
      hconcat: [
        line('secure key rate (bit/s)', pts.filter((t) => t.contact).map((t) => ({ t: t.tS - w.startS, v: t.rateBps }))),
        line('QBER (%)', pts.filter((t) => t.qber !== null).map((t) => ({ t: t.tS - w.startS, v: 100 * t.qber! }))),
        line('elevation (°)', pts.filter((t) => t.contact && Number.isFinite(t.elevationDeg)).map((t) => ({ t: t.tS - w.startS, v: t.elevationDeg }))),
        {
          width: 120, height: 90, title: { text: 'policy state', fontSize: 11 }, data: { values: state }, mark: { type: 'bar', clip: true },
          encoding: {
            x, x2: { field: 't2' },
            color: { field: 'status', type: 'nominal', legend: null, scale: { domain: ['UP', 'SUSPENDED', 'DEGRADED'], range: ['#4c9a2a', '#e0a526', '#c0392b'] } },
            tooltip: { field: 'status', type: 'nominal' },
          },
        },
      ],
    };
  });
  const more = windows.length - rows.length;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${l.id}: each contact window zoomed${more > 0 ? ` (first ${rows.length} of ${windows.length}; all in results.json)` : ''}`,
    vconcat: rows, spacing: 18,
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
  for (const l of detailed.slice(0, 2)) {
    const windows = zoomWindows(l, r.durationS);
    if (windows.length) figures.push([`zoom-${l.id}`, windowZoom(l, windows)]);
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

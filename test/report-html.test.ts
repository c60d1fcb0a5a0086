/**
 * The HTML report: vega-lite plots rendered to SVG in Node, then the page opened in headless
 * Chromium (Debian package `chromium`; .ci/run installs it), which must render it without script
 * errors and with every plot's SVG laid out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatKpis } from '../sim/kpi.ts';
import { renderReport, renderSvg, zoomWindows } from '../sim/report/html.ts';
import { runScenario } from '../sim/run.ts';
import { loadScenario } from '../sim/scenario.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

test('vega-lite renders to SVG in Node', async () => {
  const svg = await renderSvg({ data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }, mark: 'line', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
  assert.match(svg, /^<svg[^>]*>/);
  assert.match(svg, /<path/);
});

/** What headless Chromium's page-side check says about the report. */
function chromiumCheck(html: string): string | undefined {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install the Debian package "chromium" (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'lv-report-'));
  try {
    const page = join(dir, 'report.html');
    writeFileSync(page, html);
    const out = spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', `file://${page}`], { encoding: 'utf8', timeout: 60_000 });
    return /<div id="render-check">([^<]*)<\/div>/.exec(out.stdout ?? '')?.[1] ?? (out.stderr ?? '').slice(-500);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the report of an attacked run renders in headless Chromium with every plot and no errors', async () => {
  const loaded = loadScenario('lab-fiber-attack');
  const r = runScenario(loaded, { seed: 1, calibrate: false });
  const html = await renderReport(r, loaded.scenario, formatKpis(r));
  const plots = html.match(/<figure id="fig-[^"]+" class="plot"><svg/g) ?? [];
  assert.is(plots.length, 3, 'rate+QBER vs time, rate vs loss, state timeline');
  assert.ok(html.includes(r.scenarioHash));
  assert.is(chromiumCheck(html), 'ok 3 plots');
});

test('a 24 h pass run gets each contact window zoomed (key rate, QBER, elevation, state), and it renders', async () => {
  const loaded = loadScenario('sat-ground-pass');
  const r = runScenario(loaded, { seed: 1, calibrate: false });
  const l = r.links[0]!;
  const windows = zoomWindows(l, r.durationS);
  assert.is(windows.length, l.passes.length);
  assert.ok(windows.length >= 1 && windows.every((w) => w.endS - w.startS < r.durationS / 100), 'passes are short against the day');
  const html = await renderReport(r, loaded.scenario, formatKpis(r));
  const zoom = /<figure id="fig-zoom-downlink" class="plot">(<svg[\s\S]*?<\/svg>)<\/figure>/.exec(html)?.[1];
  assert.ok(zoom, 'the zoom figure is there');
  for (const panel of ['secure key rate (bit/s)', 'QBER (%)', 'elevation (°)', 'policy state']) assert.ok(zoom.includes(panel), panel);
  assert.ok(zoom.includes('s into the pass'));
  // a lab run has no contact windows to zoom
  assert.equal(zoomWindows(runScenario(loadScenario('lab-fiber'), { seed: 1, calibrate: false }).links[0]!, 300), []);
  assert.is(chromiumCheck(html), 'ok 5 plots');
});

test.run();

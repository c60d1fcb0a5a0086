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
import { renderReport, renderSvg } from '../sim/report/html.ts';
import { runScenario } from '../sim/run.ts';
import { loadScenario } from '../sim/scenario.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

test('vega-lite renders to SVG in Node', async () => {
  const svg = await renderSvg({ data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }, mark: 'line', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
  assert.match(svg, /^<svg[^>]*>/);
  assert.match(svg, /<path/);
});

test('the report of an attacked run renders in headless Chromium with every plot and no errors', async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install the Debian package "chromium" (.ci/run does)`);
  const loaded = loadScenario('lab-fiber-attack');
  const r = runScenario(loaded, { seed: 1, calibrate: false });
  const html = await renderReport(r, loaded.scenario, formatKpis(r));
  const plots = html.match(/<figure id="fig-[^"]+" class="plot"><svg/g) ?? [];
  assert.is(plots.length, 3, 'rate+QBER vs time, rate vs loss, state timeline');
  assert.ok(html.includes(r.scenarioHash));
  const dir = mkdtempSync(join(tmpdir(), 'lv-report-'));
  try {
    const page = join(dir, 'report.html');
    writeFileSync(page, html);
    const out = spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', `file://${page}`], { encoding: 'utf8', timeout: 60_000 });
    const check = /<div id="render-check">([^<]*)<\/div>/.exec(out.stdout ?? '')?.[1];
    assert.is(check, 'ok 3 plots', `chromium said: ${check ?? (out.stderr ?? '').slice(-500)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

/**
 * Network-scale timing (issue 9): the 12 satellites × 6 ground stations scenario, 24 h at 1 s
 * steps, then the same network cut down in satellites and in duration to show how the cost grows
 * (SGP4 ∝ satellites × steps; link geometry ∝ links × steps; the key-rate work ∝ contact steps).
 *
 *   npx tsx bench/sim-network.ts            full figure + scaling table
 *   npx tsx bench/sim-network.ts --quick    the full figure only
 */
import { loadScenario, checkScenario, type Scenario } from '../sim/scenario.ts';
import { runScenario } from '../sim/run.ts';

const base = loadScenario('network-12x6');
function timed(label: string, scenario: Scenario) {
  const loaded = checkScenario(scenario, base.file);
  const t = performance.now();
  const r = runScenario(loaded, { seed: 1, calibrate: false });
  const ms = performance.now() - t;
  console.log(`${label.padEnd(34)} links ${String(r.links.length).padStart(3)}  steps ${r.steps.toLocaleString('en-US').padStart(7)}  ` +
    `link-steps ${(r.totals.linkSteps / 1e6).toFixed(2).padStart(6)} M  contact ${r.totals.contactSteps.toLocaleString('en-US').padStart(7)}  ` +
    `wall ${(ms / 1000).toFixed(2).padStart(6)} s (SGP4 ${(r.elapsedMs.propagate / 1000).toFixed(2)} s, steps ${(r.elapsedMs.steps / 1000).toFixed(2)} s)  ` +
    `key ${r.totals.secureBits.toLocaleString('en-US')} bits`);
  return ms;
}

timed('12 sats × 6 stations, 24 h, 1 s', base.scenario);
if (!process.argv.includes('--quick')) {
  for (const hours of [6, 12]) timed(`12 × 6, ${hours} h`, { ...base.scenario, durationS: hours * 3600 });
  for (const stations of [['xinglong', 'graz'], ['xinglong', 'graz', 'matera', 'tenerife']])
    timed(`12 × ${stations.length}, 24 h`, { ...base.scenario, nodes: [base.scenario.nodes[0]!, { id: 'stations', kind: 'ground-stations', group: 'ground', stations }] } as Scenario);
}

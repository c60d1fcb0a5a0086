/**
 * `npm start`: the default desktop simulation. For now one seeded BB84 block over the simulated
 * photonics port (a 10 km GYS fiber, see sim/bb84-slice.ts), then its KPIs. Later issues grow it
 * into the full scenario runner.
 *
 *   npm start -- [--seed N] [--pulses N] [--loss-db X] [--json]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_SLICE, runBb84Slice, type SliceConfig } from './bb84-slice.ts';

function fail(message: string): never {
  console.error(`lightvibes: ${message}`);
  process.exit(2);
}

function numberFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) fail(`--${name} expected a number, got "${text}"`);
  return value;
}

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: { seed: { type: 'string' }, pulses: { type: 'string' }, 'loss-db': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    console.log('usage: npm start -- [--seed N] [--pulses N] [--loss-db X] [--json]');
    return;
  }
  const config: SliceConfig = {
    seed: numberFlag('seed', values.seed) ?? DEFAULT_SLICE.seed,
    sifting: { ...DEFAULT_SLICE.sifting, pulses: numberFlag('pulses', values.pulses) ?? 1_000_000 },
    photonics: { ...DEFAULT_SLICE.photonics, lossDb: numberFlag('loss-db', values['loss-db']) ?? DEFAULT_SLICE.photonics.lossDb },
  };
  let result;
  const started = performance.now();
  try {
    result = runBb84Slice(config);
  } catch (e) {
    fail((e as Error).message);
  }
  const ms = performance.now() - started;
  if (values.json) {
    console.log(JSON.stringify({ runtime: 'node', config, result, elapsedMs: ms }, null, 2));
    return;
  }
  const p = config.photonics;
  const sigma = Math.sqrt((result.qber * (1 - result.qber)) / result.sampleSize);
  const rows: Array<[string, string]> = [
    ['scenario', `BB84 sifting slice, ${p.lossDb} dB channel, η_Bob ${p.detectorEfficiency}, μ ${p.meanPhotonNumbers[0]}, e_d ${p.misalignment}`],
    ['seed', String(config.seed)],
    ['pulses', result.pulses.toLocaleString('en-US')],
    ['detections (gain)', `${result.detections.toLocaleString('en-US')} (${(result.detections / result.pulses).toExponential(3)} per pulse)`],
    ['double clicks', String(result.doubleClicks)],
    ['sifted bits', `${result.siftedBits.toLocaleString('en-US')} (${((100 * result.siftedBits) / result.detections).toFixed(1)} % of detections)`],
    ['QBER estimate', `${(100 * result.qber).toFixed(2)} % ± ${(100 * sigma).toFixed(2)} % (${result.sampleErrors} errors in ${result.sampleSize} sampled bits)`],
    ['sifted key', `${result.keyBits.toLocaleString('en-US')} bits per side (before error correction and privacy amplification)`],
    ['transcript (Alice)', result.aliceTranscript],
    ['transcript (Bob)', result.bobTranscript],
    ['runtime', `node ${process.versions.node}, ${ms.toFixed(0)} ms (${((result.pulses / ms) * 1000).toExponential(2)} pulses/s simulated)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('LIGHTVIBES desktop simulation\n');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

main();

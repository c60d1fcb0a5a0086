/**
 * `npm run keyrate`: secure key per pulse against fiber length, 0–160 km in 10 km steps, for
 * BB84 with infinitely many decoys, without decoys (GLLP) and with a vacuum + weak decoy, each
 * at its optimal μ (src/qkd/keyrate.ts; GYS parameters unless overridden).
 *
 *   npm run keyrate -- [--alpha dB/km] [--eta-bob η] [--ed e_d] [--y0 Y0] [--f f] [--q q] [--nu ν] [--json]
 *
 * --json prints only a JSON array of { km, rate_decoy, mu_decoy, rate_nodecoy, mu_nodecoy,
 * rate_vacuum_weak }; μ is 0 where no μ gives key. Bad flags fail with exit code 2.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_WEAK_DECOY, maxDistanceKm, optimalMu, resolveParams, type KeyRateParams } from '../src/qkd/keyrate.ts';

const USAGE = 'usage: npm run keyrate -- [--alpha dB/km] [--eta-bob η] [--ed e_d] [--y0 Y0] [--f f] [--q q] [--nu ν] [--json]';

/** Flag → the parameter it sets. */
const PARAM_FLAGS: Record<string, keyof KeyRateParams> = {
  'alpha': 'attenuationDbPerKm',
  'eta-bob': 'bobEfficiency',
  'ed': 'misalignment',
  'y0': 'darkYield',
  'f': 'reconciliationEfficiency',
  'q': 'siftFactor',
};

function fail(message: string): never {
  console.error(`keyrate: ${message}\n${USAGE}`);
  process.exit(2);
}

function numberFlag(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) fail(`--${name} expected a number, got "${text}"`);
  return value;
}

/** Runs `check` and turns a RangeError/TypeError about a field into a message about its flag. */
function checked<T>(flag: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    fail(`--${flag}: ${(e as Error).message}`);
  }
}

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'alpha': { type: 'string' }, 'eta-bob': { type: 'string' }, 'ed': { type: 'string' }, 'y0': { type: 'string' },
        'f': { type: 'string' }, 'q': { type: 'string' }, 'nu': { type: 'string' },
        'json': { type: 'boolean' }, 'help': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const given: Partial<Record<keyof KeyRateParams, number>> = {};
  for (const [flag, key] of Object.entries(PARAM_FLAGS)) {
    const text = (values as Record<string, unknown>)[flag];
    if (typeof text === 'string') {
      given[key] = numberFlag(flag, text);
      checked(flag, () => resolveParams({ [key]: given[key] }));
    }
  }
  const params = resolveParams(given);
  const nu = typeof values.nu === 'string' ? numberFlag('nu', values.nu) : DEFAULT_WEAK_DECOY;
  checked('nu', () => optimalMu('vacuum-weak', 0, params, nu));

  const rows = [];
  for (let km = 0; km <= 160; km += 10) {
    const decoy = optimalMu('decoy', km, params);
    const noDecoy = optimalMu('gllp', km, params);
    const vacuumWeak = optimalMu('vacuum-weak', km, params, nu);
    rows.push({ km, rate_decoy: decoy.rate, mu_decoy: decoy.mu, rate_nodecoy: noDecoy.rate, mu_nodecoy: noDecoy.mu, rate_vacuum_weak: vacuumWeak.rate, mu_vacuum_weak: vacuumWeak.mu });
  }
  if (values.json) {
    console.log(JSON.stringify(rows.map(({ mu_vacuum_weak: _, ...row }) => row), null, 1));
    return;
  }
  const rate = (r: number) => (r > 0 ? r.toExponential(3) : '0').padStart(10);
  const mu = (r: number, m: number) => (r > 0 ? m.toFixed(3) : '–').padStart(6);
  const p = params;
  console.log(`BB84 key rate per pulse over fiber: α ${p.attenuationDbPerKm} dB/km, η_Bob ${p.bobEfficiency}, e_d ${p.misalignment}, ` +
    `Y0 ${p.darkYield}, f ${p.reconciliationEfficiency}, q ${p.siftFactor}, weak decoy ν ${nu}\n`);
  console.log('    km   decoy (∞)      μ   no decoy      μ   vac+weak      μ');
  for (const r of rows)
    console.log(`${String(r.km).padStart(6)}  ${rate(r.rate_decoy)} ${mu(r.rate_decoy, r.mu_decoy)} ${rate(r.rate_nodecoy)} ${mu(r.rate_nodecoy, r.mu_nodecoy)} ` +
      `${rate(r.rate_vacuum_weak)} ${mu(r.rate_vacuum_weak, r.mu_vacuum_weak)}`);
  const reach = (model: 'decoy' | 'gllp' | 'vacuum-weak') => `${maxDistanceKm(model, params, nu).toFixed(1)} km`;
  console.log(`\nkey up to: decoy (∞) ${reach('decoy')}, no decoy (GLLP) ${reach('gllp')}, vacuum+weak ${reach('vacuum-weak')}`);
}

main();

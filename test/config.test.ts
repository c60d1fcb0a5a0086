/** Bad configuration fails at once, before anything runs, with an error that names the field. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimPhotonics } from '../hal/sim/photonics.ts';
import { DEFAULT_SLICE, runBb84Slice } from '../sim/bb84-slice.ts';

const bad: Array<[string, (c: any) => void, RegExp, ErrorConstructor]> = [
  ['negative loss', (c) => (c.photonics.lossDb = -3), /"config\.photonics\.lossDb" expected a number in \[0, 1000\], got -3/, RangeError],
  ['efficiency above 1', (c) => (c.photonics.detectorEfficiency = 1.5), /"config\.photonics\.detectorEfficiency"/, RangeError],
  ['dark count probability NaN', (c) => (c.photonics.darkCountProbability = NaN), /"config\.photonics\.darkCountProbability" expected a finite number/, TypeError],
  ['dark count probability negative', (c) => (c.photonics.darkCountProbability = -1e-6), /"config\.photonics\.darkCountProbability"/, RangeError],
  ['misalignment above 0.5', (c) => (c.photonics.misalignment = 0.6), /"config\.photonics\.misalignment"/, RangeError],
  ['no mean photon number', (c) => (c.photonics.meanPhotonNumbers = []), /"config\.photonics\.meanPhotonNumbers"/, TypeError],
  ['negative mean photon number', (c) => (c.photonics.meanPhotonNumbers = [-0.1]), /"config\.photonics\.meanPhotonNumbers\[0\]"/, RangeError],
  ['zero pulses', (c) => (c.sifting.pulses = 0), /"config\.sifting\.pulses" expected an integer in \[1, /, RangeError],
  ['fractional pulses', (c) => (c.sifting.pulses = 10.5), /"config\.sifting\.pulses" expected an integer/, TypeError],
  ['sample fraction 0', (c) => (c.sifting.sampleFraction = 0), /"config\.sifting\.sampleFraction" expected a number strictly between 0 and 1/, RangeError],
  ['sample fraction above 1', (c) => (c.sifting.sampleFraction = 1.2), /"config\.sifting\.sampleFraction"/, RangeError],
  ['misspelt option', (c) => (c.photonics.lossdB = 1), /"config\.photonics\.lossdB" is not a known option/, RangeError],
  ['negative seed', (c) => (c.seed = -1), /"config\.seed"/, RangeError],
  ['string where a number goes', (c) => (c.photonics.lossDb = '3'), /"config\.photonics\.lossDb" expected a finite number, got "3"/, TypeError],
];

for (const [name, spoil, message, kind] of bad)
  test(`rejects ${name}`, () => {
    const config = structuredClone(DEFAULT_SLICE) as any;
    spoil(config);
    try {
      runBb84Slice(config);
      assert.unreachable('a bad configuration ran');
    } catch (e: any) {
      assert.instance(e, kind);
      assert.match(e.message, message);
    }
  });

test('the simulated front end refuses a bad configuration before it is built', () => {
  assert.throws(() => createSimPhotonics({ ...DEFAULT_SLICE.photonics, lossDb: -1 }, 1), /"photonics\.lossDb"/);
});

test('the default configuration is valid and runs', () => {
  assert.ok(runBb84Slice(DEFAULT_SLICE).keyBits > 0);
});

test.run();

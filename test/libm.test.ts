/**
 * src/_libm.ts: ln, exp, log2 within a few ulps of Math's, and the same bits everywhere (its
 * results are pinned here; the finite-key and LDPC vectors check them again on XS).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exp, ln, log2 } from '../src/_libm.ts';

const bits = (x: number) => { const v = new DataView(new ArrayBuffer(8)); v.setFloat64(0, x); return v.getBigUint64(0).toString(16); };
const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.abs(b) + Number.MIN_VALUE;

test('ln and log2: within 2e-16 relative of Math.log / Math.log2', () => {
  fc.assert(fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
    assert.ok(close(ln(x), Math.log(x), 4e-16) || Math.abs(ln(x) - Math.log(x)) < 1e-16, `ln(${x}) = ${ln(x)} vs ${Math.log(x)}`);
    assert.ok(close(log2(x), Math.log2(x), 4e-16) || Math.abs(log2(x) - Math.log2(x)) < 1e-15, `log2(${x})`);
  }), { numRuns: 2000 });
  assert.is(ln(1), 0);
  assert.is(log2(1), 0);
});

test('exp: within 4e-16 relative of Math.exp over [−700, 700]', () => {
  fc.assert(fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (x) => {
    assert.ok(close(exp(x), Math.exp(x), 4e-16), `exp(${x}) = ${exp(x)} vs ${Math.exp(x)}`);
  }), { numRuns: 2000 });
  assert.is(exp(0), 1);
});

test('pinned bits: the values the finite-key bound uses', () => {
  assert.equal([exp(0.5), exp(-0.15), exp(-0.0002), ln(1e10 / 21), log2(2e15)].map(bits),
    ['3ffa61298e1e069c', '3feb8aeb7444dce0', '3feffe5c9c8de6c4', '4033fb385814b485', '40496a1a18e20939']);
});

test('bad input is refused by name', () => {
  assert.throws(() => ln(0), /"x"/);
  assert.throws(() => ln(-1), /"x"/);
  assert.throws(() => exp(800), /"x"/);
  assert.throws(() => exp(Number.NaN), /"x"/);
});

test.run();

/**
 * What runs inside lvxs for `npm test`: every golden vector case (from the JSON file named by
 * scriptArgs[0]) through the same suite functions Node runs, then the host checks that only an
 * XS host can answer. One line per result, `VEC {json}` or `CHECK {json}`, read by harness.ts.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { XsClock } from '../../hal/xs/clock.ts';
import { XsEntropy } from '../../hal/xs/entropy.ts';
import { xsHeap } from '../../hal/xs/heap.ts';
import { bytesToHex } from '../../src/bytes.ts';
import { vectorSuites } from '../vectors/suites.ts';
import '../../hal/xs/use-native-kernels.ts';
import '../../hal/moddable/use-native-pulse.ts';

/** Installed by the XS host before any script runs (XS itself has no Web Crypto). */
declare const crypto: { getRandomValues<T extends ArrayBufferView>(array: T): T };

const input = JSON.parse(new TextDecoder().decode(new Uint8Array(native('xs_lv_read_file')(scriptArgs[0]))));

for (const c of input.cases as Array<{ suite: string; name: string; input: unknown }>) {
  try {
    const output = vectorSuites[c.suite]!(c.input);
    print(`VEC ${JSON.stringify({ suite: c.suite, name: c.name, output })}`);
  } catch (e) {
    print(`VEC ${JSON.stringify({ suite: c.suite, name: c.name, error: String(e) })}`);
  }
}

function check(name: string, body: () => string | undefined): void {
  let ok = false;
  let detail: string | undefined;
  try {
    detail = body();
    ok = true;
  } catch (e) {
    detail = String(e);
  }
  print(`CHECK ${JSON.stringify({ name, ok, detail })}`);
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

check('crypto.getRandomValues is installed and fills', () => {
  const a = crypto.getRandomValues(new Uint8Array(64));
  const b = crypto.getRandomValues(new Uint8Array(64));
  expect(bytesToHex(a) !== bytesToHex(b), 'two draws are equal');
  return undefined;
});

check("noble's randomBytes works on XS", () => {
  const r = randomBytes(32);
  expect(r.length === 32 && r.some((x) => x !== 0), 'randomBytes gave 32 zero bytes');
  return undefined;
});

check('ML-KEM-768 and X25519 agree on XS', () => {
  const { publicKey, secretKey } = ml_kem768.keygen();
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey);
  expect(bytesToHex(ml_kem768.decapsulate(cipherText, secretKey)) === bytesToHex(sharedSecret), 'ML-KEM shared secrets differ');
  const a = x25519.utils.randomSecretKey();
  const b = x25519.utils.randomSecretKey();
  const ab = x25519.getSharedSecret(a, x25519.getPublicKey(b));
  const ba = x25519.getSharedSecret(b, x25519.getPublicKey(a));
  expect(bytesToHex(ab) === bytesToHex(ba), 'X25519 shared secrets differ');
  return `ct ${cipherText.length} B`;
});

check('Entropy port: XsEntropy draws from the host', () => {
  const e = new XsEntropy();
  expect(e.randomBytes(100_000).length === 100_000, 'wrong length');
  expect(bytesToHex(e.randomBytes(16)) !== bytesToHex(e.randomBytes(16)), 'repeated output');
  return e.source;
});

check('Clock port: XsClock is monotonic and near the wall clock', () => {
  const c = new XsClock();
  const t0 = c.monotonicMs();
  let t1 = t0;
  for (let i = 0; i < 1000; i++) t1 = c.monotonicMs();
  expect(t1 >= t0, 'monotonic clock went backwards');
  expect(Math.abs(c.wallMs() - Date.now()) < 1000, 'wall clock disagrees with Date.now()');
  return undefined;
});

check('native() caches and refuses unknown names', () => {
  expect(native('xs_lv_heap') === native('xs_lv_heap'), 'native() returned two different functions');
  let refused = false;
  try {
    native('xs_no_such_function');
  } catch (e) {
    refused = e instanceof ReferenceError;
  }
  expect(refused, 'an unknown native name did not throw ReferenceError');
  return undefined;
});

check('Native() classes: host data, receiver checks, close, destructor on GC', () => {
  class Probe extends Native('xs_lv_probe_destructor') {
    constructor(value: number) {
      super();
      native('xs_lv_probe_constructor').call(this, value);
    }
    get value(): number {
      return native('xs_lv_probe_value').call(this);
    }
    close(): void {
      native('xs_lv_probe_close').call(this);
    }
  }
  const probe = new Probe(41);
  expect(probe.value === 41 && probe instanceof Probe, 'host data not kept');
  const refuses = (fn: () => unknown) => {
    try {
      fn();
      return false;
    } catch {
      return true;
    }
  };
  expect(refuses(() => native('xs_lv_probe_value').call({})), 'a plain object was accepted as a probe');
  expect(refuses(() => (Probe as unknown as () => void)()), 'the class was callable without new');
  probe.close();
  expect(refuses(() => probe.value), 'a closed probe still answered');
  const destroyed = native('xs_lv_probe_destroyed')() as number;
  for (let i = 0; i < 100; i++) new Probe(i);
  xsHeap(true);
  const after = native('xs_lv_probe_destroyed')() as number;
  expect(after >= destroyed + 90, `only ${after - destroyed} of 100 dropped probes were destroyed by GC`);
  return undefined;
});

check('heap counters report chunks and slots', () => {
  const h = xsHeap(true);
  expect(h.chunks > 0 && h.slots > 0 && h.peakChunks >= h.chunks && h.peakSlots >= h.slots, JSON.stringify(h));
  return `chunks ${h.chunks} B, slots ${h.slots} B`;
});

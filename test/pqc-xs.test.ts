/**
 * The PQClean AsymmetricCrypto backend of the XS host (hal/xs/pqc-native.ts → native/host/pqc.c →
 * native/kernels/pqc_core.c, X25519 through the host's libcrypto) gives the noble reference's
 * bytes: random seeds, messages, contexts, rnd and m run inside lvxs and compared here with noble
 * on Node, tampered signatures and ciphertexts included; bad input fails by name (in TypeScript and
 * in C); a host without the binding is refused, not replaced. One lvxs run, a second or two.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { noblePqc } from '../src/crypto/pqc-noble.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from './xs/harness.ts';

interface Case { name: string; op: string; args: string[] }

const e = new SimEntropy(31, 'pqc-xs');
const hex = bytesToHex;
const cases: Case[] = [];
for (let i = 0; i < 4; i++) {
  const id = noblePqc.mlDsa65Keygen(e.randomBytes(32));
  const message = e.randomBytes(i * 50);
  const context = e.randomBytes([0, 1, 30, 255][i]!);
  const rnd = e.randomBytes(32);
  const sig = noblePqc.mlDsa65Sign(id.secretKey, message, context, rnd);
  const tampered = sig.slice();
  tampered[i * 700]! ^= 4;
  cases.push(
    { name: `ML-DSA-65 keygen ${i}`, op: 'mlDsa65Keygen', args: [hex(e.randomBytes(32))] },
    { name: `ML-DSA-65 sign ${i}`, op: 'mlDsa65Sign', args: [hex(id.secretKey), hex(message), hex(context), hex(rnd)] },
    { name: `ML-DSA-65 verify ${i}`, op: 'mlDsa65Verify', args: [hex(id.publicKey), hex(message), hex(context), hex(sig)] },
    { name: `ML-DSA-65 verify tampered ${i}`, op: 'mlDsa65Verify', args: [hex(id.publicKey), hex(message), hex(context), hex(tampered)] },
  );
}
for (let i = 0; i < 6; i++) {
  const seed = e.randomBytes(64);
  const kem = noblePqc.mlKem768Keygen(seed);
  const ct = noblePqc.mlKem768Encapsulate(kem.publicKey, e.randomBytes(32)).cipherText;
  ct[i * 150]! ^= 0x80;
  cases.push(
    { name: `ML-KEM-768 keygen ${i}`, op: 'mlKem768Keygen', args: [hex(seed)] },
    { name: `ML-KEM-768 encapsulate ${i}`, op: 'mlKem768Encapsulate', args: [hex(kem.publicKey), hex(e.randomBytes(32))] },
    { name: `ML-KEM-768 implicit rejection ${i}`, op: 'mlKem768Decapsulate', args: [hex(ct), hex(kem.secretKey)] },
  );
}
for (let i = 0; i < 6; i++)
  cases.push(
    { name: `X25519 public ${i}`, op: 'x25519PublicKey', args: [hex(e.randomBytes(32))] },
    { name: `X25519 shared ${i}`, op: 'x25519SharedSecret', args: [hex(e.randomBytes(32)), hex(noblePqc.x25519PublicKey(e.randomBytes(32)))] },
  );
const badEk = noblePqc.mlKem768Keygen(e.randomBytes(64)).publicKey;
badEk[0] = 0xff;
badEk[1]! |= 0x0f;
cases.push(
  { name: 'reject: X25519 low-order point', op: 'x25519SharedSecret', args: [hex(e.randomBytes(32)), '01'.padEnd(64, '0')] },
  { name: 'reject: ML-KEM ek modulus', op: 'mlKem768Encapsulate', args: [hex(badEk), hex(e.randomBytes(32))] },
  { name: 'bad: ML-DSA rnd of 31 bytes', op: 'mlDsa65Sign', args: [hex(new Uint8Array(4032)), '', '', hex(new Uint8Array(31))] },
  { name: 'bad: context of 256 bytes', op: 'mlDsa65Verify', args: [hex(new Uint8Array(1952)), '', hex(new Uint8Array(256)), ''] },
  { name: 'bad: ML-KEM seed of 32 bytes', op: 'mlKem768Keygen', args: [hex(new Uint8Array(32))] },
);

/** What noble answers on Node for a case, in the shape the XS side prints. */
function expected(k: Case): unknown {
  const show = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return hex(v);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, show(x)]));
    return v;
  };
  try {
    return { out: show((noblePqc as unknown as Record<string, (...x: Uint8Array[]) => unknown>)[k.op]!(...k.args.map(hexToBytes))) };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}`, reason: (err as { reason?: number }).reason };
  }
}

mkdirSync(join(ROOT, 'build', 'xs'), { recursive: true });
const casesFile = join(ROOT, 'build', 'xs', `pqc-cases-${process.pid}.json`);
writeFileSync(casesFile, JSON.stringify({ cases }));
const bundle = bundleForXs(join(ROOT, 'test', 'pqc-xs.xs.ts'), 'pqc-xs');
const run = runOnXs(bundle, [casesFile], 120_000);
rmSync(bundle);
rmSync(casesFile);
const info = taggedLines(run.stdout, 'INFO');
const outs = taggedLines(run.stdout, 'OUT');
const checks = taggedLines(run.stdout, 'CHECK');

test('xs pqc: lvxs ran the cases to the end, naming its backend', () => {
  assert.is(run.stderr, '');
  assert.is(run.status, 0, `lvxs exited with ${run.status}`);
  assert.is(outs.length, cases.length);
  assert.is(checks.length, 3, 'XS ran a different number of checks');
  assert.match(info[0].name, /^xs:pqclean\+x25519:/);
  console.log(`    (lvxs: ${info[0].name}; ${cases.length} cases in ${(run.ms / 1000).toFixed(1)} s wall, bundle load included)`);
});

for (const k of cases)
  test(`xs pqc: ${k.name} is noble's answer`, () => {
    const got = outs.find((o) => o.name === k.name);
    assert.ok(got, 'no answer from XS');
    const { name: _, ...answer } = got;
    assert.equal(answer, JSON.parse(JSON.stringify(expected(k))), 'XS differs from noble on Node');
  });

for (const name of [
  'the C side refuses a non-Uint8Array by name, and wrong lengths with BAD_ARGUMENT',
  'a host without the binding: xsPqc() throws PqcBackendError(MISSING), no silent noble',
  'a host without libcrypto: X25519 from noble, and the name says so',
])
  test(`xs pqc: ${name}`, () => {
    const got = checks.find((c) => c.name === name);
    assert.ok(got, 'the check did not run');
    assert.ok(got.ok, got.detail);
  });

test.run();

/**
 * What test/pqc-xs.test.ts runs inside lvxs: the PQClean AsymmetricCrypto backend of the host
 * (hal/xs/pqc-native.ts) on the cases of the JSON file scriptArgs[0] (byte strings as hex),
 * printing `INFO`, `OUT` {name, out} and `CHECK` {name, ok, detail} lines.
 */
import { xsPqc, xsPqcBackend } from '../hal/xs/pqc-native.ts';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { PqcBackendError, PqcBackendFailure } from '../src/crypto/pqc-status.ts';

interface Case { name: string; op: string; args: string[] }

const input = JSON.parse(new TextDecoder().decode(new Uint8Array(native('xs_lv_read_file')(scriptArgs[0]))));
const pqc = xsPqc();
print(`INFO ${JSON.stringify({ backend: xsPqcBackend(), name: pqc.name })}`);
const call = (op: string, a: Uint8Array[]): unknown => (pqc as unknown as Record<string, (...x: Uint8Array[]) => unknown>)[op]!(...a);
const show = (v: unknown): unknown => {
  if (v instanceof Uint8Array) return bytesToHex(v);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, show(x)]));
  return v;
};
for (const k of input.cases as Case[]) {
  try {
    print(`OUT ${JSON.stringify({ name: k.name, out: show(call(k.op, k.args.map(hexToBytes))) })}`);
  } catch (e) {
    print(`OUT ${JSON.stringify({ name: k.name, error: `${(e as Error).name}: ${(e as Error).message}`, reason: (e as { reason?: number }).reason })}`);
  }
}

function check(name: string, body: () => string | undefined): void {
  try {
    print(`CHECK ${JSON.stringify({ name, ok: true, detail: body() })}`);
  } catch (e) {
    print(`CHECK ${JSON.stringify({ name, ok: false, detail: String(e) })}`);
  }
}
const thrown = (body: () => unknown): Error | undefined => {
  try {
    body();
  } catch (e) {
    return e as Error;
  }
  return undefined;
};

check('the C side refuses a non-Uint8Array by name, and wrong lengths with BAD_ARGUMENT', () => {
  const e = thrown(() => native('xs_lv_pqc_ml_kem768_decapsulate')([1, 2], new Uint8Array(2400), new Uint8Array(32)));
  if (!(e instanceof TypeError) || !/"cipherText" expected Uint8Array/.test(e.message)) throw new Error(`got ${String(e)}`);
  const u = (n: number) => new Uint8Array(n);
  const statuses = [
    native('xs_lv_pqc_ml_dsa65_sign')(u(4031), u(1), u(0), u(32), u(3309)),
    native('xs_lv_pqc_ml_dsa65_sign')(u(4032), u(1), u(256), u(32), u(3309)),
    native('xs_lv_pqc_ml_dsa65_sign')(u(4032), u(1), u(0), u(32), u(3308)),
    native('xs_lv_pqc_ml_kem768_encapsulate')(u(1183), u(32), u(1088), u(32)),
    native('xs_lv_pqc_ml_kem768_decapsulate')(u(1088), u(2401), u(32)),
    native('xs_lv_pqc_ml_dsa65_keygen')(u(32), u(1952), u(4031)),
    native('xs_lv_pqc_x25519_shared')(u(32), u(31), u(32)),
  ];
  if (statuses.some((s) => s !== 2)) throw new Error(`statuses ${statuses.join(',')}`);
  return undefined;
});

check('a host without the binding: xsPqc() throws PqcBackendError(MISSING), no silent noble', () => {
  const g = globalThis as unknown as { native: (name: string) => unknown };
  const real = g.native;
  g.native = (name: string) => {
    if (name.startsWith('xs_lv_pqc')) throw new Error(`no native ${name}`);
    return real(name);
  };
  try {
    const e = thrown(() => xsPqc());
    if (!(e instanceof PqcBackendError) || e.reason !== PqcBackendFailure.MISSING) throw new Error(`got ${String(e)}`);
    return e.message;
  } finally {
    g.native = real;
  }
});

check('a host without libcrypto: X25519 from noble, and the name says so', () => {
  const g = globalThis as unknown as { native: (name: string) => unknown };
  const real = g.native;
  g.native = (name: string) => (name === 'xs_lv_pqc_x25519_backend' ? () => '' : real(name));
  let fallback;
  try {
    fallback = xsPqc();
  } finally {
    g.native = real;
  }
  if (fallback.name !== 'xs:pqclean+x25519:noble') throw new Error(`name ${fallback.name}`);
  const sk = hexToBytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  const peer = hexToBytes('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
  for (const b of [fallback, pqc]) {
    // RFC 7748 §6.1
    if (bytesToHex(b.x25519PublicKey(sk)) !== '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a') throw new Error(`${b.name}: public key`);
    if (bytesToHex(b.x25519SharedSecret(sk, peer)) !== '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742') throw new Error(`${b.name}: shared secret`);
  }
  return fallback.name;
});

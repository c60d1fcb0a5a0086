/**
 * What test/xs-crypto.test.ts runs inside lvxs: the libcrypto SymmetricCrypto backend
 * (hal/xs/crypto.ts) on the cases of the JSON file scriptArgs[0] (byte strings as arrays of
 * numbers), printing `INFO`, `OUT` {name, hex} and `ERR` {name, error} lines.
 */
import { AeadAlgorithm } from '../hal/crypto.ts';
import { xsCrypto, xsCryptoBackend } from '../hal/xs/crypto.ts';
import { bytesToHex } from '../src/bytes.ts';

interface Case { name: string; op: 'seal' | 'open' | 'hkdf' | 'hmac' | 'sha256'; aead?: number; args: number[][]; length?: number }

const input = JSON.parse(new TextDecoder().decode(new Uint8Array(native('xs_lv_read_file')(scriptArgs[0]))));
const backend = xsCryptoBackend();
print(`INFO ${JSON.stringify({ backend })}`);
const c = xsCrypto();
print(`INFO ${JSON.stringify({ name: c.name })}`);
const b = (a: number[]) => Uint8Array.from(a);
for (const k of input.cases as Case[]) {
  try {
    const a = k.args.map(b);
    let out: Uint8Array | undefined;
    if (k.op === 'seal') out = c.seal(k.aead as AeadAlgorithm, a[0]!, a[1]!, a[2]!, a[3]!);
    else if (k.op === 'open') out = c.open(k.aead as AeadAlgorithm, a[0]!, a[1]!, a[2]!, a[3]!);
    else if (k.op === 'hkdf') out = c.hkdf(a[0]!, a[1]!, a[2]!, k.length!);
    else if (k.op === 'hmac') out = c.hmacSha256(a[0]!, a[1]!);
    else out = c.sha256(a[0]!);
    print(`OUT ${JSON.stringify({ name: k.name, hex: out === undefined ? null : bytesToHex(out) })}`);
  } catch (e) {
    print(`OUT ${JSON.stringify({ name: k.name, error: String(e) })}`);
  }
}
const key = new Uint8Array(32);
const nonce = new Uint8Array(12);
const calls: Array<[string, () => unknown]> = [
  ['short key', () => c.seal(AeadAlgorithm.AES_256_GCM, key.subarray(1), nonce, new Uint8Array(0), new Uint8Array(4))],
  ['aead 3', () => c.seal(3 as AeadAlgorithm, key, nonce, new Uint8Array(0), new Uint8Array(4))],
  ['output one short', () => c.seal(AeadAlgorithm.AES_256_GCM, key, nonce, new Uint8Array(0), new Uint8Array(4), new Uint8Array(19))],
  ['hkdf length 0', () => c.hkdf(key, key, key, 0)],
  ['binding: out too short', () => native('xs_lv_crypto_sha256')(new Uint8Array(3), new Uint8Array(31))],
  ['binding: key not bytes', () => native('xs_lv_crypto_seal')(1, [1, 2], nonce, new Uint8Array(0), new Uint8Array(0), new Uint8Array(16))],
];
for (const [name, call] of calls) {
  try {
    call();
    print(`ERR ${JSON.stringify({ name, error: null })}`);
  } catch (e) {
    print(`ERR ${JSON.stringify({ name, error: String(e) })}`);
  }
}

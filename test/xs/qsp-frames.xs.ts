/**
 * What test/qsp-frames.test.ts runs inside lvxs: the libcrypto backend's batched calls (sealFrame,
 * openFrame, hkdfWithDigest; hal/xs/crypto.ts → native/host/crypto.c) on the cases of the JSON file
 * scriptArgs[0] (byte strings as arrays of numbers), printing `INFO`, `OUT` {name, hex} and
 * `ERR` {name, error} lines.
 */
import { AeadAlgorithm } from '../../hal/crypto.ts';
import { xsCrypto, xsCryptoBackend } from '../../hal/xs/crypto.ts';
import { bytesToHex } from '../../src/bytes.ts';

interface Case {
  name: string;
  op: 'sealFrame' | 'openFrame' | 'hkdfWithDigest';
  aead?: number;
  headerBytes?: number;
  fixed?: number;
  counter?: number;
  okmLength?: number;
  args: number[][];
}

const input = JSON.parse(new TextDecoder().decode(new Uint8Array(native('xs_lv_read_file')(scriptArgs[0]))));
const backend = xsCryptoBackend();
print(`INFO ${JSON.stringify({ backend })}`);
if (backend) {
  const c = xsCrypto();
  const b = (a: number[]) => Uint8Array.from(a);
  for (const k of input.cases as Case[]) {
    try {
      const a = k.args.map(b);
      let hex: string | null;
      if (k.op === 'sealFrame') {
        // args: key, aadPrefix, header, plaintext; the frame is header ‖ room for nonce and sealed bytes
        const frame = new Uint8Array(k.headerBytes! + 12 + a[3]!.length + 16);
        frame.set(a[2]!);
        c.sealFrame!(k.aead as AeadAlgorithm, a[0]!, a[1]!, k.headerBytes!, k.fixed!, k.counter!, a[3]!, frame);
        hex = bytesToHex(frame);
      } else if (k.op === 'openFrame') {
        const opened = c.openFrame!(k.aead as AeadAlgorithm, a[0]!, a[1]!, k.headerBytes!, a[2]!);
        hex = opened === undefined ? null : bytesToHex(opened);
      } else {
        const okm = new Uint8Array(k.okmLength!);
        const digest = new Uint8Array(32);
        c.hkdfWithDigest!(a[0]!, a[1]!, a[2]!, okm, a[3]!, digest);
        hex = bytesToHex(okm) + bytesToHex(digest);
      }
      print(`OUT ${JSON.stringify({ name: k.name, hex })}`);
    } catch (e) {
      print(`OUT ${JSON.stringify({ name: k.name, error: String(e) })}`);
    }
  }
  const key = new Uint8Array(32);
  const none = new Uint8Array(0);
  const calls: Array<[string, () => unknown]> = [
    ['seal: short key', () => c.sealFrame!(1, key.subarray(1), none, 22, 1, 1, none, new Uint8Array(50))],
    ['seal: aead 3', () => c.sealFrame!(3 as AeadAlgorithm, key, none, 22, 1, 1, none, new Uint8Array(50))],
    ['seal: prefix too long', () => c.sealFrame!(1, key, new Uint8Array(33), 22, 1, 1, none, new Uint8Array(50))],
    ['seal: header 65', () => c.sealFrame!(1, key, none, 65, 1, 1, none, new Uint8Array(93))],
    ['seal: frame one short', () => c.sealFrame!(1, key, none, 22, 1, 1, none, new Uint8Array(49))],
    ['seal: fixed 2^32', () => c.sealFrame!(1, key, none, 22, 2 ** 32, 1, none, new Uint8Array(50))],
    ['seal: counter 2^53', () => c.sealFrame!(1, key, none, 22, 1, 2 ** 53, none, new Uint8Array(50))],
    ['seal: counter 1.5', () => c.sealFrame!(1, key, none, 22, 1, 1.5, none, new Uint8Array(50))],
    ['seal: plaintext over the header', () => { const f = new Uint8Array(60); c.sealFrame!(1, key, none, 22, 1, 1, f.subarray(0, 10), f); }],
    ['open: frame not bytes', () => c.openFrame!(1, key, none, 22, [1, 2, 3] as unknown as Uint8Array)],
    ['open: too short', () => c.openFrame!(1, key, none, 22, new Uint8Array(49))],
    ['hkdf+digest: digest 31', () => c.hkdfWithDigest!(key, key, key, new Uint8Array(32), key, new Uint8Array(31))],
    ['hkdf+digest: okm 0', () => c.hkdfWithDigest!(key, key, key, new Uint8Array(0), key, new Uint8Array(32))],
    ['hkdf+digest: okm over info', () => { const m = new Uint8Array(64); c.hkdfWithDigest!(key, key, m.subarray(0, 20), m.subarray(10, 42), key, new Uint8Array(32)); }],
  ];
  for (const [name, call] of calls) {
    try {
      const r = call();
      print(`ERR ${JSON.stringify({ name, error: null, result: r === undefined ? 'undefined' : String(r) })}`);
    } catch (e) {
      print(`ERR ${JSON.stringify({ name, error: String(e) })}`);
    }
  }
}

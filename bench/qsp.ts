/**
 * `npm run bench:qsp`: QSP v1.0 figures on Node (noble reference and the OpenSSL-accelerated
 * SymmetricCrypto backend) and on XS (lvxs, noble): rekey/s, data-plane throughput as a ratio of raw
 * AEAD in the same run, handshake time per side with where it goes — per AsymmetricCrypto backend
 * side by side (noble vs the PQClean addon on Node, noble vs PQClean in lvxs). `--no-xs` skips XS.
 * Node figures are in process CPU time (see `now`); XS figures in the host's monotonic clock.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSync } from 'esbuild';
import type { SymmetricCrypto } from '../hal/crypto.ts';
import { nodeCrypto } from '../hal/node/crypto.ts';
import { nativeCrypto, nativeCryptoAvailable } from '../hal/node/crypto-native.ts';
import { nobleCrypto } from '../src/crypto/noble.ts';
import { nativePqc, nativePqcAvailable } from '../hal/node/pqc-native.ts';
import { noblePqc } from '../src/crypto/pqc-noble.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from '../test/xs/harness.ts';
import { benchHandshake, benchRekey, benchThroughput } from './qsp-core.ts';

// Process CPU time, not wall time: this desk is shared (load ≫ cores), and CPU time counts only the
// time our thread (and its GC helpers) actually ran, so ratios and rates survive the contention.
const now = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
void performance;
const f = (x: number, d = 1) => x.toFixed(d);
const noXs = process.argv.includes('--no-xs');
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`load average at start: ${load()} (2 cores)`);
// the native backend (native/node/crypto.c) when built; its absence is said, not hidden
const native = nativeCryptoAvailable() ? nativeCrypto() : undefined;
if (!native) console.log('  (lv_crypto addon not built: run `npm run build:native`; node:native rows skipped)');
const accelerated: SymmetricCrypto[] = [nodeCrypto, ...(native ? [native] : [])];
const all: SymmetricCrypto[] = [nobleCrypto, ...accelerated];

console.log('QSP v1.0 — rekey/s: full INIT/ACK round, both sides, real AEAD (AES-256-GCM) + HKDF-SHA256 (seed 003 Python reference, stub crypto: 38,660 rekey/s)');
const rekeyRates: Record<string, number> = {};
for (const crypto of all)
  for (const qkd of [false, true]) {
    const r = benchRekey(now, crypto, crypto === native ? 20000 : crypto === nodeCrypto ? 10000 : 2000, 200, qkd);
    if (!qkd) rekeyRates[crypto.name] = r.rekeysPerSec;
    console.log(`  node ${crypto.name.padEnd(13)} ${qkd ? 'with a QKD block per epoch' : 'no QKD block            '}  loops ${r.loops}  elapsed ${f(r.elapsedMs / 1000, 4)} s  ${f(r.rekeysPerSec, 0)} rekey/s  final_epoch ${r.finalEpoch}`);
  }
{
  // where a round's time goes: its primitives alone, same backend, no session around them
  const key = new Uint8Array(32).fill(7);
  const nonce = new Uint8Array(12);
  const aad = new Uint8Array(27);
  const info = new Uint8Array(34);
  const init = new Uint8Array(57);
  const ack = new Uint8Array(41);
  for (const crypto of all) {
    const round = () => {
      crypto.open(1, key, nonce, aad, crypto.seal(1, key, nonce, aad, init));
      crypto.open(1, key, nonce, aad, crypto.seal(1, key, nonce, aad, ack));
      crypto.hkdf(key, key, info, 96);
      crypto.hkdf(key, key, info, 96);
      crypto.sha256(info);
      crypto.sha256(info);
    };
    const n = crypto === nobleCrypto ? 1000 : 10000;
    for (let i = 0; i < n / 10; i++) round();
    const t = now();
    for (let i = 0; i < n; i++) round();
    const us = ((now() - t) * 1000) / n;
    console.log(`  node ${crypto.name.padEnd(13)} the round's primitives alone (2 seal + 2 open + 2 HKDF-96 + 2 SHA-256): ${f(us, 1)} µs = at most ${f(1e6 / us, 0)} rekey/s`);
  }
  if (native) {
    // the same round as the session calls it now: frames in place, HKDF with the confirm's SHA-256 (hal/crypto.ts batched calls)
    const prefix = new Uint8Array(5);
    const [initFrame, ackFrame] = [new Uint8Array(22 + 12 + 57 + 16), new Uint8Array(22 + 12 + 41 + 16)];
    const [okm, digest, input] = [new Uint8Array(96), new Uint8Array(32), new Uint8Array(35)];
    const batched = () => {
      native.sealFrame!(1, key, prefix, 22, 1, 2, init, initFrame);
      native.openFrame!(1, key, prefix, 22, initFrame);
      native.sealFrame!(1, key, prefix, 22, 1, 3, ack, ackFrame);
      native.openFrame!(1, key, prefix, 22, ackFrame);
      native.hkdfWithDigest!(key, key, info, okm, input, digest);
      native.hkdfWithDigest!(key, key, info, okm, input, digest);
    };
    for (let i = 0; i < 1000; i++) batched();
    const t = now();
    for (let i = 0; i < 10000; i++) batched();
    const us = ((now() - t) * 1000) / 10000;
    console.log(`  node ${native.name.padEnd(13)} the same, batched (2 sealFrame + 2 openFrame + 2 HKDF-96 with SHA-256): ${f(us, 1)} µs = at most ${f(1e6 / us, 0)} rekey/s`);
  }
}

console.log('Data plane: send + receive through two sessions vs seal + open of raw AEAD, same backend, same run (AES-256-GCM)');
for (const crypto of all)
  for (const [size, n] of (crypto === nobleCrypto ? [[1024, 3000], [65536, 60]] : [[1024, 20000], [65536, 400]]) as Array<[number, number]>) {
    const t = benchThroughput(now, crypto, size, n);
    console.log(`  node ${crypto.name.padEnd(13)} ${String(size).padStart(6)} B  raw ${f(t.rawMBps)} MB/s  framed ${f(t.framedMBps)} MB/s  ratio ${f(t.ratio, 3)}`);
  }
for (const crypto of accelerated) {
  const t = benchThroughput(now, crypto, 1024, 20000, 2);
  console.log(`  node ${crypto.name.padEnd(13)}   1024 B  ChaCha20-Poly1305: raw ${f(t.rawMBps)} MB/s  framed ${f(t.framedMBps)} MB/s  ratio ${f(t.ratio, 3)}`);
}

if (native) {
  // as deployed: one bundled ESM file under plain node (see bench/qsp-native.ts for why)
  const outfile = join(ROOT, 'build', 'bench', `qsp-native-${process.pid}.mjs`); // two levels down, like hal/node/
  mkdirSync(join(ROOT, 'build', 'bench'), { recursive: true });
  buildSync({ entryPoints: [join(ROOT, 'bench', 'qsp-native.ts')], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [outfile, '50000', '3'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  } finally {
    rmSync(outfile, { force: true });
  }
  const b = JSON.parse(stdout.split('\n').find((l) => l.startsWith('BENCH '))!.slice(6));
  console.log('node:native bundled (esbuild ESM, plain node — as deployed):');
  console.log(`  rekey: loops ${b.rekey.loops}  ${f(b.rekey.rekeysPerSec, 0)} rekey/s = ${f(1e6 / b.rekey.rekeysPerSec, 2)} µs per round (best of ${b.rekeyRuns.join(', ')})  final_epoch ${b.rekey.finalEpoch}`);
  console.log(`  rekey with a QKD block per epoch: ${f(b.rekeyQkd.rekeysPerSec, 0)} rekey/s`);
  rekeyRates['node:native bundled'] = b.rekey.rekeysPerSec;
  for (const t of [b.t1k, b.t64k]) console.log(`  ${String(t.size).padStart(6)} B  raw ${f(t.rawMBps)} MB/s  framed ${f(t.framedMBps)} MB/s  ratio ${f(t.ratio, 3)}`);
}

const handshakeTimes: Record<string, string> = {};
const printHandshake = (where: string, h: ReturnType<typeof benchHandshake>, symmetric: string) => {
  const d = (x: number) => f(x, x < 10 ? 2 : 1);
  const c = h.client;
  const s = h.server;
  handshakeTimes[where.trim()] = `${f(h.totalMs)} ms (client ${f(h.clientMs)} / server ${f(h.serverMs)})`;
  console.log(`  ${where}  client ${f(h.clientMs)} ms  server ${f(h.serverMs)} ms  both sides ${f(h.totalMs)} ms  (median of ${h.runs}; asymmetric ${h.backend}, symmetric ${symmetric})`);
  console.log(`    client ${d(c.meanMs)} ms = ML-DSA-65 sign ${d(c.mlDsa65Sign)} + verify ${d(c.mlDsa65Verify)} + ML-KEM-768 keygen ${d(c.mlKem768Keygen)} + decaps ${d(c.mlKem768Decapsulate)} + X25519 public ${d(c.x25519PublicKey)} + DH ${d(c.x25519SharedSecret)} + HKDF/rest ${d(c.rest)}`);
  console.log(`    server ${d(s.meanMs)} ms = ML-DSA-65 sign ${d(s.mlDsa65Sign)} + verify ${d(s.mlDsa65Verify)} + ML-KEM-768 encaps ${d(s.mlKem768Encapsulate)} + X25519 public ${d(s.x25519PublicKey)} + DH ${d(s.x25519SharedSecret)} + HKDF/rest ${d(s.rest)}  (means per handshake; one HKDF-SHA256 ${f(h.hkdfMs, 3)} ms)`);
};
console.log('Handshake v1.0 (ML-DSA-65 both ways, X25519 + ML-KEM-768, QKD block), both sides in one run; every asymmetric call timed inside the real handshakes, rest = a side\'s time beyond them');
// the PQClean addon (native/node/pqc.cc) when built; its absence is said, not hidden
const pqclean = nativePqcAvailable() ? nativePqc() : undefined;
if (!pqclean) console.log('  (lv_pqc addon not built: run `npm run build:native`; node pqclean rows skipped)');
printHandshake('node noble       ', benchHandshake(now, nobleCrypto, 15, noblePqc), nobleCrypto.name);
if (native) printHandshake('node noble+lv_crypto', benchHandshake(now, native, 15, noblePqc), native.name);
if (pqclean) printHandshake('node pqclean     ', benchHandshake(now, nobleCrypto, 30, pqclean), nobleCrypto.name);
if (pqclean && native) printHandshake('node all native  ', benchHandshake(now, native, 30, pqclean), native.name);

if (!noXs) {
  const bundle = bundleForXs(join(ROOT, 'bench', 'qsp.xs.ts'), 'bench-qsp');
  const run = runOnXs(bundle, ['200', '200', '4', '3'], 3600_000);
  rmSync(bundle);
  if (run.status !== 0) throw new Error(`lvxs failed: ${run.stderr}`);
  const xs = taggedLines(run.stdout, 'BENCH')[0];
  console.log('On XS (lvxs, noble):');
  console.log(`  xs rekey: loops ${xs.rekey.loops}  ${f(xs.rekey.rekeysPerSec, 0)} rekey/s  final_epoch ${xs.rekey.finalEpoch}`);
  rekeyRates['xs noble'] = xs.rekey.rekeysPerSec;
  for (const t of [xs.t1k, xs.t64k]) console.log(`  xs ${String(t.size).padStart(6)} B  raw ${f(t.rawMBps, 3)} MB/s  framed ${f(t.framedMBps, 3)} MB/s  ratio ${f(t.ratio, 3)}`);
  printHandshake('xs noble         ', xs.handshake, 'noble');
  if (xs.pqcHandshake) printHandshake('xs pqclean       ', xs.pqcHandshake, 'noble');
  else console.log('  (this lvxs has no PQClean binding: xs pqclean rows skipped)');
  if (xs.lib) {
    console.log(`On XS with the host's libcrypto (${xs.lib}):`);
    console.log(`  xs rekey: loops ${xs.libRekey.loops}  ${f(xs.libRekey.rekeysPerSec, 0)} rekey/s  final_epoch ${xs.libRekey.finalEpoch}`);
    rekeyRates['xs libcrypto'] = xs.libRekey.rekeysPerSec;
    for (const t of [xs.libT1k, xs.libT64k]) console.log(`  xs ${String(t.size).padStart(6)} B  raw ${f(t.rawMBps, 3)} MB/s  framed ${f(t.framedMBps, 3)} MB/s  ratio ${f(t.ratio, 3)}`);
    if (xs.libPqcHandshake) printHandshake('xs all native    ', xs.libPqcHandshake, xs.lib);
  }
}

console.log(`load average at end: ${load()}`);
console.log(`Handshake side by side, both sides: ${Object.entries(handshakeTimes).map(([k, v]) => `${k} ${v}`).join(' · ')}  (aim: < 36 ms on Node, < 1.2 s per side on XS)`);
console.log(`Rekey/s side by side (no QKD block, this run): ${Object.entries(rekeyRates).map(([k, v]) => `${k} ${f(v, 0)}`).join(' · ')}  (aim with the accelerated backend: ≥ 77,320 = 2 × 38,660)`);

/**
 * QSP figures, runtime-agnostic (Node and XS run the same code): rekey/s (a full INIT/ACK round,
 * both sides, real AEAD + HKDF), data-plane throughput against the raw AEAD of the same backend in
 * the same run, and the handshake per side with where its time goes.
 */
import { AeadAlgorithm, type SymmetricCrypto } from '../hal/crypto.ts';
import type { AsymmetricCrypto } from '../hal/pqc.ts';
import { noblePqc } from '../src/crypto/pqc-noble.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { ClientHandshake, ServerHandshake } from '../src/qsp/handshake.ts';
import { simKeyBlockPair } from '../src/qsp/key-source.ts';
import { createQspPair, handshake, pairIdentities } from '../sim/qsp-pair.ts';

type Now = () => number;

export function benchRekey(now: Now, crypto: SymmetricCrypto, loops: number, warmup = 50, withQkd = false) {
  const pair = createQspPair({ seed: 1, crypto, keyBlocks: withQkd ? loops + warmup + 1 : 1 });
  handshake(pair);
  const round = () => {
    const init = pair.server.rekey();
    const ack = pair.client.receive(init[0]!).out;
    pair.server.receive(ack[0]!);
  };
  for (let i = 0; i < warmup; i++) round();
  const t = now();
  for (let i = 0; i < loops; i++) round();
  const elapsedMs = now() - t;
  if (pair.server.epoch !== loops + warmup + 1 || pair.client.epoch !== pair.server.epoch) throw new Error('rekey bench: epochs did not advance');
  return { loops, warmup, elapsedMs, rekeysPerSec: (loops * 1000) / elapsedMs, finalEpoch: pair.server.epoch, qkd: withQkd };
}

/** MB/s of send + receive through QSP sessions vs seal + open of raw AEAD, same backend, same sizes. */
export function benchThroughput(now: Now, crypto: SymmetricCrypto, size: number, messages: number, aead: AeadAlgorithm = AeadAlgorithm.AES_256_GCM) {
  const pair = createQspPair({ seed: 1, crypto, client: { aead }, server: { rekeyAfterBytes: Number.MAX_SAFE_INTEGER, rekeyAfterFrames: Number.MAX_SAFE_INTEGER } });
  handshake(pair);
  const data = new SimEntropy(1, 'bench:data').randomBytes(size);
  const key = new SimEntropy(1, 'bench:key').randomBytes(32);
  const nonce = new Uint8Array(12);
  const aad = new Uint8Array(25);
  const raw = () => {
    for (let i = 0; i < messages; i++) {
      nonce[11] = i & 0xff;
      nonce[10] = i >> 8;
      if (!crypto.open(aead, key, nonce, aad, crypto.seal(aead, key, nonce, aad, data))) throw new Error('raw AEAD failed');
    }
  };
  const framed = () => {
    for (let i = 0; i < messages; i++) if (!pair.server.receive(pair.client.send(data)[0]!).data) throw new Error('QSP frame refused');
  };
  // alternate raw and framed runs and keep each one's best, so load drift hits both alike
  raw();
  framed();
  let rawMs = Infinity;
  let framedMs = Infinity;
  for (let r = 0; r < 5; r++) {
    let t = now();
    raw();
    rawMs = Math.min(rawMs, now() - t);
    t = now();
    framed();
    framedMs = Math.min(framedMs, now() - t);
  }
  const mb = (size * messages) / 1e6;
  return { size, messages, aead, rawMBps: mb / (rawMs / 1000), framedMBps: mb / (framedMs / 1000), ratio: rawMs / framedMs };
}

const PQC_METHODS = [
  'mlDsa65Sign', 'mlDsa65Verify', 'mlKem768Keygen', 'mlKem768Encapsulate', 'mlKem768Decapsulate', 'x25519PublicKey', 'x25519SharedSecret',
] as const;
type PqcSpent = Record<(typeof PQC_METHODS)[number], number>;

/** `pqc` with every handshake call's time added to `spent` (one clock read either side of a call). */
function timedPqc(pqc: AsymmetricCrypto, now: Now, spent: PqcSpent): AsymmetricCrypto {
  const timed: Record<string, unknown> = { ...pqc, name: pqc.name };
  for (const m of PQC_METHODS)
    timed[m] = (...args: unknown[]) => {
      const t = now();
      try {
        return (pqc[m] as (...a: unknown[]) => unknown)(...args);
      } finally {
        spent[m] += now() - t;
      }
    };
  return timed as unknown as AsymmetricCrypto;
}

/**
 * The handshake, per side, and where each side's time goes: `pqc` (hal/pqc.ts) is the
 * AsymmetricCrypto backend both sides use, wrapped so that every asymmetric call inside the real
 * handshakes is timed; `rest` is the side's time beyond them — HKDF chain, transcript hashing,
 * biscuit AEAD, codecs. Headline figures are medians; the breakdown is means per handshake.
 */
export function benchHandshake(now: Now, crypto: SymmetricCrypto, runs: number, pqc: AsymmetricCrypto = noblePqc) {
  const ids = pairIdentities(1);
  const sides = { client: [] as number[], server: [] as number[], total: [] as number[] };
  const zero = (): PqcSpent => Object.fromEntries(PQC_METHODS.map((m) => [m, 0])) as PqcSpent;
  const spent = { client: zero(), server: zero() };
  const clientPqc = timedPqc(pqc, now, spent.client);
  const serverPqc = timedPqc(pqc, now, spent.server);
  for (let r = 0; r < runs + 1; r++) {
    const [ck, sk] = simKeyBlockPair(new SimEntropy(r, 'bench:blocks'), 1);
    const c = { identity: ids.client, peerPublicKey: ids.server.publicKey, crypto, asymmetric: clientPqc, keySource: ck, entropy: new SimEntropy(r, 'bench:c'), allowPqcOnly: false };
    const s = { identity: ids.server, peerPublicKey: ids.client.publicKey, crypto, asymmetric: serverPqc, keySource: sk, entropy: new SimEntropy(r, 'bench:s'), allowPqcOnly: false };
    const t0 = now();
    const client = new ClientHandshake(c, AeadAlgorithm.AES_256_GCM);
    const t1 = now();
    const server = new ServerHandshake(s, { aeads: [1, 2], underLoad: () => false });
    const hello = server.onClientHello(client.clientHello);
    const t2 = now();
    if (hello.kind !== 'server-hello') throw new Error('no SERVER_HELLO');
    const { clientFinish } = client.onServerHello(hello.sessionId, hello.payload);
    const t3 = now();
    server.onClientFinish(hello.sessionId, clientFinish);
    const t4 = now();
    if (r === 0) {
      // warm-up: not counted
      Object.assign(spent.client, zero());
      Object.assign(spent.server, zero());
      continue;
    }
    sides.client.push(t1 - t0 + (t3 - t2));
    sides.server.push(t2 - t1 + (t4 - t3));
    sides.total.push(t4 - t0);
  }
  const median = (a: number[]) => a.slice().sort((x, y) => x - y)[a.length >> 1]!;
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const breakdown = (side: 'client' | 'server') => {
    const per = Object.fromEntries(PQC_METHODS.map((m) => [m, spent[side][m] / runs])) as PqcSpent;
    const asymmetric = PQC_METHODS.reduce((sum, m) => sum + per[m], 0);
    return { ...per, rest: mean(sides[side]) - asymmetric, meanMs: mean(sides[side]) };
  };
  const msg = new SimEntropy(2, 'bench:hkdf').randomBytes(32);
  const hkdfN = runs * 20;
  crypto.hkdf(msg, msg, msg, 32);
  const t = now();
  for (let i = 0; i < hkdfN; i++) crypto.hkdf(msg, msg, msg, 32);
  return {
    backend: pqc.name, runs, clientMs: median(sides.client), serverMs: median(sides.server), totalMs: median(sides.total),
    client: breakdown('client'), server: breakdown('server'), hkdfMs: (now() - t) / hkdfN,
  };
}

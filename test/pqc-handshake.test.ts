/**
 * The QSP handshake over the AsymmetricCrypto port: with the native PQClean backend on either
 * side (or both), every message on the wire, the transcript and the epoch-1 keys are the bytes of
 * a noble-on-both-sides run with the same seeds; the native backend refuses a forged signature, a
 * low-order X25519 key and an invalid ML-KEM key with the same typed closes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AeadAlgorithm } from '../hal/crypto.ts';
import { nativeCrypto } from '../hal/node/crypto-native.ts';
import { nativePqc } from '../hal/node/pqc-native.ts';
import type { AsymmetricCrypto } from '../hal/pqc.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { bytesToHex } from '../src/bytes.ts';
import { nobleCrypto } from '../src/crypto/noble.ts';
import { noblePqc } from '../src/crypto/pqc-noble.ts';
import { PqcBackendError, PqcBackendFailure } from '../src/crypto/pqc-status.ts';
import { CloseReason } from '../src/qsp/close.ts';
import { ClientHandshake, HandshakeError, type HandshakePeer, ServerHandshake } from '../src/qsp/handshake.ts';
import { simKeyBlockPair } from '../src/qsp/key-source.ts';
import { createQspPair, handshake, pairIdentities } from '../sim/qsp-pair.ts';
import { QspState } from '../src/qsp/state-table.ts';

const native = nativePqc();
const hex = bytesToHex;
const ids = pairIdentities(1);

function peers(seed: number, client: AsymmetricCrypto | undefined, server: AsymmetricCrypto | undefined, crypto = nobleCrypto): { c: HandshakePeer; s: HandshakePeer } {
  const [ck, sk] = simKeyBlockPair(new SimEntropy(seed, 'pqc-hs:blocks'), 1);
  const base = { crypto, allowPqcOnly: false };
  return {
    c: { ...base, identity: ids.client, peerPublicKey: ids.server.publicKey, keySource: ck, entropy: new SimEntropy(seed, 'pqc-hs:c'), ...(client ? { asymmetric: client } : {}) },
    s: { ...base, identity: ids.server, peerPublicKey: ids.client.publicKey, keySource: sk, entropy: new SimEntropy(seed, 'pqc-hs:s'), ...(server ? { asymmetric: server } : {}) },
  };
}

/** Everything observable of one handshake, as hex. */
function run(seed: number, client: AsymmetricCrypto | undefined, server: AsymmetricCrypto | undefined, crypto = nobleCrypto) {
  const { c, s } = peers(seed, client, server, crypto);
  const ch = new ClientHandshake(c, AeadAlgorithm.AES_256_GCM);
  const sh = new ServerHandshake(s, { aeads: [1, 2], underLoad: () => false });
  const hello = sh.onClientHello(ch.clientHello);
  if (hello.kind !== 'server-hello') throw new Error('no SERVER_HELLO');
  const { clientFinish, result: rc } = ch.onServerHello(hello.sessionId, hello.payload);
  const rs = sh.onClientFinish(hello.sessionId, clientFinish);
  const keys = (r: typeof rc) => [r.keys.secret, r.keys.clientToServer, r.keys.serverToClient].map(hex).join('.');
  assert.is(keys(rc), keys(rs), 'both sides derive the same keys');
  assert.is(hex(rc.transcript), hex(rs.transcript));
  return { clientHello: hex(ch.clientHello), serverHello: hex(hello.payload), clientFinish: hex(clientFinish), transcript: hex(rc.transcript), keys: keys(rc), sessionId: String(hello.sessionId) };
}

test('native on either side or both: the same wire bytes, transcript and keys as noble on both', () => {
  for (const seed of [1, 2]) {
    const reference = run(seed, undefined, undefined); // the default is noble
    assert.equal(run(seed, noblePqc, noblePqc), reference, 'explicit noble = default');
    assert.equal(run(seed, native, noblePqc), reference, 'native client, noble server');
    assert.equal(run(seed, noblePqc, native), reference, 'noble client, native server');
    assert.equal(run(seed, native, native), reference, 'native on both sides');
  }
});

test('all native: PQClean + the lv_crypto SymmetricCrypto give the same handshake too', () => {
  assert.equal(run(3, native, native, nativeCrypto()), run(3, undefined, undefined));
});

function closeOf(body: () => unknown): CloseReason | undefined {
  try {
    body();
  } catch (e) {
    if (e instanceof HandshakeError) return e.reason;
    throw e;
  }
  return undefined;
}

test('QspSession({ asymmetric }): native sessions put the same bytes on the wire as noble ones, data and rekeys included', () => {
  const run = (native: boolean) => {
    const pqc = native ? { asymmetric: nativePqc() } : {};
    const pair = createQspPair({ seed: 21, crypto: native ? nativeCrypto() : nobleCrypto, client: { ...pqc }, server: { ...pqc, rekeyAfterFrames: 3 } });
    const wire = handshake(pair).map(bytesToHex);
    assert.is(pair.client.state, QspState.ESTABLISHED);
    // deliver everything in order, both ways, until the link is quiet
    const deliver = (to: 'client' | 'server', datagrams: Uint8Array[]) => {
      for (const d of datagrams) {
        wire.push(bytesToHex(d));
        const r = pair[to].receive(d);
        if (r.data && to === 'server') received++;
        deliver(to === 'server' ? 'client' : 'server', r.out);
      }
    };
    let received = 0;
    for (let i = 0; i < 8; i++) deliver('server', pair.client.send(Uint8Array.of(i, 1, 2)));
    assert.is(received, 8);
    assert.ok(pair.server.epoch >= 3, `server-led rekeys ran (epoch ${pair.server.epoch})`);
    return wire;
  };
  assert.equal(run(true), run(false));
  assert.throws(() => createQspPair({ seed: 1, client: { asymmetric: 'pqclean' as any } }).client.start());
});

test('native backend: forged signatures, a low-order X25519 key and an invalid ML-KEM key close with their reasons', () => {
  for (const [client, server] of [[native, native], [noblePqc, noblePqc]] as const) {
    // SERVER_HELLO with a flipped signature byte → BAD_SIGNATURE at the client
    {
      const { c, s } = peers(4, client, server);
      const ch = new ClientHandshake(c, AeadAlgorithm.AES_256_GCM);
      const hello = new ServerHandshake(s, { aeads: [1], underLoad: () => false }).onClientHello(ch.clientHello);
      if (hello.kind !== 'server-hello') throw new Error('no SERVER_HELLO');
      const forged = hello.payload.slice();
      forged[1 + 32 + 32 + 1088 + 10]! ^= 1;
      assert.is(closeOf(() => ch.onServerHello(hello.sessionId, forged)), CloseReason.BAD_SIGNATURE, `${client.name}: SERVER_HELLO`);
    }
    // CLIENT_FINISH with a flipped signature byte → BAD_SIGNATURE at the server
    {
      const { c, s } = peers(5, client, server);
      const ch = new ClientHandshake(c, AeadAlgorithm.AES_256_GCM);
      const sh = new ServerHandshake(s, { aeads: [1], underLoad: () => false });
      const hello = sh.onClientHello(ch.clientHello);
      if (hello.kind !== 'server-hello') throw new Error('no SERVER_HELLO');
      const { clientFinish } = ch.onServerHello(hello.sessionId, hello.payload);
      const forged = clientFinish.slice();
      forged[forged.length - 5]! ^= 0x40;
      assert.is(closeOf(() => sh.onClientFinish(hello.sessionId, forged)), CloseReason.BAD_SIGNATURE, `${server.name}: CLIENT_FINISH`);
    }
    // CLIENT_HELLO fields an attacker rewrites: X25519 key of order 1 (u = 1), ML-KEM ek coefficient ≥ q
    const xAt = 4 + 16 + 32 + 32;
    for (const [what, patch] of [
      ['low-order X25519', (p: Uint8Array) => { p.fill(0, xAt, xAt + 32); p[xAt] = 1; }],
      ['ML-KEM ek modulus', (p: Uint8Array) => { p[xAt + 32] = 0xff; p[xAt + 33]! |= 0x0f; }],
    ] as const) {
      const { c, s } = peers(6, client, server);
      const hello = new ClientHandshake(c, AeadAlgorithm.AES_256_GCM).clientHello.slice();
      patch(hello);
      const sh = new ServerHandshake(s, { aeads: [1], underLoad: () => false });
      assert.is(closeOf(() => sh.onClientHello(hello)), CloseReason.HANDSHAKE_FAILED, `${server.name}: ${what}`);
    }
  }
});

test('a failing backend is not a peer fault: its PqcBackendError propagates instead of a close', () => {
  const broken: AsymmetricCrypto = {
    ...noblePqc,
    name: 'broken',
    x25519SharedSecret: () => { throw new PqcBackendError(PqcBackendFailure.INTERNAL, 'test'); },
    mlKem768Encapsulate: () => { throw new PqcBackendError(PqcBackendFailure.INTERNAL, 'test'); },
  };
  const { c, s } = peers(7, noblePqc, broken);
  const hello = new ClientHandshake(c, AeadAlgorithm.AES_256_GCM).clientHello;
  assert.throws(() => new ServerHandshake(s, { aeads: [1], underLoad: () => false }).onClientHello(hello), (e: unknown) => e instanceof PqcBackendError);
});

test.run();

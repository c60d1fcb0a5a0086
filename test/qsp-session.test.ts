/** QSP v1.0 sessions: handshake, established data, replay window, rekey, close, every failure typed. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nodeCrypto } from '../hal/node/crypto.ts';
import { bytesToHex } from '../src/bytes.ts';
import { CloseReason } from '../src/qsp/close.ts';
import { decodeFrame, FrameType, HEADER_BYTES } from '../src/qsp/frame.ts';
import { HandshakeType } from '../src/qsp/handshake.ts';
import { DropReason, type QspSession } from '../src/qsp/session.ts';
import { QspState } from '../src/qsp/state-table.ts';
import { createQspPair, handshake, pairIdentities, type PairOptions, type QspPair, runScenario } from '../sim/qsp-pair.ts';

/** Delivers datagrams back and forth until both sides are quiet; returns the data each side received. */
function exchange(pair: QspPair, from: QspSession, datagrams: Uint8Array[]): Uint8Array[] {
  const got: Uint8Array[] = [];
  let [a, b] = [from, from === pair.client ? pair.server : pair.client];
  let queue = datagrams;
  while (queue.length) {
    const next: Uint8Array[] = [];
    for (const d of queue) {
      const r = b.receive(d);
      if (r.data) got.push(r.data);
      next.push(...r.out);
    }
    [a, b] = [b, a];
    queue = next;
  }
  return got;
}

function established(options: PairOptions = { seed: 1 }): QspPair {
  const pair = createQspPair(options);
  handshake(pair);
  assert.is(pair.client.state, QspState.ESTABLISHED, 'client established');
  assert.is(pair.server.state, QspState.ESTABLISHED, 'server established');
  return pair;
}

const te = new TextEncoder();
const td = new TextDecoder();

test('handshake: hybrid (QKD + X25519 + ML-KEM-768), both signed, same transcript, blocks consumed once', () => {
  const pair = createQspPair({ seed: 1, keyBlocks: 3 });
  const wire = handshake(pair);
  assert.equal(wire.map((d) => decodeFrame(d).payload[0]), [HandshakeType.CLIENT_HELLO, HandshakeType.SERVER_HELLO, HandshakeType.CLIENT_FINISH]);
  assert.equal(wire.map((d) => d.length - HEADER_BYTES), [1301, 4576, 3456]);
  for (const s of [pair.client, pair.server]) {
    assert.is(s.state, QspState.ESTABLISHED);
    assert.is(s.mode, 'HYBRID');
    assert.is(s.epoch, 1);
    assert.ok(s.epochHasQkd);
  }
  assert.is(bytesToHex(pair.client.transcript!), bytesToHex(pair.server.transcript!));
  assert.is(pair.client.sessionId, pair.server.sessionId);
  assert.is(pair.clientKeys.size, 2);
  assert.is(pair.serverKeys.size, 2);
  const [d] = exchange(pair, pair.client, pair.client.send(te.encode('hello ground')));
  assert.is(td.decode(d), 'hello ground');
});

test('handshake: no QKD block and PQC-only not allowed → UNKNOWN_KEY_BLOCK; allowed → mode PQC, flagged', () => {
  const refused = createQspPair({ seed: 1, keyBlocks: 0 });
  assert.equal(refused.client.start(), []);
  assert.is(refused.client.closeReason, CloseReason.UNKNOWN_KEY_BLOCK);
  const pqc = established({ seed: 1, keyBlocks: 0, client: { allowPqcOnly: true }, server: { allowPqcOnly: true } });
  assert.is(pqc.client.mode, 'PQC');
  assert.is(pqc.server.mode, 'PQC');
  assert.not.ok(pqc.server.epochHasQkd);
});

test('handshake: the server refuses PQC-only when its policy requires QKD (POLICY_VIOLATION)', () => {
  const pair = createQspPair({ seed: 1, keyBlocks: 0, client: { allowPqcOnly: true } });
  handshake(pair);
  assert.is(pair.server.closeReason, CloseReason.POLICY_VIOLATION);
  assert.is(pair.client.state, QspState.HANDSHAKE);
});

test('handshake: a key block the server does not hold → UNKNOWN_KEY_BLOCK', () => {
  const pair = createQspPair({ seed: 1, keyBlocks: 2 });
  pair.serverKeys.take(pair.serverKeys.nextId()!);
  handshake(pair);
  assert.is(pair.server.closeReason, CloseReason.UNKNOWN_KEY_BLOCK);
});

test('handshake: a server not pinned by the client → BAD_SIGNATURE; a client not pinned by the server → rejected', () => {
  const other = pairIdentities(99);
  const a = createQspPair({ seed: 1, client: { peerPublicKey: other.server.publicKey } });
  handshake(a);
  assert.is(a.client.closeReason, CloseReason.BAD_SIGNATURE);
  const b = createQspPair({ seed: 1, server: { peerPublicKey: other.client.publicKey } });
  handshake(b);
  assert.is(b.server.closeReason, CloseReason.HANDSHAKE_FAILED);
});

test('handshake: tampered SERVER_HELLO / CLIENT_FINISH signatures are caught', () => {
  const a = createQspPair({ seed: 1 });
  const sh = a.server.receive(a.client.start()[0]!).out[0]!.slice();
  sh[HEADER_BYTES + 1 + 32 + 32 + 1088 + 10]! ^= 1;
  a.client.receive(sh);
  assert.is(a.client.closeReason, CloseReason.BAD_SIGNATURE);
  const b = createQspPair({ seed: 1 });
  const sh2 = b.server.receive(b.client.start()[0]!).out[0]!;
  const cf = b.client.receive(sh2).out[0]!.slice();
  cf[cf.length - 100]! ^= 1;
  b.server.receive(cf);
  assert.is(b.server.closeReason, CloseReason.BAD_SIGNATURE);
});

test('handshake: stateless responder — a replayed CLIENT_FINISH is refused, a forged biscuit too', () => {
  const pair = createQspPair({ seed: 2, server: { onBadDatagram: 'drop' } });
  const sh = pair.server.receive(pair.client.start()[0]!).out[0]!;
  const cf = pair.client.receive(sh).out[0]!;
  const forged = cf.slice();
  forged[HEADER_BYTES + 20]! ^= 1;
  assert.is(pair.server.receive(forged).dropped, DropReason.HANDSHAKE_REJECTED);
  assert.equal(pair.server.receive(cf).out, []);
  assert.is(pair.server.state, QspState.ESTABLISHED);
  assert.is(pair.server.receive(cf).dropped, DropReason.WRONG_STATE);
});

test('handshake: cookie under load, then the hello with the cookie is served', () => {
  const pair = createQspPair({ seed: 1, server: { underLoad: () => true } });
  const wire = handshake(pair);
  assert.equal(wire.map((d) => decodeFrame(d).payload[0]), [1, HandshakeType.COOKIE, 1, 2, 3]);
  assert.is(pair.server.state, QspState.ESTABLISHED);
});

test('handshake: under load the cookie is bound to the initiator address — replayed from another address, COOKIE_REJECTED', () => {
  const here = Uint8Array.of(127, 0, 0, 1, 0x11, 0x51);
  const there = Uint8Array.of(127, 0, 0, 1, 0x11, 0x52);
  for (const onBadDatagram of ['close', 'drop'] as const) {
    const pair = createQspPair({ seed: 1, server: { underLoad: () => true, onBadDatagram } });
    const cookie = pair.server.receive(pair.client.start()[0]!, here).out;
    assert.is(decodeFrame(cookie[0]!).payload[0], HandshakeType.COOKIE);
    const helloWithCookie = pair.client.receive(cookie[0]!).out[0]!;
    const replayed = pair.server.receive(helloWithCookie, there);
    assert.is(replayed.dropped, DropReason.HANDSHAKE_REJECTED, onBadDatagram);
    assert.is(pair.server.stats.dropped[DropReason.HANDSHAKE_REJECTED], 1);
    if (onBadDatagram === 'close') {
      assert.is(pair.server.closeReason, CloseReason.COOKIE_REJECTED);
      assert.is(pair.server.state, QspState.CLOSED);
      continue;
    }
    assert.is(pair.server.state, QspState.HANDSHAKE);
    // no address at all is another address too; from the address it was made for, it is served
    assert.is(pair.server.receive(helloWithCookie).dropped, DropReason.HANDSHAKE_REJECTED);
    const reply = pair.server.receive(helloWithCookie, here).out;
    assert.is(decodeFrame(reply[0]!).payload[0], HandshakeType.SERVER_HELLO);
    assert.equal(pair.server.receive(pair.client.receive(reply[0]!).out[0]!, here).out, []);
    assert.is(pair.server.state, QspState.ESTABLISHED);
  }
});

test('handshake: the client retransmits its hello on timeout, then gives up with TIMEOUT', () => {
  const pair = createQspPair({ seed: 1, client: { handshakeTimeoutMs: 100, handshakeRetries: 2 } });
  const ch = pair.client.start()[0]!;
  pair.clock.advance(100);
  assert.is(bytesToHex(pair.client.poll()[0]!), bytesToHex(ch));
  pair.clock.advance(100);
  assert.is(pair.client.poll().length, 1);
  pair.clock.advance(100);
  assert.equal(pair.client.poll(), []);
  assert.is(pair.client.closeReason, CloseReason.TIMEOUT);
});

test('handshake: a lost CLIENT_FINISH is sent again until the server is heard from', () => {
  const pair = createQspPair({ seed: 1, client: { handshakeTimeoutMs: 100, handshakeRetries: 2 } });
  const sh = pair.server.receive(pair.client.start()[0]!).out[0]!;
  const cf = pair.client.receive(sh).out[0]!; // lost
  assert.is(pair.client.state, QspState.ESTABLISHED);
  assert.equal(pair.client.poll(), []);
  pair.clock.advance(100);
  const again = pair.client.poll();
  assert.is(bytesToHex(again[0]!), bytesToHex(cf));
  pair.server.receive(again[0]!);
  assert.is(pair.server.state, QspState.ESTABLISHED);
  exchange(pair, pair.server, pair.server.send(te.encode('heard')));
  pair.clock.advance(100);
  assert.equal(pair.client.poll(), [], 'no more CLIENT_FINISH once the server spoke');
  assert.is(pair.server.receive(cf).dropped, DropReason.WRONG_STATE); // a late duplicate
});

test('data: both directions, AES-256-GCM and ChaCha20-Poly1305, noble and OpenSSL backends interoperate', () => {
  for (const aead of [1, 2] as const) {
    const pair = established({ seed: 3, client: { aead, crypto: nodeCrypto } });
    assert.is(pair.server.aeadAlgorithm, aead);
    for (let i = 0; i < 5; i++) {
      assert.is(td.decode(exchange(pair, pair.client, pair.client.send(te.encode(`c${i}`)))[0]!), `c${i}`);
      assert.is(td.decode(exchange(pair, pair.server, pair.server.send(te.encode(`s${i}`)))[0]!), `s${i}`);
    }
    const empty = exchange(pair, pair.client, pair.client.send(new Uint8Array(0)));
    assert.is(empty[0]!.length, 0);
  }
});

test('established: a flipped bit → AEAD_DECRYPT_FAILED, CLOSE sent with the reason, keys zeroised', () => {
  const pair = established();
  const d = pair.client.send(te.encode('x'))[0]!.slice();
  d[d.length - 1]! ^= 1;
  const r = pair.server.receive(d);
  assert.is(pair.server.closeReason, CloseReason.AEAD_DECRYPT_FAILED);
  assert.is(pair.server.epochKeysHeld, 0);
  assert.is(r.out.length, 1);
  assert.is(decodeFrame(r.out[0]!).type, FrameType.CLOSE);
  pair.client.receive(r.out[0]!);
  assert.is(pair.client.state, QspState.CLOSED);
  assert.is(pair.client.peerCloseReason, CloseReason.AEAD_DECRYPT_FAILED);
  assert.is(pair.client.epochKeysHeld, 0);
});

test('established: replay → REPLAY close (strict) or a counted drop; reordering inside the window is fine', () => {
  const strict = established();
  const d = strict.client.send(te.encode('once'))[0]!;
  assert.ok(strict.server.receive(d).data);
  strict.server.receive(d);
  assert.is(strict.server.closeReason, CloseReason.REPLAY);

  const lax = established({ seed: 1, server: { onBadDatagram: 'drop', replayWindow: 64 } });
  const frames = Array.from({ length: 100 }, (_, i) => lax.client.send(te.encode(String(i)))[0]!);
  const order = [5, 3, 4, 0, 1, 2, 99, 50, 36, 35, 98, 5, 99];
  const got = order.map((i) => lax.server.receive(frames[i]!));
  assert.equal(got.map((g) => (g.data ? td.decode(g.data) : g.dropped)),
    ['5', '3', '4', '0', '1', '2', '99', '50', '36', DropReason.REPLAY, '98', DropReason.REPLAY, DropReason.REPLAY]);
  assert.is(lax.server.state, QspState.ESTABLISHED);
  assert.is(lax.server.stats.dropped[DropReason.REPLAY], 3);
});

test('established: nonce prefix, session id, epoch and header tampering are all caught', () => {
  const cases: Array<[number, number, CloseReason]> = [
    [HEADER_BYTES + 3, 1, CloseReason.PROTOCOL_ERROR], // nonce prefix
    [5, 1, CloseReason.PROTOCOL_ERROR], // session id
    [13, 1, CloseReason.EPOCH_MISMATCH], // epoch
  ];
  for (const [at, bit, reason] of cases) {
    const pair = established();
    const d = pair.client.send(te.encode('x'))[0]!.slice();
    d[at]! ^= bit;
    pair.server.receive(d);
    assert.is(pair.server.closeReason, reason, `byte ${at}`);
  }
  const pair = established();
  const d = pair.client.send(te.encode('x'))[0]!.slice();
  d[17]! ^= 0x10; // seq changes: the nonce prefix no longer matches
  pair.server.receive(d);
  assert.is(pair.server.closeReason, CloseReason.PROTOCOL_ERROR);
});

test('rekey: server-led, epochs advance, at most two epoch keys, fresh QKD blocks mixed in', () => {
  const pair = established({ seed: 4, keyBlocks: 4 });
  for (let n = 2; n <= 6; n++) {
    const init = pair.server.rekey();
    assert.is(pair.server.state, QspState.REKEY);
    assert.ok(pair.server.epochKeysHeld <= 2);
    exchange(pair, pair.server, init);
    assert.is(pair.server.state, QspState.ESTABLISHED);
    assert.is(pair.client.epoch, n);
    assert.is(pair.server.epoch, n);
    assert.ok(pair.client.epochKeysHeld <= 2 && pair.server.epochKeysHeld <= 2);
    assert.is(pair.server.epochHasQkd, n <= 4, `epoch ${n}`); // 1 block for the handshake, 3 for rekeys
    assert.is(td.decode(exchange(pair, pair.client, pair.client.send(te.encode(`e${n}`)))[0]!), `e${n}`);
    assert.is(td.decode(exchange(pair, pair.server, pair.server.send(te.encode(`f${n}`)))[0]!), `f${n}`);
  }
  assert.is(pair.clientKeys.size, 0);
  assert.is(pair.server.stats.rekeys, 5);
});

test('rekey: frames of the old epoch still open after the commit (previous key); older ones do not', () => {
  const pair = established({ seed: 4, server: { onBadDatagram: 'drop' } });
  const late = pair.client.send(te.encode('late'))[0]!;
  exchange(pair, pair.server, pair.server.rekey());
  assert.is(td.decode(pair.server.receive(late).data!), 'late');
  const later = pair.client.send(te.encode('e2'))[0]!;
  exchange(pair, pair.server, pair.server.rekey());
  exchange(pair, pair.server, pair.server.rekey()); // epoch 4: epoch 2 is gone
  assert.is(pair.server.receive(later).dropped, DropReason.EPOCH_UNKNOWN);
});

test('rekey: a lost ACK → INIT retransmitted, the client answers again, the server commits; no ACK at all → REKEY_FAILED', () => {
  const pair = established({ seed: 5, server: { rekeyTimeoutMs: 50, rekeyRetries: 2 } });
  const init = pair.server.rekey();
  const ack = pair.client.receive(init[0]!).out; // lost
  assert.is(ack.length, 1);
  assert.is(pair.client.epoch, 2);
  pair.clock.advance(50);
  const again = pair.server.poll();
  assert.is(again.length, 1);
  exchange(pair, pair.server, again);
  assert.is(pair.server.state, QspState.ESTABLISHED);
  assert.is(pair.server.epoch, 2);
  assert.equal(pair.server.receive(ack[0]!).out, []); // the first ACK, late: a harmless duplicate
  assert.is(pair.server.state, QspState.ESTABLISHED);

  const dead = established({ seed: 5, server: { rekeyTimeoutMs: 50, rekeyRetries: 1 } });
  dead.server.rekey();
  dead.clock.advance(50);
  dead.server.poll();
  dead.clock.advance(50);
  const close = dead.server.poll();
  assert.is(dead.server.closeReason, CloseReason.REKEY_FAILED);
  dead.client.receive(close[0]!);
  assert.is(dead.client.peerCloseReason, CloseReason.REKEY_FAILED);
});

test('rekey: automatic triggers by frames, bytes and time', () => {
  const byFrames = established({ seed: 6, server: { rekeyAfterFrames: 10 } });
  for (let i = 0; i < 25; i++) exchange(byFrames, byFrames.client, byFrames.client.send(new Uint8Array(10)));
  assert.is(byFrames.server.epoch, 3);
  const byBytes = established({ seed: 6, server: { rekeyAfterBytes: 1000 } });
  for (let i = 0; i < 5; i++) exchange(byBytes, byBytes.server, byBytes.server.send(new Uint8Array(600)));
  assert.is(byBytes.client.epoch, 3);
  const byTime = established({ seed: 6, server: { rekeyAfterMs: 1000 } });
  byTime.clock.advance(999);
  assert.equal(byTime.server.poll(), []);
  byTime.clock.advance(1);
  exchange(byTime, byTime.server, byTime.server.poll());
  assert.is(byTime.client.epoch, 2);
});

test('rekey: an INIT naming a block the client lacks → UNKNOWN_KEY_BLOCK; rekey is server-led', () => {
  const pair = established({ seed: 7, keyBlocks: 3 });
  pair.clientKeys.take(pair.clientKeys.nextId()!);
  exchange(pair, pair.server, pair.server.rekey());
  assert.is(pair.client.closeReason, CloseReason.UNKNOWN_KEY_BLOCK);
  assert.is(pair.server.peerCloseReason, CloseReason.UNKNOWN_KEY_BLOCK);
  assert.throws(() => pair.client.rekey(), /server-led/);
});

test('close: NORMAL both ways; a closed session processes nothing and refuses to send', () => {
  const pair = established();
  const d = pair.client.send(te.encode('after'))[0]!;
  exchange(pair, pair.client, pair.client.close());
  assert.is(pair.client.closeReason, CloseReason.NORMAL);
  assert.is(pair.server.peerCloseReason, CloseReason.NORMAL);
  assert.is(pair.server.state, QspState.CLOSED);
  assert.is(pair.server.receive(d).dropped, DropReason.AFTER_CLOSE);
  assert.throws(() => pair.server.send(te.encode('x')));
  assert.equal(pair.server.close(), []);
});

test('sequence space: the last seq is kept for CLOSE (SEQ_EXHAUSTED), a nonce never wraps', () => {
  const pair = established();
  (pair.client as unknown as { sendSeq: number }).sendSeq = 0xffff_fffd;
  const last = pair.client.send(te.encode('last'))[0]!;
  assert.is(decodeFrame(last).seq, 0xffff_fffe);
  const out = pair.client.send(te.encode('one too many'));
  assert.is(pair.client.closeReason, CloseReason.SEQ_EXHAUSTED);
  assert.is(decodeFrame(out[0]!).type, FrameType.CLOSE);
  assert.is(decodeFrame(out[0]!).seq, 0xffff_ffff);
  pair.server.receive(last);
  pair.server.receive(out[0]!);
  assert.is(pair.server.peerCloseReason, CloseReason.SEQ_EXHAUSTED);
});

test('garbage before and after the handshake never throws', () => {
  const pair = createQspPair({ seed: 8, client: { onBadDatagram: 'drop' }, server: { onBadDatagram: 'drop' } });
  for (const g of [new Uint8Array(0), new Uint8Array(22), Uint8Array.of(1, 0, ...new Array(20).fill(0)), new Uint8Array(5000).fill(1)]) {
    pair.server.receive(g);
    pair.client.receive(g);
  }
  handshake(pair);
  assert.is(pair.server.state, QspState.ESTABLISHED);
});

test('scenario: deterministic — the same seed gives the same wire, byte for byte, on either backend', () => {
  const a = runScenario({ seed: 9, frames: 30, rekeys: 3, payloadBytes: 64 });
  const b = runScenario({ seed: 9, frames: 30, rekeys: 3, payloadBytes: 64 }, nodeCrypto);
  assert.equal(a, b);
  assert.is(a.delivered, 30);
  assert.is(a.finalEpoch, 4);
  assert.is(a.peerCloseSeenByClient, CloseReason.NORMAL);
});

test.run();

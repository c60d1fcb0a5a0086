/** The UDP Link backend on loopback, and a QSP session over it with duplication and reordering. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nodeCrypto } from '../hal/node/crypto.ts';
import { UdpLink } from '../hal/node/udp-link.ts';
import { SimClock } from '../hal/sim/clock.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { simKeyBlockPair } from '../src/qsp/key-source.ts';
import { DropReason, QspSession } from '../src/qsp/session.ts';
import { QspState } from '../src/qsp/state-table.ts';
import { pairIdentities } from '../sim/qsp-pair.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('udp link: datagrams both ways on 127.0.0.1, the remote learnt from the first datagram', async () => {
  const a = await UdpLink.open();
  const b = await UdpLink.open({ remotePort: a.localPort });
  try {
  assert.throws(() => a.send(Uint8Array.of(1)), /no remote/);
  b.send(Uint8Array.of(1, 2, 3));
  await wait(30);
  assert.equal(Array.from(a.receive()!), [1, 2, 3]);
  a.send(Uint8Array.of(4));
  await wait(30);
  assert.equal(Array.from(b.receive()!), [4]);
  assert.is(b.receive(), undefined);
  assert.throws(() => a.send(new Uint8Array(65508)), /65507/);
  } finally {
    a.close();
    b.close();
  }
});

test('udp link: loss, duplication and reordering are applied and counted', async () => {
  const a = await UdpLink.open();
  const b = await UdpLink.open({ remotePort: a.localPort, loss: 0.2, duplicate: 0.2, reorder: 0.2, seed: 3 });
  try {
  for (let i = 0; i < 200; i++) b.send(Uint8Array.of(i));
  await wait(80);
  const got: number[] = [];
  for (let d = a.receive(); d; d = a.receive()) got.push(d[0]!);
  assert.ok(b.counters.lost > 10 && b.counters.duplicated > 10 && b.counters.reordered > 10, JSON.stringify(b.counters));
  assert.is(got.length, b.counters.sent);
  assert.ok(got.some((x, i) => i > 0 && x < got[i - 1]!), 'nothing arrived out of order');
  assert.throws(() => UdpLink.open({ loss: 2 }), /"loss"/);
  } finally {
    a.close();
    b.close();
  }
});

test('qsp over udp: handshake, 200 frames with duplicates and reordering, rekeys, close', async () => {
  const ids = pairIdentities(1);
  const [ck, sk] = simKeyBlockPair(new SimEntropy(1, 'udp-test'), 8);
  const clock = new SimClock();
  const common = { clock, crypto: nodeCrypto, onBadDatagram: 'drop' as const, rekeyAfterFrames: 50 };
  const server = new QspSession({ role: 'server', identity: ids.server, peerPublicKey: ids.client.publicKey, entropy: new SimEntropy(1, 's'), keySource: sk, ...common });
  const client = new QspSession({ role: 'client', identity: ids.client, peerPublicKey: ids.server.publicKey, entropy: new SimEntropy(1, 'c'), keySource: ck, ...common });
  const sl = await UdpLink.open();
  const cl = await UdpLink.open({ remotePort: sl.localPort });
  try {
  let got = 0;
  const pump = (s: QspSession, l: UdpLink) => {
    for (let d = l.receive(); d; d = l.receive()) {
      const r = s.receive(d);
      for (const o of r.out) l.send(o);
      if (r.data) got++;
    }
  };
  for (const d of client.start()) cl.send(d);
  for (let i = 0; i < 200 && server.state === QspState.HANDSHAKE; i++) {
    await wait(10);
    pump(server, sl);
    pump(client, cl);
  }
  assert.is(server.state, QspState.ESTABLISHED);
  cl.setFaults({ duplicate: 0.1, reorder: 0.1, seed: 5 });
  for (let batch = 0; batch < 10; batch++) {
    for (let i = 0; i < 20; i++) for (const d of client.send(Uint8Array.of(i, batch, 2, 3))) cl.send(d);
    for (let i = 0; i < 5; i++) {
      await wait(8);
      pump(server, sl);
      pump(client, cl);
    }
  }
  assert.is(got, 200);
  assert.ok(server.epoch >= 4, `epoch ${server.epoch}`);
  assert.is(server.stats.dropped[DropReason.REPLAY], cl.counters.duplicated);
  for (const d of client.close()) cl.send(d);
  await wait(30);
  pump(server, sl);
  assert.is(server.peerCloseReason, 0);
  } finally {
    sl.close();
    cl.close();
  }
});

test.run();

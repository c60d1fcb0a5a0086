/**
 * The QSP fuzzer (seed 003 §10.3, extended): two sessions joined by a hostile network that drops,
 * duplicates, reorders, replays, truncates, mutates and forges datagrams while both sides send data
 * and the server rekeys (with and without QKD blocks), timers run and retransmissions fire.
 * Runtime-agnostic (Node and XS). Each case starts from one real handshake's result (copied), so
 * cases cost nothing to set up; a case is a pure function of (seed, case index), so any failure
 * replays with `--seed S --case K`.
 *
 * Invariants, checked at every step:
 *   - nothing throws out of receive/send/poll/rekey/close; no close is INTERNAL_ERROR;
 *   - every delivered plaintext is exactly one that was sent, and none is delivered twice;
 *   - a datagram that was altered is never accepted as data;
 *   - a refused datagram is a counted drop or a typed close;
 *   - no (direction, epoch, seq) is ever sealed twice (no nonce reuse), epochs only go up;
 *   - at most two epochs' keys held; the peers' epochs never differ by more than one.
 */
import { AeadAlgorithm, type SymmetricCrypto } from '../hal/crypto.ts';
import { nobleCrypto } from '../src/crypto/noble.ts';
import { PhysicsRandom } from '../hal/sim/prng.ts';
import { SimClock } from '../hal/sim/clock.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { equalBytes } from '../src/bytes.ts';
import { CloseReason, closeReasonName } from '../src/qsp/close.ts';
import { decodeFrame, FrameType, HEADER_BYTES } from '../src/qsp/frame.ts';
import { ClientHandshake, type HandshakeResult, ServerHandshake } from '../src/qsp/handshake.ts';
import { simKeyBlockPair } from '../src/qsp/key-source.ts';
import { QspSession } from '../src/qsp/session.ts';
import { QspState } from '../src/qsp/state-table.ts';
import { pairIdentities } from './qsp-pair.ts';

export interface FuzzOptions {
  readonly cases: number;
  readonly steps: number;
  readonly seed: number;
  readonly mutateProb?: number;
  /** Run only this case (replay). */
  readonly onlyCase?: number;
  readonly crypto?: SymmetricCrypto;
}

export interface FuzzReport {
  readonly cases: number;
  readonly steps: number;
  readonly mutateProb: number;
  readonly ok: boolean;
  readonly failure?: { readonly case: number; readonly step: number; readonly what: string };
  /** Totals over all cases, to show the fuzzer reached every path. */
  readonly totals: Record<string, number>;
}

interface Base {
  client: HandshakeResult;
  server: HandshakeResult;
  identities: ReturnType<typeof pairIdentities>;
}

/** One real handshake (the handshake classes, no frames); its results, keys copied, seed every case. */
function baseHandshake(seed: number, crypto: SymmetricCrypto = nobleCrypto): Base {
  const identities = pairIdentities(seed);
  const [clientKeys, serverKeys] = simKeyBlockPair(new SimEntropy(seed, 'qsp-fuzz:base-blocks'), 1);
  const client = new ClientHandshake({ identity: identities.client, peerPublicKey: identities.server.publicKey, crypto, keySource: clientKeys,
    entropy: new SimEntropy(seed, 'qsp-fuzz:base-client'), allowPqcOnly: false }, AeadAlgorithm.AES_256_GCM);
  const server = new ServerHandshake({ identity: identities.server, peerPublicKey: identities.client.publicKey, crypto, keySource: serverKeys,
    entropy: new SimEntropy(seed, 'qsp-fuzz:base-server'), allowPqcOnly: false }, { aeads: [AeadAlgorithm.AES_256_GCM], underLoad: () => false });
  const hello = server.onClientHello(client.clientHello);
  if (hello.kind !== 'server-hello') throw new Error('fuzz: no SERVER_HELLO');
  const { clientFinish, result } = client.onServerHello(hello.sessionId, hello.payload);
  return { client: result, server: server.onClientFinish(hello.sessionId, clientFinish), identities };
}

function copyKeys(k: HandshakeResult['keys']): HandshakeResult['keys'] {
  return { ...k, secret: k.secret.slice(), clientToServer: k.clientToServer.slice(), serverToClient: k.serverToClient.slice() };
}

class FuzzFailure extends Error {}
function check(condition: boolean, what: string): void {
  if (!condition) throw new FuzzFailure(what);
}

export function runFuzz(options: FuzzOptions): FuzzReport {
  const mutateProb = options.mutateProb ?? 0.15;
  const base = baseHandshake(options.seed, options.crypto);
  const totals: Record<string, number> = { delivered: 0, dropped: 0, closes: 0, rekeys: 0, mutated: 0, forged: 0, replayed: 0, duplicated: 0, reordered: 0, lost: 0 };
  const first = options.onlyCase ?? 0;
  const last = options.onlyCase !== undefined ? options.onlyCase + 1 : options.cases;
  for (let c = first; c < last; c++) {
    let step = 0;
    try {
      runCase(options.seed, c, options.steps, mutateProb, base, options.crypto, totals, (s) => (step = s));
    } catch (e) {
      const what = e instanceof FuzzFailure ? e.message : `uncaught ${String(e)}${e instanceof Error && e.stack ? ` at ${e.stack.split('\n')[1]?.trim()}` : ''}`;
      return { cases: c + 1 - first, steps: options.steps, mutateProb, ok: false, failure: { case: c, step, what }, totals };
    }
  }
  return { cases: last - first, steps: options.steps, mutateProb, ok: true, totals };
}

function runCase(seed: number, c: number, steps: number, mutateProb: number, base: Base, crypto: SymmetricCrypto | undefined,
  totals: Record<string, number>, at: (step: number) => void): void {
  const rng = new PhysicsRandom(seed, `qsp-fuzz:${c}`);
  const r = (n: number) => rng.nextUint32() % n;
  const p = (prob: number) => rng.uniform() < prob;
  const clock = new SimClock();
  const [ck, sk] = simKeyBlockPair(new SimEntropy(seed, `qsp-fuzz-blocks:${c}`), r(6));
  const strict = p(0.1); // the seed's fail-closed policy in some cases, lenient drop in the rest
  const common = { clock, onBadDatagram: strict ? 'close' as const : 'drop' as const, replayWindow: 64, rekeyTimeoutMs: 150, rekeyRetries: 5,
    rekeyAfterFrames: 20 + r(200), ...(crypto ? { crypto } : {}) };
  const client = QspSession.fromHandshake({ role: 'client', identity: base.identities.client, peerPublicKey: base.identities.server.publicKey,
    entropy: new SimEntropy(seed, `qsp-fuzz-c:${c}`), keySource: ck, ...common }, { ...base.client, keys: copyKeys(base.client.keys) });
  const server = QspSession.fromHandshake({ role: 'server', identity: base.identities.server, peerPublicKey: base.identities.client.publicKey,
    entropy: new SimEntropy(seed, `qsp-fuzz-s:${c}`), keySource: sk, ...common }, { ...base.server, keys: copyKeys(base.server.keys) });

  const sent = [new Map<number, Uint8Array>(), new Map<number, Uint8Array>()]; // by sender: 0 client, 1 server
  const received = [new Set<number>(), new Set<number>()]; // ids received from sender i
  const sealed = [new Set<string>(), new Set<string>()];
  const lastEpoch = [1, 1];
  const nextId = [0, 0];
  const inflight: Array<{ to: 0 | 1; d: Uint8Array }> = []; // to: 0 client, 1 server
  const history: Array<{ to: 0 | 1; d: Uint8Array }> = [];
  const sessions = [client, server];

  const emit = (from: 0 | 1, datagrams: Uint8Array[]) => {
    for (const d of datagrams) {
      const f = decodeFrame(d);
      if (f.type !== FrameType.HANDSHAKE) {
        const key = `${f.epoch}:${f.seq}`;
        check(!sealed[from]!.has(key), `nonce reuse: ${from ? 'server' : 'client'} sealed epoch ${f.epoch} seq ${f.seq} twice`);
        sealed[from]!.add(key);
        check(f.epoch >= lastEpoch[from]! - 1, `sealed under an epoch older than previous (${f.epoch} < ${lastEpoch[from]! - 1})`);
      }
      inflight.push({ to: from === 0 ? 1 : 0, d });
      if (history.length < 512) history.push({ to: from === 0 ? 1 : 0, d });
      else history[r(512)] = { to: from === 0 ? 1 : 0, d };
    }
  };

  const deliver = (to: 0 | 1, d: Uint8Array, altered: boolean) => {
    const s = sessions[to]!;
    const res = s.receive(d);
    if (res.data) {
      check(!altered, 'an altered datagram was accepted as data');
      check(res.data.length >= 4, 'delivered data shorter than its id');
      const id = new DataView(res.data.buffer, res.data.byteOffset, 4).getUint32(0);
      const from = to === 0 ? 1 : 0;
      const original = sent[from]!.get(id);
      check(original !== undefined && equalBytes(original, res.data), `delivered data id ${id} differs from anything sent`);
      check(!received[from]!.has(id), `data id ${id} delivered twice`);
      received[from]!.add(id);
      totals.delivered!++;
    } else if (res.dropped !== undefined) totals.dropped!++;
    emit(to, res.out);
  };

  const invariants = () => {
    for (const [i, s] of sessions.entries()) {
      check(s.closeReason !== CloseReason.INTERNAL_ERROR, `${i ? 'server' : 'client'} closed with INTERNAL_ERROR`);
      check(s.epochKeysHeld <= 2, `${i ? 'server' : 'client'} holds ${s.epochKeysHeld} epochs' keys`);
      if (s.state !== QspState.CLOSED) {
        check(s.epoch >= lastEpoch[i]!, `${i ? 'server' : 'client'} epoch went back`);
        lastEpoch[i] = s.epoch;
      }
    }
    if (client.state !== QspState.CLOSED && server.state !== QspState.CLOSED)
      check(Math.abs(client.epoch - server.epoch) <= 1, `epochs ${client.epoch} and ${server.epoch} drifted apart`);
  };

  const mutate = (d: Uint8Array): Uint8Array => {
    const m = d.slice();
    switch (r(6)) {
      case 0: m[r(m.length)]! ^= 1 << r(8); return m;
      case 1: return m.subarray(0, r(m.length));
      case 2: { const x = new Uint8Array(m.length + 1 + r(40)); x.set(m); return x; }
      case 3: m[r(HEADER_BYTES)] = rng.nextUint32() & 0xff; return m;
      case 4: m[0] = 1 + r(5); return m;
      default: m[m.length - 1 - r(Math.min(m.length, 16))]! ^= 0x80; return m;
    }
  };

  for (let step = 0; step < steps; step++) {
    at(step);
    const op = r(100);
    if (op < 22) {
      const from = r(2) as 0 | 1;
      const s = sessions[from]!;
      if (s.state === QspState.ESTABLISHED || s.state === QspState.REKEY) {
        const id = nextId[from]!++;
        const data = new Uint8Array(4 + r(120));
        new DataView(data.buffer).setUint32(0, id);
        for (let i = 4; i < data.length; i++) data[i] = (id * 31 + i) & 0xff;
        sent[from]!.set(id, data);
        emit(from, s.send(data));
      }
    } else if (op < 26) {
      if (server.state === QspState.ESTABLISHED) {
        emit(1, server.rekey());
        totals.rekeys!++;
      }
    } else if (op < 78) {
      if (inflight.length) {
        const reorder = p(0.25);
        const i = reorder ? r(inflight.length) : 0;
        const { to, d } = inflight[i]!;
        if (reorder) totals.reordered!++;
        if (p(0.05)) {
          totals.duplicated!++; // deliver and keep it queued
        } else inflight.splice(i, 1);
        if (p(0.05)) {
          totals.lost!++;
          continue;
        }
        if (p(mutateProb)) {
          const m = mutate(d);
          totals.mutated!++;
          deliver(to, m, !equalBytes(m, d));
        } else deliver(to, d, false);
      }
    } else if (op < 84) {
      if (history.length) {
        const { to, d } = history[r(history.length)]!;
        totals.replayed!++;
        deliver(to, d, false);
      }
    } else if (op < 88) {
      const f = new Uint8Array(HEADER_BYTES + r(100));
      for (let i = 0; i < f.length; i++) f[i] = rng.nextUint32() & 0xff;
      if (p(0.7)) {
        // a plausible header: right type, session id, epoch, seq and length
        const to = r(2);
        const v = new DataView(f.buffer);
        v.setUint8(0, 1 + r(4));
        v.setUint8(1, 0);
        v.setBigUint64(2, sessions[to]!.sessionId);
        v.setUint32(10, Math.max(0, sessions[to]!.epoch - 1 + r(3)));
        v.setUint32(18, f.length - HEADER_BYTES);
      }
      totals.forged!++;
      deliver(r(2) as 0 | 1, f, true);
    } else if (op < 96) {
      clock.advance(r(30));
      emit(0, client.poll());
      emit(1, server.poll());
    } else if (op < 97 && p(0.01)) {
      const from = r(2) as 0 | 1;
      emit(from, sessions[from]!.close(p(0.5) ? CloseReason.NORMAL : CloseReason.PROTOCOL_ERROR, 'fuzz'));
    }
    invariants();
    if (client.state === QspState.CLOSED && server.state === QspState.CLOSED && !inflight.length) {
      totals.closes!++;
      break;
    }
  }
  for (const [i, s] of sessions.entries()) {
    if (s.state === QspState.CLOSED) {
      const name = `close:${i ? 'server' : 'client'}:${closeReasonName(s.closeReason ?? 0)}`;
      totals[name] = (totals[name] ?? 0) + 1;
    } else s.close();
  }
  // a reason is always a known typed code
  for (const s of sessions) check(closeReasonName(s.closeReason ?? 0).indexOf('UNKNOWN') < 0, `untyped close ${s.closeReason}`);
}

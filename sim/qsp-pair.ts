/**
 * A seeded QSP client/server pair and a scripted session between them, runtime-agnostic (Node and
 * XS): identities, entropy, clocks and key blocks all come from seeds, so the same seed gives the
 * same datagrams byte for byte on both runtimes. Used by the tests, the golden vectors, the fuzzer,
 * the benches and the Node ↔ XS interop run.
 */
import type { SymmetricCrypto } from '../hal/crypto.ts';
import { SimClock } from '../hal/sim/clock.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { generateIdentity, type Identity } from '../src/qkd/auth.ts';
import { MemoryKeySource, simKeyBlockPair } from '../src/qsp/key-source.ts';
import { QspSession, type QspOptions } from '../src/qsp/session.ts';
import { QspState } from '../src/qsp/state-table.ts';
import { Transcript } from '../src/transcript.ts';

export interface PairOptions {
  readonly seed: number;
  /** QKD key blocks both sides hold (0: PQC only, which then must be allowed). */
  readonly keyBlocks?: number;
  readonly crypto?: SymmetricCrypto;
  readonly client?: Partial<QspOptions>;
  readonly server?: Partial<QspOptions>;
}

export interface QspPair {
  readonly client: QspSession;
  readonly server: QspSession;
  readonly clock: SimClock;
  readonly clientKeys: MemoryKeySource;
  readonly serverKeys: MemoryKeySource;
  readonly identities: { client: Identity; server: Identity };
}

const identityCache = new Map<number, { client: Identity; server: Identity }>();

/** Identities depend on the seed only (cached: ML-DSA keygen is the slow part on XS). */
export function pairIdentities(seed: number): { client: Identity; server: Identity } {
  let ids = identityCache.get(seed);
  if (!ids) {
    ids = { client: generateIdentity(new SimEntropy(seed, 'qsp:client-identity')), server: generateIdentity(new SimEntropy(seed, 'qsp:server-identity')) };
    identityCache.set(seed, ids);
  }
  return ids;
}

export function createQspPair(options: PairOptions): QspPair {
  const { seed } = options;
  const identities = pairIdentities(seed);
  const clock = new SimClock();
  const [clientKeys, serverKeys] = simKeyBlockPair(new SimEntropy(seed, 'qsp:key-blocks'), options.keyBlocks ?? 16);
  const common = { clock, ...(options.crypto ? { crypto: options.crypto } : {}) };
  const client = new QspSession({
    role: 'client', identity: identities.client, peerPublicKey: identities.server.publicKey, entropy: new SimEntropy(seed, 'qsp:client'),
    keySource: clientKeys, ...common, ...options.client,
  });
  const server = new QspSession({
    role: 'server', identity: identities.server, peerPublicKey: identities.client.publicKey, entropy: new SimEntropy(seed, 'qsp:server'),
    keySource: serverKeys, ...common, ...options.server,
  });
  return { client, server, clock, clientKeys, serverKeys, identities };
}

/** Runs the handshake over a perfect in-order link; returns the datagrams in the order sent. */
export function handshake(pair: QspPair): Uint8Array[] {
  const wire: Uint8Array[] = [];
  let toServer = pair.client.start();
  let guard = 0;
  while (toServer.length && guard++ < 8) {
    const toClient: Uint8Array[] = [];
    for (const d of toServer) {
      wire.push(d);
      toClient.push(...pair.server.receive(d).out);
    }
    toServer = [];
    for (const d of toClient) {
      wire.push(d);
      toServer.push(...pair.client.receive(d).out);
    }
  }
  return wire;
}

export interface ScenarioSpec {
  readonly seed: number;
  readonly frames: number;
  readonly rekeys: number;
  readonly payloadBytes: number;
  readonly keyBlocks?: number;
  readonly aead?: 1 | 2;
}

export interface ScenarioResult {
  readonly mode: string | undefined;
  readonly finalEpoch: number;
  readonly datagrams: number;
  /** SHA-256 transcript over every datagram both ways, in order. */
  readonly wireDigest: string;
  readonly handshakeDigest: string;
  readonly delivered: number;
  readonly clientClose: number | undefined;
  readonly serverClose: number | undefined;
  readonly peerCloseSeenByClient: number | undefined;
}

/** What one side saw and did, in order: enough to replay that side alone (Node ↔ XS interop). */
export type SideEvent =
  | { readonly op: 'start' }
  | { readonly op: 'recv'; readonly hex: string }
  | { readonly op: 'send'; readonly hex: string }
  | { readonly op: 'rekey' }
  | { readonly op: 'close' };

export interface ScenarioLog {
  readonly client: SideEvent[];
  readonly server: SideEvent[];
}

function pairFor(spec: ScenarioSpec, crypto?: SymmetricCrypto): QspPair {
  return createQspPair({
    seed: spec.seed, keyBlocks: spec.keyBlocks ?? spec.rekeys + 1, ...(crypto ? { crypto } : {}),
    client: { aead: spec.aead ?? 1, allowPqcOnly: (spec.keyBlocks ?? 1) === 0 },
    server: { allowPqcOnly: (spec.keyBlocks ?? 1) === 0 },
  });
}

/**
 * Handshake, then `frames` APP_DATA frames alternating client→server and server→client with
 * `rekeys` rekeys spread evenly, then a NORMAL close from the client. Deterministic. With `log`,
 * records each side's inputs so either side can be replayed alone (replaySide).
 */
export function runScenario(spec: ScenarioSpec, crypto?: SymmetricCrypto, log?: ScenarioLog): ScenarioResult {
  const pair = pairFor(spec, crypto);
  const sideLog = (s: QspSession) => (log ? (s === pair.client ? log.client : log.server) : undefined);
  const t = new Transcript('LIGHTVIBES/qsp/scenario/v1');
  let count = 0;
  let delivered = 0;
  const payloadSource = new SimEntropy(spec.seed, 'qsp:payload');
  const every = spec.rekeys ? Math.max(1, Math.floor(spec.frames / (spec.rekeys + 1))) : Infinity;
  let rekeysDone = 0;
  const deliver = (from: QspSession, to: QspSession, datagrams: Uint8Array[], label?: string) => {
    let queue = datagrams;
    while (queue.length) {
      const next: Uint8Array[] = [];
      for (const d of queue) {
        t.absorb(label ?? (from === pair.client ? 'c2s' : 's2c'), d);
        count++;
        sideLog(to)?.push({ op: 'recv', hex: bytesToHex(d) });
        const r = to.receive(d);
        if (r.data) delivered++;
        next.push(...r.out);
      }
      [from, to] = [to, from];
      queue = next;
    }
  };
  sideLog(pair.client)?.push({ op: 'start' });
  deliver(pair.client, pair.server, pair.client.start(), 'hs');
  const handshakeDigest = bytesToHex(t.snapshot());
  const rekey = () => {
    sideLog(pair.server)?.push({ op: 'rekey' });
    deliver(pair.server, pair.client, pair.server.rekey());
    rekeysDone++;
  };
  for (let i = 0; i < spec.frames; i++) {
    if (i > 0 && i % every === 0 && rekeysDone < spec.rekeys) rekey();
    const [from, to] = i % 2 === 0 ? [pair.client, pair.server] : [pair.server, pair.client];
    const data = payloadSource.randomBytes(spec.payloadBytes);
    sideLog(from)?.push({ op: 'send', hex: bytesToHex(data) });
    deliver(from, to, from.send(data));
  }
  while (rekeysDone < spec.rekeys) rekey();
  const finalEpoch = pair.client.epoch;
  sideLog(pair.client)?.push({ op: 'close' });
  deliver(pair.client, pair.server, pair.client.close());
  return {
    mode: pair.client.mode, finalEpoch, datagrams: count, wireDigest: bytesToHex(t.digest()), handshakeDigest, delivered,
    clientClose: pair.client.closeReason, serverClose: pair.server.closeReason, peerCloseSeenByClient: pair.server.peerCloseReason,
  };
}

export interface ReplayResult {
  readonly role: 'client' | 'server';
  /** SHA-256 transcript over every datagram this side sent, in order. */
  readonly outputDigest: string;
  readonly outputs: number;
  readonly delivered: number;
  readonly epoch: number;
  readonly closeReason: number | undefined;
  readonly peerCloseReason: number | undefined;
}

/** Replays one side from its log: the same seed must give the same datagrams out, on any runtime. */
export function replaySide(spec: ScenarioSpec, role: 'client' | 'server', events: readonly SideEvent[], crypto?: SymmetricCrypto): ReplayResult {
  const pair = pairFor(spec, crypto);
  const s = role === 'client' ? pair.client : pair.server;
  const t = new Transcript('LIGHTVIBES/qsp/replay/v1');
  let outputs = 0;
  let delivered = 0;
  const emit = (ds: Uint8Array[]) => {
    for (const d of ds) {
      t.absorb('out', d);
      outputs++;
    }
  };
  for (const e of events) {
    if (e.op === 'start') emit(s.start());
    else if (e.op === 'recv') {
      const r = s.receive(hexToBytes(e.hex));
      if (r.data) delivered++;
      emit(r.out);
    } else if (e.op === 'send') emit(s.send(hexToBytes(e.hex)));
    else if (e.op === 'rekey') emit(s.rekey());
    else emit(s.close());
  }
  return { role, outputDigest: bytesToHex(t.digest()), outputs, delivered, epoch: s.epoch, closeReason: s.closeReason, peerCloseReason: s.peerCloseReason };
}

/**
 * One side's part of a scenario as a script for a live run, one letter per action in order:
 * b start · r wait for the peer's next datagram · s send the next payload · k rekey · c close.
 * Taken from the Node run's log, so both ends of a live run follow the replay run step for step.
 */
export function liveScript(events: readonly SideEvent[]): string {
  const letter = { start: 'b', recv: 'r', send: 's', rekey: 'k', close: 'c' } as const;
  return events.map((e) => letter[e.op]).join('');
}

/** What a live side asks its driver for: put a datagram on the link, or wait for the next one. */
export type LiveStep = { readonly kind: 'send'; readonly datagram: Uint8Array } | { readonly kind: 'recv' };

/**
 * One side of a scenario, live: the datagrams it receives come from the peer over a real link, not
 * from a log. A generator, so the same code runs under a blocking driver (XS: hal/xs/stdio-link.ts)
 * and an event-driven one (Node: sim/qsp-live.ts). Payloads are drawn from the seed as in
 * runScenario (frame i, even from the client, odd from the server), so the result — a digest over
 * every datagram this side sent — must equal replaySide's for the same seed, byte for byte.
 */
export function* liveSide(spec: ScenarioSpec, role: 'client' | 'server', script: string, crypto?: SymmetricCrypto): Generator<LiveStep, ReplayResult, Uint8Array | undefined> {
  const pair = pairFor(spec, crypto);
  const s = role === 'client' ? pair.client : pair.server;
  const t = new Transcript('LIGHTVIBES/qsp/replay/v1');
  const payloads = new SimEntropy(spec.seed, 'qsp:payload');
  let drawn = 0;
  let sent = 0;
  let outputs = 0;
  let delivered = 0;
  function* emit(ds: Uint8Array[]): Generator<LiveStep, void, Uint8Array | undefined> {
    for (const d of ds) {
      t.absorb('out', d);
      outputs++;
      yield { kind: 'send', datagram: d };
    }
  }
  for (const op of script) {
    if (op === 'b') yield* emit(s.start());
    else if (op === 'r') {
      const d = yield { kind: 'recv' };
      if (!d) throw new Error(`live ${role}: the link closed with the script at a receive`);
      const r = s.receive(d);
      if (r.data) delivered++;
      yield* emit(r.out);
    } else if (op === 's') {
      const frame = role === 'client' ? 2 * sent : 2 * sent + 1;
      let data: Uint8Array = new Uint8Array(0);
      for (; drawn <= frame; drawn++) data = payloads.randomBytes(spec.payloadBytes); // the peer's frames are drawn and skipped
      sent++;
      yield* emit(s.send(data));
    } else if (op === 'k') yield* emit(s.rekey());
    else if (op === 'c') yield* emit(s.close());
    else throw new RangeError(`"script" expected letters b r s k c, got ${JSON.stringify(op)}`);
    if (s.state === QspState.CLOSED) break; // either end closed (normally at the script's end): the conversation is over
  }
  return { role, outputDigest: bytesToHex(t.digest()), outputs, delivered, epoch: s.epoch, closeReason: s.closeReason, peerCloseReason: s.peerCloseReason };
}

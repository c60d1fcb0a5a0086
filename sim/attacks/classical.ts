/**
 * Classical-channel attacks against QSP (seed 003): Eve on the datagram path between a seeded
 * client/server pair (sim/qsp-pair.ts) replays, forges and delays frames. Each rejection is one
 * of the session's typed DropReasons; a genuine frame sent after the attack must still be
 * delivered (forgeries cannot move the anti-replay window). Run in 'drop' mode so every attempt
 * is counted; `failClosed` repeats the first attempt in the seed's default 'close' mode and
 * reports the typed CloseReason the session ends with.
 *
 * - replay: an accepted APP_DATA frame is sent again → REPLAY (duplicate).
 * - forgery: flipped ciphertext/tag bits → AEAD_FAILED; a re-sequenced header with a matching
 *   nonce prefix → AEAD_FAILED (the header is associated data); an unknown epoch → EPOCH_UNKNOWN.
 * - delay: a frame held back while more than a window's worth (128) of newer frames pass → REPLAY
 *   (too old); one held back less than the window is authentic reordering and is delivered once.
 *
 * Capsule attacks (replay, forgery, delay) are in capsule.ts.
 */
import { enumNames } from '../../src/_enum.ts';
import { closeReasonName } from '../../src/qsp/close.ts';
import { HEADER_BYTES } from '../../src/qsp/frame.ts';
import { DropReason, type QspSession } from '../../src/qsp/session.ts';
import { createQspPair, handshake, type QspPair } from '../qsp-pair.ts';
import { runCapsuleAttack, type CapsuleAttackKind } from './capsule.ts';
import type { ClassicalAttackKind } from './quantum.ts';

export const DROP_REASON_NAMES = enumNames(DropReason);

export interface ClassicalAttackResult {
  readonly kind: ClassicalAttackKind;
  /** For QSP: frames; for capsules: capsules. */
  /** Frames Eve injected. */
  readonly attempts: number;
  /** Of those, rejected, by typed reason name. */
  readonly rejected: number;
  readonly reasons: Readonly<Record<string, number>>;
  /** Injected frames the receiver accepted as new data (must be 0, except authentic reordering). */
  readonly accepted: number;
  /** A genuine frame (capsule) sent after the attack was delivered (opened). */
  readonly sessionSurvives: boolean;
  /** In the fail-closed ('close') mode: how the receiver ended the session. */
  readonly failClosed: string | undefined;
}

function pairFor(seed: number, mode: 'drop' | 'close'): QspPair {
  const pair = createQspPair({ seed, keyBlocks: 4, client: { onBadDatagram: mode }, server: { onBadDatagram: mode } });
  handshake(pair);
  return pair;
}

const payload = (i: number) => Uint8Array.of(0x4c, 0x56, i & 0xff, (i >>> 8) & 0xff);

function deliver(to: QspSession, d: Uint8Array): { data: boolean; dropped?: number } {
  const r = to.receive(d);
  return { data: r.data !== undefined, ...(r.dropped !== undefined ? { dropped: r.dropped } : {}) };
}

/** The forgeries of one accepted frame `d`. */
function forgeries(d: Uint8Array): Uint8Array[] {
  const flipTag = d.slice();
  flipTag[flipTag.length - 1]! ^= 0x01;
  const flipBody = d.slice();
  flipBody[HEADER_BYTES + 12]! ^= 0x80;
  // Re-sequenced: header seq and nonce prefix agree, so only the AEAD can tell.
  const reseq = d.slice();
  const seq = ((reseq[14]! << 24) | (reseq[15]! << 16) | (reseq[16]! << 8) | reseq[17]!) >>> 0;
  const next = seq + 1000;
  for (const at of [14, HEADER_BYTES + 8]) {
    reseq[at] = next >>> 24;
    reseq[at + 1] = (next >>> 16) & 0xff;
    reseq[at + 2] = (next >>> 8) & 0xff;
    reseq[at + 3] = next & 0xff;
  }
  const epoch = d.slice();
  epoch[13]! ^= 0x40;
  epoch[HEADER_BYTES + 3]! ^= 0x40;
  return [flipTag, flipBody, reseq, epoch];
}

/** Runs one classical attack `rounds` times against a fresh seeded pair. */
export function runClassicalAttack(kind: ClassicalAttackKind, seed: number, rounds = 8): ClassicalAttackResult {
  if (kind.startsWith('capsule-')) return runCapsuleAttack(kind as CapsuleAttackKind, seed, Math.min(rounds, 4));
  const pair = pairFor(seed, 'drop');
  const { client, server } = pair;
  const reasons: Record<string, number> = {};
  let attempts = 0;
  let accepted = 0;
  const inject = (d: Uint8Array) => {
    attempts++;
    const r = deliver(server, d);
    if (r.data) accepted++;
    if (r.dropped !== undefined) reasons[DROP_REASON_NAMES[r.dropped as DropReason]] = (reasons[DROP_REASON_NAMES[r.dropped as DropReason]] ?? 0) + 1;
  };
  let counter = 0;
  const genuine = () => client.send(payload(counter++))[0]!;
  let firstInjection: Uint8Array | undefined;
  for (let round = 0; round < rounds; round++) {
    if (kind === 'qsp-replay') {
      const d = genuine();
      deliver(server, d);
      firstInjection ??= d;
      inject(d);
    } else if (kind === 'qsp-forgery') {
      const d = genuine();
      const fakes = forgeries(d);
      firstInjection ??= fakes[0];
      for (const f of fakes) inject(f);
      deliver(server, d); // the genuine frame still gets through after the forgeries
    } else {
      const held = genuine();
      for (let k = 0; k < 130; k++) deliver(server, genuine());
      firstInjection ??= held;
      inject(held);
    }
  }
  const sessionSurvives = deliver(server, genuine()).data;
  const rejected = Object.values(reasons).reduce((a, b) => a + b, 0);
  return { kind, attempts, rejected, reasons, accepted, sessionSurvives, failClosed: failClosed(kind, seed) };
}

/** The first attempt again, against a session in the fail-closed default mode. */
function failClosed(kind: ClassicalAttackKind, seed: number): string | undefined {
  const { client, server } = pairFor(seed, 'close');
  let n = 0;
  const genuine = () => client.send(payload(n++))[0]!;
  if (kind === 'qsp-replay') {
    const d = genuine();
    server.receive(d);
    server.receive(d);
  } else if (kind === 'qsp-forgery') server.receive(forgeries(genuine())[0]!);
  else {
    const held = genuine();
    for (let k = 0; k < 130; k++) server.receive(genuine());
    server.receive(held);
  }
  return server.closeReason === undefined ? undefined : closeReasonName(server.closeReason);
}

/**
 * A QSP v1.0 session endpoint (seed 003 §6–§9), sans-IO: it takes datagrams and returns datagrams,
 * so the same code runs over the in-memory link, UDP, or a fuzzer, on Node and on XS. Time comes
 * from the Clock port (`poll()` runs the timers), randomness from the Entropy port, symmetric
 * crypto from the SymmetricCrypto port (noble by default).
 *
 * Established state (§6): AEAD (AES-256-GCM by default, ChaCha20-Poly1305 selectable) over APP_DATA,
 * REKEY and CLOSE; aad = prefix ‖ frame header; payload = nonce ‖ ciphertext, the prefix checked
 * against nonce(epoch, seq) (strict binding). At most two epochs' keys are held: previous + current
 * (the server, with a rekey in flight, holds current + pending and has dropped previous).
 * Sequence numbers run per direction from 1 across epochs; an anti-replay window (anti-replay.ts,
 * default 128) takes reordered datagrams. Rekey (§7) is server-led with the RK54 plaintexts of
 * rekey.ts; the client commits right after sending ACK, the server after verifying it; fresh QKD
 * blocks enter each new epoch when the key source has one; triggers by frames, bytes and time.
 *
 * Failures: unauthenticated trouble (malformed, wrong session, unknown epoch, replay, nonce
 * mismatch, AEAD failure, rejected handshake messages) closes with its typed reason when
 * `onBadDatagram` is 'close' (the seed's fail-closed default) and is dropped and counted when it is
 * 'drop' (lossy, duplicating links). Authenticated protocol violations always close. Closing
 * sends an AEAD-protected CLOSE when keys exist, and zeroises every key either way.
 */
import { AEAD_TAG_BYTES, AeadAlgorithm, type FrameCrypto, frameCrypto, type SymmetricCrypto } from '../../hal/crypto.ts';
import type { Clock } from '../../hal/clock.ts';
import type { AsymmetricCrypto } from '../../hal/pqc.ts';
import type { Entropy } from '../../hal/entropy.ts';
import { checkBytes, checkInteger, checkObject } from '../_check.ts';
import { asciiBytes, equalBytes, zeroise } from '../bytes.ts';
import { nobleCrypto } from '../crypto/noble.ts';
import type { Identity } from '../qkd/auth.ts';
import { CloseReason, decodeClosePlaintext, encodeClosePlaintext } from './close.ts';
import {
  frameReject, FrameType, getU32, HEADER_BYTES, MAX_APP_DATA_BYTES, NONCE_BYTES, writeHeader, writeHeaderWords,
} from './frame.ts';
import { ClientHandshake, HandshakeError, HandshakeType, type HandshakeResult, ServerHandshake, SessionMode } from './handshake.ts';
import {
  AadPrefix, deriveEpochKeysWithDigest, destroyEpochKeys, epochKeyBuffer, type EpochKeyBuffer, type EpochKeys, label, NO_KEY_BLOCK, REKEY_CONFIRM_SUFFIX,
} from './key-schedule.ts';
import type { QspKeySource } from './key-source.ts';
import { encodeRekeyAck, encodeRekeyInit, readRekey, REKEY_ACK_BYTES, REKEY_INIT_BYTES, REKEY_MATERIAL_BYTES, rekeyConfirm, RekeyType, type RekeyMessage } from './rekey.ts';
import { DEFAULT_REPLAY_WINDOW, ReplayVerdict, ReplayWindow } from './anti-replay.ts';
import { DROP, FAIL, QspEvent, QspState, type Role, transition } from './state-table.ts';

/** Why a datagram was dropped (counted in `stats.dropped`, indexed by code). */
export const DropReason = {
  MALFORMED: 1,
  WRONG_STATE: 2,
  WRONG_SESSION: 3,
  EPOCH_UNKNOWN: 4,
  REPLAY: 5,
  NONCE_MISMATCH: 6,
  AEAD_FAILED: 7,
  HANDSHAKE_REJECTED: 8,
  DUPLICATE_ACK: 9,
  AFTER_CLOSE: 10,
} as const;
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

export interface QspOptions {
  readonly role: Role;
  readonly identity: Identity;
  /** The peer's pinned ML-DSA-65 public key. */
  readonly peerPublicKey: Uint8Array;
  readonly entropy: Entropy;
  readonly clock: Clock;
  readonly keySource: QspKeySource;
  readonly crypto?: SymmetricCrypto;
  /** The handshake's ML-DSA-65, ML-KEM-768 and X25519 (hal/pqc.ts); default noble. */
  readonly asymmetric?: AsymmetricCrypto;
  /** Client: the AEAD to propose (default AES-256-GCM). */
  readonly aead?: AeadAlgorithm;
  /** Server: the AEADs it accepts (default both). */
  readonly aeads?: readonly AeadAlgorithm[];
  /** Policy: may the session run without a QKD key block (mode PQC, flagged)? Default false. */
  readonly allowPqcOnly?: boolean;
  readonly onBadDatagram?: 'close' | 'drop';
  readonly replayWindow?: number;
  /** Server: rekey after this many APP_DATA frames in an epoch (both directions). */
  readonly rekeyAfterFrames?: number;
  readonly rekeyAfterBytes?: number;
  readonly rekeyAfterMs?: number;
  readonly rekeyTimeoutMs?: number;
  readonly rekeyRetries?: number;
  readonly handshakeTimeoutMs?: number;
  readonly handshakeRetries?: number;
  /** Server: under load, hellos must carry a cookie (handshake.ts). */
  readonly underLoad?: () => boolean;
}

const OPTIONS = ['role', 'identity', 'peerPublicKey', 'entropy', 'clock', 'keySource', 'crypto', 'asymmetric', 'aead', 'aeads', 'allowPqcOnly',
  'onBadDatagram', 'replayWindow', 'rekeyAfterFrames', 'rekeyAfterBytes', 'rekeyAfterMs', 'rekeyTimeoutMs', 'rekeyRetries',
  'handshakeTimeoutMs', 'handshakeRetries', 'underLoad'];

export interface ReceiveResult {
  /** Datagrams to send in response (ACK, CLOSE, handshake replies, a triggered REKEY_INIT). */
  readonly out: Uint8Array[];
  /** The application data this datagram carried, when it did. */
  readonly data?: Uint8Array;
  readonly dropped?: DropReason;
}

export interface QspStats {
  framesSent: number;
  framesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  rekeys: number;
  /** dropped[reason] = count. */
  readonly dropped: number[];
}

/** Indexed by frame type (APP_DATA 2, REKEY 3, CLOSE 4): the associated-data prefix of key-schedule.ts; aad = prefix ‖ header. */
const AAD_PREFIXES: readonly (Uint8Array | undefined)[] = [undefined, undefined, label(AadPrefix.APP_DATA), label(AadPrefix.REKEY), label(AadPrefix.CLOSE)];

/**
 * Frames up to FRAME_SLAB_MAX_BYTES are views into a shared slab (never overlapping): a fresh small
 * buffer costs more than sealing a rekey message on Node (V8 allocates it, then moves it off its
 * heap when native code reads it). Frames carry only ciphertext and public headers; secrets live
 * in the session's own buffers below. 16 KiB, not more: on a board the slab a held frame keeps
 * alive counts against the agent's ~128 KiB heap budget.
 */
const FRAME_SLAB_BYTES = 16 * 1024;
const FRAME_SLAB_MAX_BYTES = 2048;
let frameSlab = new ArrayBuffer(FRAME_SLAB_BYTES);
let frameSlabUsed = 0;
function frameBuffer(length: number): Uint8Array<ArrayBuffer> {
  if (length > FRAME_SLAB_MAX_BYTES) return new Uint8Array(length);
  if (frameSlabUsed + length > FRAME_SLAB_BYTES) {
    frameSlab = new ArrayBuffer(FRAME_SLAB_BYTES);
    frameSlabUsed = 0;
  }
  const out = new Uint8Array(frameSlab, frameSlabUsed, length);
  frameSlabUsed += (length + 7) & ~7;
  return out;
}

/** Highest seq for data; the last one is kept for CLOSE so a session can always say why it ends. */
const MAX_DATA_SEQ = 0xffff_fffe;
const MAX_EPOCH = 0xffff_ffff;

interface PendingRekey {
  readonly keys: EpochKeys;
  readonly confirm: Uint8Array;
  readonly initPlaintext: Uint8Array;
  sentAt: number;
  retries: number;
}

export class QspSession {
  readonly role: Role;
  readonly stats: QspStats = { framesSent: 0, framesReceived: 0, bytesSent: 0, bytesReceived: 0, rekeys: 0, dropped: new Array(11).fill(0) };
  private _state: QspState = QspState.HANDSHAKE;
  private _sessionId = 0n;
  /** session_id as u32 halves, for the per-frame header write and compare. */
  private sessionHi = 0;
  private sessionLo = 0;
  private _mode: SessionMode | undefined;
  private aead: AeadAlgorithm = AeadAlgorithm.AES_256_GCM;
  private current: EpochKeys | undefined;
  private previous: EpochKeys | undefined;
  private pending: PendingRekey | undefined;
  /** Client: confirm of the last committed rekey, to answer a retransmitted INIT. */
  private lastConfirm: Uint8Array | undefined;
  private sendSeq = 0;
  private lastEpoch = 0;
  /** The one pending INIT's plaintext (server) and the ACK being sealed: reused, wiped after use. */
  private readonly initBuffer = new Uint8Array(new ArrayBuffer(REKEY_INIT_BYTES));
  private readonly ackBuffer = new Uint8Array(new ArrayBuffer(REKEY_ACK_BYTES));
  /**
   * material ‖ "ack" of the rekey being derived: its first 32 bytes are the ikm of a step without
   * a QKD block, all of it the confirm's input (§7.2), so one copy of the material serves both.
   * Wiped after each derivation.
   */
  private readonly confirmInput = new Uint8Array(new ArrayBuffer(REKEY_MATERIAL_BYTES + REKEY_CONFIRM_SUFFIX.length));
  private readonly materialIkm = this.confirmInput.subarray(0, REKEY_MATERIAL_BYTES);
  /**
   * The session's own buffers for rekeyed epochs' keys (three: current and previous live while the
   * next is derived) and confirms (two: the last one outlives the next derivation). Long-lived, so a
   * native backend writes into them without a fresh buffer per rekey; zeroised with their epoch.
   */
  private readonly okmPool = [epochKeyBuffer(), epochKeyBuffer(), epochKeyBuffer()];
  private readonly confirmPool = [0, 1].map(() => new Uint8Array(new ArrayBuffer(32)));
  /** material ‖ QKD key, reused while blocks keep one size. */
  private qkdIkmBuffer: Uint8Array | undefined;
  private readonly replay: ReplayWindow;
  private epochFrames = 0;
  private epochBytes = 0;
  private epochStartedMs = 0;
  private client: ClientHandshake | undefined;
  private server: ServerHandshake | undefined;
  private handshakeDatagram: Uint8Array | undefined;
  private handshakeSentAt = 0;
  private handshakeRetries = 0;
  private _closeReason: CloseReason | undefined;
  private _peerCloseReason: number | undefined;
  private _transcript: Uint8Array | undefined;
  private readonly crypto: SymmetricCrypto;
  /** The backend's frame calls (or the default over its seal/open), resolved once. */
  private readonly frames: FrameCrypto;
  private readonly o: Required<Omit<QspOptions, 'crypto' | 'asymmetric'>>;

  constructor(options: QspOptions) {
    checkObject('options', options, OPTIONS);
    if (options.role !== 'client' && options.role !== 'server') throw new RangeError(`"options.role" expected "client" or "server", got ${String(options.role)}`);
    checkBytes('options.peerPublicKey', options.peerPublicKey);
    const onBad = options.onBadDatagram ?? 'close';
    if (onBad !== 'close' && onBad !== 'drop') throw new RangeError(`"options.onBadDatagram" expected "close" or "drop", got ${String(onBad)}`);
    const aead = options.aead ?? AeadAlgorithm.AES_256_GCM;
    checkInteger('options.aead', aead, 1, 2);
    this.role = options.role;
    this.crypto = options.crypto ?? nobleCrypto;
    this.frames = frameCrypto(this.crypto);
    this.confirmInput.set(label(REKEY_CONFIRM_SUFFIX), REKEY_MATERIAL_BYTES);
    this.o = {
      ...options,
      aead,
      aeads: options.aeads ?? [AeadAlgorithm.AES_256_GCM, AeadAlgorithm.CHACHA20_POLY1305],
      allowPqcOnly: options.allowPqcOnly ?? false,
      onBadDatagram: onBad,
      replayWindow: options.replayWindow ?? DEFAULT_REPLAY_WINDOW,
      rekeyAfterFrames: checkInteger('options.rekeyAfterFrames', options.rekeyAfterFrames ?? 1 << 20, 1),
      rekeyAfterBytes: checkInteger('options.rekeyAfterBytes', options.rekeyAfterBytes ?? 1 << 30, 1),
      rekeyAfterMs: checkInteger('options.rekeyAfterMs', options.rekeyAfterMs ?? 600_000, 1),
      rekeyTimeoutMs: checkInteger('options.rekeyTimeoutMs', options.rekeyTimeoutMs ?? 1000, 1),
      rekeyRetries: checkInteger('options.rekeyRetries', options.rekeyRetries ?? 5, 0),
      handshakeTimeoutMs: checkInteger('options.handshakeTimeoutMs', options.handshakeTimeoutMs ?? 3000, 1),
      handshakeRetries: checkInteger('options.handshakeRetries', options.handshakeRetries ?? 3, 0),
      underLoad: options.underLoad ?? (() => false),
    };
    this.replay = new ReplayWindow(this.o.replayWindow);
    const peer = { identity: options.identity, peerPublicKey: options.peerPublicKey, entropy: options.entropy, crypto: this.crypto,
      asymmetric: options.asymmetric, keySource: options.keySource, allowPqcOnly: this.o.allowPqcOnly };
    if (this.role === 'server') this.server = new ServerHandshake(peer, { aeads: this.o.aeads, underLoad: this.o.underLoad });
    else this._peer = peer;
  }

  /**
   * A session from a handshake completed and verified elsewhere (a handshake run by another task,
   * benches and the fuzzer, which replay one handshake's result into many sessions). It takes
   * ownership of `result.keys` and zeroises them when it closes.
   */
  static fromHandshake(options: QspOptions, result: HandshakeResult): QspSession {
    const session = new QspSession(options);
    session.establish(result);
    return session;
  }

  private _peer: ConstructorParameters<typeof ClientHandshake>[0] | undefined;

  get state(): QspState { return this._state; }
  get sessionId(): bigint { return this._sessionId; }
  /** 'HYBRID' (QKD mixed in) or 'PQC' (policy fallback, flagged); undefined before the handshake. */
  get mode(): 'HYBRID' | 'PQC' | undefined { return this._mode === undefined ? undefined : this._mode === SessionMode.HYBRID ? 'HYBRID' : 'PQC'; }
  /** The current epoch (after a close: the last one in use). */
  get epoch(): number { return this.current?.epoch ?? this.lastEpoch; }
  /** Did a QKD block enter the current epoch's keys? */
  get epochHasQkd(): boolean { return this.current?.qkd ?? false; }
  get closeReason(): CloseReason | undefined { return this._closeReason; }
  get peerCloseReason(): number | undefined { return this._peerCloseReason; }
  get aeadAlgorithm(): AeadAlgorithm { return this.aead; }
  /** The handshake transcript digest both peers signed (public). */
  get transcript(): Uint8Array | undefined { return this._transcript; }
  /** How many epochs' keys are held (at most two, seed §6.1). */
  get epochKeysHeld(): number { return (this.current ? 1 : 0) + (this.previous ? 1 : 0) + (this.pending ? 1 : 0); }

  /** Client: the CLIENT_HELLO datagram. Server: nothing (it waits). */
  start(): Uint8Array[] {
    if (this.role === 'server' || this.client || this._state !== QspState.HANDSHAKE) return [];
    try {
      this.client = new ClientHandshake(this._peer!, this.o.aead);
    } catch (e) {
      if (e instanceof HandshakeError) return this.fail(e.reason);
      throw e;
    }
    return [this.sendHandshake(0n, 1, this.client.clientHello)];
  }

  /** Seals application data into one APP_DATA frame (and, on the server, a triggered REKEY_INIT). */
  send(data: Uint8Array): Uint8Array[] {
    checkBytes('data', data);
    if (data.length > MAX_APP_DATA_BYTES) throw new RangeError(`"data" expected at most ${MAX_APP_DATA_BYTES} bytes, got ${data.length}`);
    const next = transition(this._state, QspEvent.TX_APP_DATA, this.role) as QspState;
    if (this.sendSeq >= MAX_DATA_SEQ) return this.fail(CloseReason.SEQ_EXHAUSTED);
    const frame = this.seal(FrameType.APP_DATA, this.current!, data);
    this._state = next;
    this.stats.bytesSent += data.length;
    this.countEpochTraffic(data.length);
    const out = [frame];
    this.maybeRekey(out);
    return out;
  }

  /** Server: starts a rekey now (when none is in flight). */
  rekey(): Uint8Array[] {
    if (this.role !== 'server') throw new Error('QSP: rekey is server-led (seed 003 §7.1)');
    if (this._state !== QspState.ESTABLISHED) return [];
    const out: Uint8Array[] = [];
    this.startRekey(out);
    return out;
  }

  /** Closes with `reason`; sends an AEAD-protected CLOSE when keys exist. */
  close(reason: CloseReason = CloseReason.NORMAL, message = ''): Uint8Array[] {
    if (this._state === QspState.CLOSED) return [];
    return this.fail(reason, message);
  }

  /** Runs the timers: handshake retransmission, rekey retransmission and timeout, time-based rekey. */
  poll(): Uint8Array[] {
    const now = this.o.clock.monotonicMs();
    const out: Uint8Array[] = [];
    if (this._state === QspState.HANDSHAKE && this.role === 'client' && this.handshakeDatagram && now - this.handshakeSentAt >= this.o.handshakeTimeoutMs) {
      if (this.handshakeRetries >= this.o.handshakeRetries) return this.fail(CloseReason.TIMEOUT);
      this.handshakeRetries++;
      this.handshakeSentAt = now;
      out.push(this.handshakeDatagram);
    } else if (this.role === 'client' && this._state === QspState.ESTABLISHED && this.handshakeDatagram && now - this.handshakeSentAt >= this.o.handshakeTimeoutMs) {
      // the server has not been heard from since CLIENT_FINISH: send it again (it drops duplicates)
      if (this.handshakeRetries >= this.o.handshakeRetries) this.handshakeDatagram = undefined;
      else {
        this.handshakeRetries++;
        this.handshakeSentAt = now;
        out.push(this.handshakeDatagram);
      }
    } else if (this._state === QspState.REKEY && this.pending && now - this.pending.sentAt >= this.o.rekeyTimeoutMs) {
      if (this.pending.retries >= this.o.rekeyRetries) return this.fail(CloseReason.REKEY_FAILED);
      this._state = transition(this._state, QspEvent.TX_REKEY_INIT, this.role) as QspState;
      this.pending.retries++;
      this.pending.sentAt = now;
      out.push(this.seal(FrameType.REKEY, this.current!, this.pending.initPlaintext));
    } else this.maybeRekey(out);
    return out;
  }

  /**
   * Handles one datagram from the link. Never throws on anything the network can send. `from`: the
   * sender's address as the link reports it (e.g. UdpLink.peerAddress); the server binds its
   * cookies under load to it (handshake.ts).
   */
  receive(datagram: Uint8Array, from?: Uint8Array): ReceiveResult {
    checkBytes('datagram', datagram);
    if (from !== undefined) checkBytes('from', from);
    if (this._state === QspState.CLOSED) return this.drop(DropReason.AFTER_CLOSE);
    try {
      // strict frame checks, then the header words read in place (no Frame object, no BigInt, no throw per datagram)
      if (frameReject(datagram) !== 0) return this.bad(DropReason.MALFORMED, CloseReason.PROTOCOL_ERROR);
      const type = datagram[0] as FrameType;
      const frameEpoch = getU32(datagram, 10);
      const seq = getU32(datagram, 14);
      if (type === FrameType.HANDSHAKE) {
        if (transition(this._state, QspEvent.RX_HANDSHAKE, this.role) === DROP) return this.drop(DropReason.WRONG_STATE);
        const sessionId = (BigInt(getU32(datagram, 2)) << 32n) | BigInt(getU32(datagram, 6));
        return this.onHandshake(sessionId, frameEpoch, datagram.subarray(HEADER_BYTES), from);
      }
      const event = type === FrameType.APP_DATA ? QspEvent.RX_APP_DATA : type === FrameType.REKEY ? QspEvent.RX_REKEY : QspEvent.RX_CLOSE;
      if (transition(this._state, event, this.role) === DROP) return this.drop(DropReason.WRONG_STATE);
      // unauthenticated checks, cheapest first; the window is checked now and marked only after the AEAD
      if (getU32(datagram, 2) !== this.sessionHi || getU32(datagram, 6) !== this.sessionLo) return this.bad(DropReason.WRONG_SESSION, CloseReason.PROTOCOL_ERROR);
      const keys = this.keysFor(frameEpoch);
      if (!keys) return this.bad(DropReason.EPOCH_UNKNOWN, CloseReason.EPOCH_MISMATCH);
      if (this.replay.check(seq) !== ReplayVerdict.FRESH) return this.bad(DropReason.REPLAY, CloseReason.REPLAY);
      if (datagram.length < HEADER_BYTES + NONCE_BYTES + AEAD_TAG_BYTES) return this.bad(DropReason.MALFORMED, CloseReason.PROTOCOL_ERROR);
      // strict nonce binding: the payload's first 12 bytes must be epoch(4) ‖ 0(4) ‖ seq(4) of this very header
      if (getU32(datagram, HEADER_BYTES) !== frameEpoch || getU32(datagram, HEADER_BYTES + 4) !== 0 || getU32(datagram, HEADER_BYTES + 8) !== seq)
        return this.bad(DropReason.NONCE_MISMATCH, CloseReason.PROTOCOL_ERROR);
      // aad = prefix ‖ header, the nonce and the sealed bytes: the backend finds them in the datagram
      const plaintext = this.frames.openFrame(this.aead, this.role === 'client' ? keys.serverToClient : keys.clientToServer, AAD_PREFIXES[type]!, HEADER_BYTES, datagram);
      if (!plaintext) return this.bad(DropReason.AEAD_FAILED, CloseReason.AEAD_DECRYPT_FAILED);
      this.replay.mark(seq);
      this.stats.framesReceived++;
      this.handshakeDatagram = undefined; // the peer holds our keys: no CLIENT_FINISH to resend
      if (type === FrameType.APP_DATA) {
        this.stats.bytesReceived += plaintext.length;
        this.countEpochTraffic(plaintext.length);
        const out: Uint8Array[] = [];
        this.maybeRekey(out);
        return { out, data: plaintext };
      }
      if (type === FrameType.CLOSE) {
        const close = decodeClosePlaintext(plaintext);
        this._peerCloseReason = close ? close.reason : CloseReason.PROTOCOL_ERROR;
        this._closeReason = CloseReason.NORMAL;
        this._state = QspState.CLOSED;
        this.destroyKeys();
        return { out: [] };
      }
      return { out: this.onRekey(frameEpoch, plaintext) };
    } catch (e) {
      // A bug, not an attack: still fail closed, with a reason the fuzzer reports.
      return { out: this.fail(CloseReason.INTERNAL_ERROR, String(e).slice(0, 200)) };
    }
  }

  // -------------------------------------------------------------------------------------------

  private onHandshake(sessionId: bigint, epoch: number, payload: Uint8Array, from: Uint8Array | undefined): ReceiveResult {
    if (epoch !== 0 || payload.length === 0) return this.bad(DropReason.MALFORMED, CloseReason.PROTOCOL_ERROR);
    try {
      if (this.role === 'server') {
        if (payload[0] === HandshakeType.CLIENT_HELLO && sessionId === 0n) {
          const reply = this.server!.onClientHello(payload, from);
          if (reply.kind === 'cookie') return { out: [this.handshakeFrame(0n, 4, reply.payload)] };
          return { out: [this.handshakeFrame(reply.sessionId, 2, reply.payload)] };
        }
        if (payload[0] === HandshakeType.CLIENT_FINISH) {
          this.establish(this.server!.onClientFinish(sessionId, payload));
          return { out: [] };
        }
      } else if (this.client) {
        if (payload[0] === HandshakeType.COOKIE && sessionId === 0n) return { out: [this.sendHandshake(0n, 1, this.client.onCookie(payload))] };
        if (payload[0] === HandshakeType.SERVER_HELLO) {
          const { clientFinish, result } = this.client.onServerHello(sessionId, payload);
          this.client = undefined;
          this.establish(result);
          // kept until the server is heard from under the new keys: a lost CLIENT_FINISH is sent again
          return { out: [this.sendHandshake(sessionId, 3, clientFinish)] };
        }
      }
      return this.bad(DropReason.HANDSHAKE_REJECTED, CloseReason.HANDSHAKE_FAILED);
    } catch (e) {
      if (e instanceof HandshakeError) return this.bad(DropReason.HANDSHAKE_REJECTED, e.reason);
      throw e;
    }
  }

  private establish(result: HandshakeResult): void {
    this._state = transition(this._state, QspEvent.HANDSHAKE_DONE, this.role) as QspState;
    this._sessionId = result.sessionId;
    this.sessionHi = Number(result.sessionId >> 32n);
    this.sessionLo = Number(result.sessionId & 0xffff_ffffn);
    this._mode = result.mode;
    this.aead = result.aead;
    this.current = result.keys;
    this._transcript = result.transcript;
    this.handshakeDatagram = undefined;
    this.handshakeRetries = 0;
    this.server?.destroy(); // stateless responder: nothing of the handshake outlives it
    this.resetEpochCounters();
  }

  /** An authenticated REKEY plaintext; its fields are views into it, and it is wiped whatever happens. */
  private onRekey(frameEpoch: number, plaintext: Uint8Array): Uint8Array[] {
    try {
      const msg = readRekey(plaintext);
      if (!msg) return this.fail(CloseReason.PROTOCOL_ERROR, 'malformed REKEY plaintext');
      return this.onRekeyMessage(frameEpoch, msg);
    } finally {
      zeroise(plaintext);
    }
  }

  private onRekeyMessage(frameEpoch: number, msg: RekeyMessage): Uint8Array[] {
    if (msg.type === RekeyType.ACK && this._state === QspState.ESTABLISHED && this.role === 'server'
      && msg.newEpoch === this.current!.epoch && this.lastConfirm && equalBytes(msg.confirm, this.lastConfirm)) {
      // the answer to a retransmitted INIT, after the first ACK committed: harmless
      return this.drop(DropReason.DUPLICATE_ACK).out;
    }
    const event = msg.type === RekeyType.INIT ? QspEvent.RX_REKEY_INIT : QspEvent.RX_REKEY_ACK;
    const next = transition(this._state, event, this.role);
    if (next === FAIL || next === DROP) return this.fail(CloseReason.PROTOCOL_ERROR, 'REKEY message not allowed here');
    const current = this.current!;
    if (msg.type === RekeyType.ACK) {
      const pending = this.pending!;
      if (msg.newEpoch !== pending.keys.epoch) return this.fail(CloseReason.EPOCH_MISMATCH, 'ACK for another epoch');
      if (!equalBytes(msg.confirm, pending.confirm)) return this.fail(CloseReason.REKEY_FAILED, 'ACK confirm differs');
      // §7.3: the server commits after verifying ACK
      destroyEpochKeys(this.previous, this.crypto);
      this.previous = current;
      this.current = pending.keys;
      this.lastConfirm = pending.confirm;
      zeroise(pending.initPlaintext);
      this.pending = undefined;
      this._state = next;
      this.stats.rekeys++;
      this.resetEpochCounters();
      return [];
    }
    // client, INIT
    if (msg.newEpoch === current.epoch && this.previous && frameEpoch === this.previous.epoch && this.lastConfirm) {
      const confirm = rekeyConfirm(this.crypto, msg.material);
      if (!equalBytes(confirm, this.lastConfirm)) return this.fail(CloseReason.REKEY_FAILED, 'a second INIT for the same epoch');
      return [this.seal(FrameType.REKEY, this.previous, encodeRekeyAck(msg.newEpoch, confirm, this.ackBuffer))]; // ACK lost: answer again
    }
    if (frameEpoch !== current.epoch || msg.newEpoch !== current.epoch + 1)
      return this.fail(CloseReason.EPOCH_MISMATCH, 'INIT does not advance the current epoch by one');
    let qkdKey: Uint8Array | undefined;
    const withQkd = !equalBytes(msg.keyBlockId, NO_KEY_BLOCK);
    if (withQkd) {
      qkdKey = this.o.keySource.take(msg.keyBlockId);
      if (!qkdKey) return this.fail(CloseReason.UNKNOWN_KEY_BLOCK, 'INIT names a key block not held here');
    }
    const [keys, confirm] = this.deriveRekey(current, msg.material, msg.newEpoch, msg.keyBlockId, qkdKey);
    const ack = this.seal(FrameType.REKEY, current, encodeRekeyAck(msg.newEpoch, confirm, this.ackBuffer));
    // §7.3: the client commits immediately after sending ACK
    destroyEpochKeys(this.previous, this.crypto);
    this.previous = current;
    this.current = keys;
    this.lastConfirm = confirm;
    this._state = next;
    this.stats.rekeys++;
    this.resetEpochCounters();
    return [ack];
  }

  private startRekey(out: Uint8Array[]): void {
    const current = this.current!;
    if (current.epoch >= MAX_EPOCH) {
      out.push(...this.fail(CloseReason.SEQ_EXHAUSTED, 'epoch space exhausted'));
      return;
    }
    const next = transition(this._state, QspEvent.TX_REKEY_INIT, this.role) as QspState;
    const id = this.o.keySource.nextId();
    const qkdKey = id ? this.o.keySource.take(id) : undefined;
    const keyBlockId = qkdKey ? id! : NO_KEY_BLOCK;
    const newEpoch = current.epoch + 1;
    // the material goes straight into the INIT plaintext (kept for retransmission until ACK)
    const fresh = this.o.entropy.randomBytes(REKEY_MATERIAL_BYTES);
    const initPlaintext = encodeRekeyInit(newEpoch, fresh, keyBlockId, this.initBuffer);
    zeroise(fresh);
    const [keys, confirm] = this.deriveRekey(current, initPlaintext.subarray(9, 9 + REKEY_MATERIAL_BYTES), newEpoch, keyBlockId, qkdKey);
    this.pending = { keys, confirm, initPlaintext, sentAt: this.o.clock.monotonicMs(), retries: 0 };
    // hold current + pending only: the previous epoch goes now (seed §6.1, at most two)
    destroyEpochKeys(this.previous, this.crypto);
    this.previous = undefined;
    this._state = next;
    out.push(this.seal(FrameType.REKEY, current, initPlaintext));
  }

  /**
   * The next epoch's keys and the confirm of `material` (§7.2), into this session's own buffers in
   * one backend call; ikm = material (‖ QKD key). Wipes the copies of the material and the QKD key.
   */
  private deriveRekey(current: EpochKeys, material: Uint8Array, newEpoch: number, keyBlockId: Uint8Array, qkdKey: Uint8Array | undefined): [EpochKeys, Uint8Array] {
    this.confirmInput.set(material);
    const ikm = qkdKey ? this.qkdIkm(material, qkdKey) : this.materialIkm;
    const confirm = this.confirmPool[0] === this.lastConfirm ? this.confirmPool[1]! : this.confirmPool[0]!;
    const keys = deriveEpochKeysWithDigest(this.crypto, current.secret, ikm, newEpoch, keyBlockId, !!qkdKey, this.freeOkm(), this.confirmInput, confirm);
    this.materialIkm.fill(0);
    if (qkdKey) zeroise(ikm, qkdKey);
    return [keys, confirm];
  }

  /** A buffer of okmPool that no held epoch uses (at most two are held while the next is derived). */
  private freeOkm(): EpochKeyBuffer {
    for (const b of this.okmPool)
      if (b.okm !== this.current?.okm && b.okm !== this.previous?.okm && b.okm !== this.pending?.keys.okm) return b;
    throw new Error('QSP: no free epoch key buffer'); // unreachable: a bug, closed as INTERNAL_ERROR
  }

  /** material ‖ QKD key in this session's own buffer; the caller zeroises it after the derivation. */
  private qkdIkm(material: Uint8Array, qkdKey: Uint8Array): Uint8Array {
    const length = REKEY_MATERIAL_BYTES + qkdKey.length;
    if (this.qkdIkmBuffer?.length !== length) this.qkdIkmBuffer = new Uint8Array(new ArrayBuffer(length));
    this.qkdIkmBuffer.set(material);
    this.qkdIkmBuffer.set(qkdKey, REKEY_MATERIAL_BYTES);
    return this.qkdIkmBuffer;
  }

  private maybeRekey(out: Uint8Array[]): void {
    if (this.role !== 'server' || this._state !== QspState.ESTABLISHED) return;
    if (this.epochFrames >= this.o.rekeyAfterFrames || this.epochBytes >= this.o.rekeyAfterBytes
      || this.o.clock.monotonicMs() - this.epochStartedMs >= this.o.rekeyAfterMs) this.startRekey(out);
  }

  private countEpochTraffic(bytes: number): void {
    this.epochFrames++;
    this.epochBytes += bytes;
  }

  private resetEpochCounters(): void {
    this.epochFrames = 0;
    this.epochBytes = 0;
    this.epochStartedMs = this.o.clock.monotonicMs();
  }

  private keysFor(epoch: number): EpochKeys | undefined {
    if (this.current?.epoch === epoch) return this.current;
    if (this.previous?.epoch === epoch) return this.previous;
    if (this.pending?.keys.epoch === epoch) return this.pending.keys;
    return undefined;
  }

  /** One protected frame: header ‖ nonce ‖ AEAD(key_send[epoch], nonce, prefix ‖ header, plaintext). */
  private seal(type: FrameType, keys: EpochKeys, plaintext: Uint8Array): Uint8Array {
    const seq = ++this.sendSeq;
    const payloadLength = NONCE_BYTES + plaintext.length + AEAD_TAG_BYTES;
    const out = frameBuffer(HEADER_BYTES + payloadLength);
    writeHeaderWords(out, type, this.sessionHi, this.sessionLo, keys.epoch, seq, payloadLength);
    // nonce = epoch(4) ‖ seq(8) (§3.1), written by the backend from its parts
    this.frames.sealFrame(this.aead, this.role === 'client' ? keys.clientToServer : keys.serverToClient, AAD_PREFIXES[type]!, HEADER_BYTES, keys.epoch, seq, plaintext, out);
    this.stats.framesSent++;
    return out;
  }

  private handshakeFrame(sessionId: bigint, seq: number, payload: Uint8Array): Uint8Array {
    const out = new Uint8Array(HEADER_BYTES + payload.length);
    writeHeader(out, FrameType.HANDSHAKE, sessionId, 0, seq, payload.length);
    out.set(payload, HEADER_BYTES);
    return out;
  }

  private sendHandshake(sessionId: bigint, seq: number, payload: Uint8Array): Uint8Array {
    this.handshakeDatagram = this.handshakeFrame(sessionId, seq, payload);
    this.handshakeSentAt = this.o.clock.monotonicMs();
    return this.handshakeDatagram;
  }

  private drop(reason: DropReason): ReceiveResult {
    this.stats.dropped[reason]!++;
    return { out: [], dropped: reason };
  }

  /** Unauthenticated trouble: close with `reason` or drop, by policy. */
  private bad(drop: DropReason, reason: CloseReason): ReceiveResult {
    if (this.o.onBadDatagram === 'drop') return this.drop(drop);
    this.stats.dropped[drop]!++;
    return { out: this.fail(reason), dropped: drop };
  }

  /** Closes with a typed reason: CLOSE under the current key when there is one, then zeroise. */
  private fail(reason: CloseReason, message = ''): Uint8Array[] {
    if (this._state === QspState.CLOSED) return [];
    this._state = transition(this._state, reason === CloseReason.NORMAL ? QspEvent.TX_CLOSE : QspEvent.FAILURE, this.role) as QspState;
    this._closeReason = reason;
    const out: Uint8Array[] = [];
    if (this.current) {
      const text = asciiBytes(message.replace(/[^\x20-\x7e]/g, '?').slice(0, 200));
      this.sendSeq = Math.min(this.sendSeq, MAX_DATA_SEQ); // the last seq is kept for CLOSE
      out.push(this.seal(FrameType.CLOSE, this.current, encodeClosePlaintext(reason, text)));
    }
    this.destroyKeys();
    return out;
  }

  private destroyKeys(): void {
    this.lastEpoch = this.current?.epoch ?? this.lastEpoch;
    destroyEpochKeys(this.current, this.crypto);
    destroyEpochKeys(this.previous, this.crypto);
    if (this.pending) {
      destroyEpochKeys(this.pending.keys, this.crypto);
      zeroise(this.pending.initPlaintext);
    }
    this.current = this.previous = this.pending = undefined;
    this.client?.destroy();
    this.client = undefined;
    this.server?.destroy();
    this.handshakeDatagram = undefined;
  }
}

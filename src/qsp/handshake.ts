/**
 * QSP v1.0 handshake (replaces the dev handshake of seed 003 §5.2; implements §5.3 "AUTH + KEM +
 * QKD mix"): pinned ML-DSA-65 identities sign the transcript on both sides; the first epoch keys
 * mix the X25519 and ML-KEM-768 shared secrets and a QKD key block named by id through the
 * labelled HKDF chain of key-schedule.ts. With no key block the session is mode PQC — allowed only
 * when the policy says so, and flagged in the result, the session and every KPI.
 *
 * Messages (payloads of FT_HANDSHAKE frames: epoch 0, seq = message number, session_id 0 until the
 * server picked one; all fields fixed-size, so a parse is exact or a failure):
 *   CLIENT_HELLO  (1, C→S) hs_type ‖ version(1) ‖ aead ‖ mode ‖ key_block_id(16) ‖ client_id(32) ‖
 *                          client_nonce(32) ‖ x25519_pk(32) ‖ ml_kem_ek(1184) ‖ cookie_len(0|16) ‖ cookie
 *   SERVER_HELLO  (2, S→C) hs_type ‖ server_nonce(32) ‖ x25519_pk(32) ‖ ml_kem_ct(1088) ‖ sig_S(3309) ‖ biscuit(114)
 *   CLIENT_FINISH (3, C→S) hs_type ‖ biscuit(114) ‖ confirm(32) ‖ sig_C(3309)
 *   COOKIE        (4, S→C) hs_type ‖ client_nonce(32) ‖ cookie(16)                  (only under load)
 * client_id = SHA-256(client's ML-DSA public key). Transcript (src/transcript.ts, protocol PROTOCOL):
 * CH as sent ‖ session_id ‖ SH up to sig_S → th1, signed by the server (context SERVER_HELLO);
 * then ‖ sig_S → th2, signed by the client (context CLIENT_FINISH) and MACed under client_confirm.
 *
 * What QSP takes from Rosenpass, and why:
 * - The IK shape: the initiator knows the responder's static identity before it speaks (pinned
 *   ML-DSA keys, DESIGN §2 step 1), so the responder authenticates in its first reply and the
 *   initiator in its second: three messages, no identity negotiation. Unlike Rosenpass, the
 *   statics are signature keys, not KEM keys: our peers already hold provisioned ML-DSA identities
 *   for the QKD channel, and a signature gives the transcript non-repudiable evidence (DESIGN §2.11).
 * - The labelled key-derivation tree rooted in one protocol string: every secret names its purpose
 *   and its inputs, so a reviewer can check each key against one page (key-schedule.ts), and
 *   adding an input (the QKD block) is one more labelled step rather than a new construction.
 * - The stateless responder: between SERVER_HELLO and CLIENT_FINISH the server keeps nothing. Its
 *   chaining key, th2 and the session parameters travel to the client in a "biscuit" sealed under
 *   a server-only key and come back in CLIENT_FINISH, so half-open handshakes cost the server no
 *   memory; a biscuit counter rejects a replayed CLIENT_FINISH. The QKD block is only peeked at
 *   SERVER_HELLO and consumed once CLIENT_FINISH verified, so a lost reply wastes no key.
 * - Cookies under load: when the host says it is under load, a CLIENT_HELLO without a cookie gets
 *   a 16-byte COOKIE — a MAC under a server secret of the client's nonce, its ephemeral key and,
 *   as in Rosenpass, the initiator's address as the Link port reports it (session.receive's
 *   `from`) — instead of the ~15 ms of ML-KEM + ML-DSA work, so a flood of hellos cannot buy
 *   signatures, and a spoofer who never sees the COOKIE reply sent to the real address cannot
 *   complete the round trip. A hello whose cookie does not verify (made for another hello, or
 *   replayed from another address) is refused with COOKIE_REJECTED. With no address (a transport
 *   that has none) the MAC covers the hello alone.
 * What it does not take: Rosenpass's Classic McEliece static keys and its WireGuard PSK output —
 * QSP carries its own data frames.
 */
import { AeadAlgorithm, type SymmetricCrypto } from '../../hal/crypto.ts';
import type { Entropy } from '../../hal/entropy.ts';
import { type AsymmetricCrypto, PqcRejectError } from '../../hal/pqc.ts';
import { noblePqc } from '../crypto/pqc-noble.ts';
import { checkBytes } from '../_check.ts';
import { asciiBytes, concatBytes, equalBytes, zeroise } from '../bytes.ts';
import type { Identity } from '../qkd/auth.ts';
import { ML_DSA65_PUBLIC_KEY_BYTES, ML_DSA65_SIGNATURE_BYTES } from '../qkd/auth.ts';
import { Transcript } from '../transcript.ts';
import { CloseReason } from './close.ts';
import {
  deriveEpochKeys, type EpochKeys, initialChainKey, KEY_BLOCK_ID_BYTES, Label, label, mixKey, NO_KEY_BLOCK, PROTOCOL, SignatureContext,
} from './key-schedule.ts';
import type { QspKeySource } from './key-source.ts';

export const HANDSHAKE_VERSION = 1;
export const HandshakeType = { CLIENT_HELLO: 1, SERVER_HELLO: 2, CLIENT_FINISH: 3, COOKIE: 4 } as const;
/** HYBRID: QKD key block mixed in; PQC: X25519 + ML-KEM-768 only (policy fallback, always flagged). */
export const SessionMode = { HYBRID: 1, PQC: 2 } as const;
export type SessionMode = (typeof SessionMode)[keyof typeof SessionMode];

const X25519_BYTES = 32;
const ML_KEM_EK_BYTES = 1184;
const ML_KEM_CT_BYTES = 1088;
const NONCE = 32;
export const COOKIE_BYTES = 16;
const NO_ADDRESS = new Uint8Array(0);
const BISCUIT_PLAIN = 8 + 1 + 1 + KEY_BLOCK_ID_BYTES + 32 + 32;
export const BISCUIT_BYTES = 8 + BISCUIT_PLAIN + 16;
export const CLIENT_HELLO_BYTES = 4 + KEY_BLOCK_ID_BYTES + 32 + NONCE + X25519_BYTES + ML_KEM_EK_BYTES + 1;
const SH_SIGNED = 1 + NONCE + X25519_BYTES + ML_KEM_CT_BYTES;
export const SERVER_HELLO_BYTES = SH_SIGNED + ML_DSA65_SIGNATURE_BYTES + BISCUIT_BYTES;
export const CLIENT_FINISH_BYTES = 1 + BISCUIT_BYTES + 32 + ML_DSA65_SIGNATURE_BYTES;
export const COOKIE_MESSAGE_BYTES = 1 + NONCE + COOKIE_BYTES;

/** A handshake step that cannot go on, with the reason the session closes (or counts a drop) with. */
export class HandshakeError extends Error {
  constructor(readonly reason: CloseReason, detail: string) {
    super(`QSP handshake: ${detail}`);
    this.name = 'HandshakeError';
  }
}

export interface HandshakeResult {
  readonly sessionId: bigint;
  readonly mode: SessionMode;
  readonly aead: AeadAlgorithm;
  readonly keyBlockId: Uint8Array;
  readonly keys: EpochKeys;
  /** th2: the transcript digest both sides signed (public; for evidence records). */
  readonly transcript: Uint8Array;
}

export interface HandshakePeer {
  readonly identity: Identity;
  /** The peer's pinned ML-DSA-65 public key. */
  readonly peerPublicKey: Uint8Array;
  readonly entropy: Entropy;
  readonly crypto: SymmetricCrypto;
  /** ML-DSA-65, ML-KEM-768 and X25519 (hal/pqc.ts); noble when absent. Every backend gives the same bytes. */
  readonly asymmetric?: AsymmetricCrypto;
  readonly keySource: QspKeySource;
  /** When false (the default), a QKD key block is required and PQC-only is refused. */
  readonly allowPqcOnly: boolean;
}

/** Hedged ML-DSA-65 (FIPS 204) with fresh rnd from the Entropy port, under a context naming the step. */
function sign(pqc: AsymmetricCrypto, context: string, message: Uint8Array, identity: Identity, entropy: Entropy): Uint8Array {
  const rnd = entropy.randomBytes(32);
  try {
    return pqc.mlDsa65Sign(identity.secretKey, message, asciiBytes(context), rnd);
  } finally {
    zeroise(rnd);
  }
}

function verify(pqc: AsymmetricCrypto, context: string, message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return pqc.mlDsa65Verify(publicKey, message, asciiBytes(context), signature);
  } catch {
    return false;
  }
}

function fail(reason: CloseReason, detail: string): never {
  throw new HandshakeError(reason, detail);
}

/** A peer's bad key closes the handshake; a backend failure (PqcBackendError) propagates, loudly. */
function dh(pqc: AsymmetricCrypto, secret: Uint8Array, peer: Uint8Array): Uint8Array {
  try {
    return pqc.x25519SharedSecret(secret, peer);
  } catch (e) {
    if (!(e instanceof PqcRejectError)) throw e;
    return fail(CloseReason.HANDSHAKE_FAILED, 'X25519: low-order or invalid public key');
  }
}

/** ck3 from ck2: the QKD block (mode HYBRID) or the PQC-only label. */
function mixQkd(crypto: SymmetricCrypto, ck2: Uint8Array, mode: SessionMode, keyBlockId: Uint8Array, qkdKey: Uint8Array | undefined): Uint8Array {
  return mode === SessionMode.HYBRID ? mixKey(crypto, ck2, Label.QKD, qkdKey!, keyBlockId) : mixKey(crypto, ck2, Label.PQC_ONLY, new Uint8Array(0));
}

/** ck1..ck3 from the shared secrets; zeroises the intermediates (not the inputs). */
function chain(crypto: SymmetricCrypto, dhSecret: Uint8Array, kemSecret: Uint8Array, mode: SessionMode, keyBlockId: Uint8Array, qkdKey: Uint8Array | undefined): Uint8Array {
  const ck0 = initialChainKey(crypto);
  const ck1 = mixKey(crypto, ck0, Label.X25519, dhSecret);
  const ck2 = mixKey(crypto, ck1, Label.ML_KEM, kemSecret);
  const ck3 = mixQkd(crypto, ck2, mode, keyBlockId, qkdKey);
  zeroise(ck1, ck2);
  return ck3;
}

function u64(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v);
  return out;
}

function confirmMac(crypto: SymmetricCrypto, ck4: Uint8Array, th2: Uint8Array): Uint8Array {
  const key = mixKey(crypto, ck4, Label.CLIENT_CONFIRM, new Uint8Array(0));
  const mac = crypto.hmacSha256(key, th2);
  zeroise(key);
  return mac;
}

function transcriptUpToSignature(clientHello: Uint8Array, sessionId: bigint, serverHello: Uint8Array): Transcript {
  return new Transcript(PROTOCOL)
    .absorb('client hello', clientHello)
    .absorb('session id', u64(sessionId))
    .absorb('server hello', serverHello.subarray(0, SH_SIGNED));
}

// ---------------------------------------------------------------------------------------------
// Client (initiator)

interface ClientHelloFields {
  readonly aead: AeadAlgorithm;
  readonly mode: SessionMode;
  readonly keyBlockId: Uint8Array;
  readonly clientId: Uint8Array;
  readonly nonce: Uint8Array;
  readonly x25519Public: Uint8Array;
  readonly kemPublic: Uint8Array;
  readonly cookie: Uint8Array;
}

function encodeClientHello(f: ClientHelloFields): Uint8Array {
  const out = new Uint8Array(CLIENT_HELLO_BYTES + f.cookie.length);
  out[0] = HandshakeType.CLIENT_HELLO;
  out[1] = HANDSHAKE_VERSION;
  out[2] = f.aead;
  out[3] = f.mode;
  let at = 4;
  for (const part of [f.keyBlockId, f.clientId, f.nonce, f.x25519Public, f.kemPublic]) {
    out.set(part, at);
    at += part.length;
  }
  out[at++] = f.cookie.length;
  out.set(f.cookie, at);
  return out;
}

function decodeClientHello(p: Uint8Array): ClientHelloFields {
  if (p.length !== CLIENT_HELLO_BYTES && p.length !== CLIENT_HELLO_BYTES + COOKIE_BYTES) fail(CloseReason.HANDSHAKE_FAILED, `CLIENT_HELLO of ${p.length} bytes`);
  if (p[0] !== HandshakeType.CLIENT_HELLO) fail(CloseReason.HANDSHAKE_FAILED, 'not a CLIENT_HELLO');
  if (p[1] !== HANDSHAKE_VERSION) fail(CloseReason.HANDSHAKE_FAILED, `version ${p[1]}`);
  const aead = p[2]!;
  if (aead !== AeadAlgorithm.AES_256_GCM && aead !== AeadAlgorithm.CHACHA20_POLY1305) fail(CloseReason.HANDSHAKE_FAILED, `aead ${aead}`);
  const mode = p[3]!;
  if (mode !== SessionMode.HYBRID && mode !== SessionMode.PQC) fail(CloseReason.HANDSHAKE_FAILED, `mode ${mode}`);
  let at = 4;
  const take = (n: number) => p.subarray(at, (at += n));
  const keyBlockId = take(KEY_BLOCK_ID_BYTES);
  const none = keyBlockId.every((b) => b === 0);
  if ((mode === SessionMode.PQC) !== none) fail(CloseReason.HANDSHAKE_FAILED, 'mode and key_block_id disagree');
  const f = { aead, mode, keyBlockId, clientId: take(32), nonce: take(NONCE), x25519Public: take(X25519_BYTES), kemPublic: take(ML_KEM_EK_BYTES) };
  const cookieLength = p[at++]!;
  if (cookieLength !== p.length - at || (cookieLength !== 0 && cookieLength !== COOKIE_BYTES)) fail(CloseReason.HANDSHAKE_FAILED, `cookie_len ${cookieLength}`);
  return { ...f, aead: aead as AeadAlgorithm, mode: mode as SessionMode, cookie: p.subarray(at) };
}

export class ClientHandshake {
  private readonly x25519Secret: Uint8Array;
  private readonly kemSecret: Uint8Array;
  private readonly hello: ClientHelloFields;
  private readonly pqc: AsymmetricCrypto;
  private qkdKey: Uint8Array | undefined;
  /** The CLIENT_HELLO last sent (it enters the transcript as sent). */
  clientHello: Uint8Array;

  constructor(private readonly peer: HandshakePeer, aead: AeadAlgorithm) {
    checkBytes('peerPublicKey', peer.peerPublicKey, ML_DSA65_PUBLIC_KEY_BYTES);
    let keyBlockId: Uint8Array = NO_KEY_BLOCK;
    const next = peer.keySource.nextId();
    if (next) {
      this.qkdKey = peer.keySource.take(next);
      if (this.qkdKey) keyBlockId = next;
    }
    if (!this.qkdKey && !peer.allowPqcOnly) fail(CloseReason.UNKNOWN_KEY_BLOCK, 'no QKD key block, and the policy requires one');
    const mode = this.qkdKey ? SessionMode.HYBRID : SessionMode.PQC;
    this.pqc = peer.asymmetric ?? noblePqc;
    this.x25519Secret = peer.entropy.randomBytes(32);
    const kemSeed = peer.entropy.randomBytes(64);
    const kem = this.pqc.mlKem768Keygen(kemSeed);
    zeroise(kemSeed);
    this.kemSecret = kem.secretKey;
    this.hello = {
      aead, mode, keyBlockId,
      clientId: peer.crypto.sha256(peer.identity.publicKey),
      nonce: peer.entropy.randomBytes(NONCE),
      x25519Public: this.pqc.x25519PublicKey(this.x25519Secret),
      kemPublic: kem.publicKey,
      cookie: new Uint8Array(0),
    };
    this.clientHello = encodeClientHello(this.hello);
  }

  get mode(): SessionMode {
    return this.hello.mode;
  }

  /** A COOKIE reply: the same hello again, now with the cookie (the ephemerals do not change). */
  onCookie(payload: Uint8Array): Uint8Array {
    if (payload.length !== COOKIE_MESSAGE_BYTES || payload[0] !== HandshakeType.COOKIE) fail(CloseReason.HANDSHAKE_FAILED, 'malformed COOKIE');
    if (!equalBytes(payload.subarray(1, 1 + NONCE), this.hello.nonce)) fail(CloseReason.HANDSHAKE_FAILED, 'COOKIE for another hello');
    this.clientHello = encodeClientHello({ ...this.hello, cookie: payload.slice(1 + NONCE) });
    return this.clientHello;
  }

  /** Verifies SERVER_HELLO and returns CLIENT_FINISH and the epoch-1 keys. Zeroises the ephemerals. */
  onServerHello(sessionId: bigint, payload: Uint8Array): { clientFinish: Uint8Array; result: HandshakeResult } {
    if (payload.length !== SERVER_HELLO_BYTES || payload[0] !== HandshakeType.SERVER_HELLO) fail(CloseReason.HANDSHAKE_FAILED, 'malformed SERVER_HELLO');
    if (sessionId === 0n) fail(CloseReason.HANDSHAKE_FAILED, 'session_id 0');
    const { crypto, identity, entropy } = this.peer;
    let at = 1 + NONCE;
    const serverX25519 = payload.subarray(at, (at += X25519_BYTES));
    const kemCiphertext = payload.subarray(at, (at += ML_KEM_CT_BYTES));
    const signature = payload.subarray(at, (at += ML_DSA65_SIGNATURE_BYTES));
    const biscuit = payload.subarray(at);
    const transcript = transcriptUpToSignature(this.clientHello, sessionId, payload);
    const th1 = transcript.snapshot();
    if (!verify(this.pqc, SignatureContext.SERVER_HELLO, th1, signature, this.peer.peerPublicKey)) fail(CloseReason.BAD_SIGNATURE, 'SERVER_HELLO signature');
    const th2 = transcript.absorb('server signature', signature).digest();
    const dhSecret = dh(this.pqc, this.x25519Secret, serverX25519);
    const kemShared = this.pqc.mlKem768Decapsulate(kemCiphertext, this.kemSecret);
    const ck3 = chain(crypto, dhSecret, kemShared, this.hello.mode, this.hello.keyBlockId, this.qkdKey);
    const ck4 = mixKey(crypto, ck3, Label.TRANSCRIPT, th2);
    const confirm = confirmMac(crypto, ck4, th2);
    const clientSignature = sign(this.pqc, SignatureContext.CLIENT_FINISH, th2, identity, entropy);
    const keys = deriveEpochKeys(crypto, ck4, new Uint8Array(0), 1, this.hello.keyBlockId, this.hello.mode === SessionMode.HYBRID);
    zeroise(dhSecret, kemShared, ck3, ck4);
    this.destroy();
    const clientFinish = concatBytes(Uint8Array.of(HandshakeType.CLIENT_FINISH), biscuit, confirm, clientSignature);
    return {
      clientFinish,
      result: { sessionId, mode: this.hello.mode, aead: this.hello.aead, keyBlockId: this.hello.keyBlockId.slice(), keys, transcript: th2 },
    };
  }

  /** Zeroises the ephemeral secrets and the QKD key (also on every failure path of the caller). */
  destroy(): void {
    zeroise(this.x25519Secret, this.kemSecret, this.qkdKey);
    this.qkdKey = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Server (responder): stateless between SERVER_HELLO and CLIENT_FINISH

export interface ServerOptions {
  /** AEAD algorithms the server accepts from a CLIENT_HELLO. */
  readonly aeads: readonly AeadAlgorithm[];
  /** Asked for every CLIENT_HELLO: when true, a hello without a valid cookie gets a COOKIE. */
  readonly underLoad: () => boolean;
}

export type ServerReply =
  | { kind: 'server-hello'; sessionId: bigint; payload: Uint8Array }
  | { kind: 'cookie'; payload: Uint8Array };

export class ServerHandshake {
  private readonly biscuitKey: Uint8Array;
  private readonly cookieSecret: Uint8Array;
  private readonly clientId: Uint8Array;
  private readonly pqc: AsymmetricCrypto;
  private biscuitCounter = 0n;
  private lastAcceptedBiscuit = 0n;

  constructor(private readonly peer: HandshakePeer, private readonly options: ServerOptions) {
    checkBytes('peerPublicKey', peer.peerPublicKey, ML_DSA65_PUBLIC_KEY_BYTES);
    this.biscuitKey = peer.entropy.randomBytes(32);
    this.cookieSecret = peer.entropy.randomBytes(32);
    this.clientId = peer.crypto.sha256(peer.peerPublicKey);
    this.pqc = peer.asymmetric ?? noblePqc;
  }

  /** The fields before the address are fixed-size, so the concatenation is unambiguous. */
  private cookieFor(hello: ClientHelloFields, peerAddress: Uint8Array): Uint8Array {
    return this.peer.crypto.hmacSha256(this.cookieSecret, concatBytes(label(Label.COOKIE), hello.nonce, hello.x25519Public, peerAddress)).slice(0, COOKIE_BYTES);
  }

  /** `peerAddress`: where the hello came from, as the transport names it (empty when it has none). */
  onClientHello(payload: Uint8Array, peerAddress: Uint8Array = NO_ADDRESS): ServerReply {
    checkBytes('peerAddress', peerAddress);
    const { crypto, entropy, identity, keySource } = this.peer;
    const hello = decodeClientHello(payload);
    if (!equalBytes(hello.clientId, this.clientId)) fail(CloseReason.HANDSHAKE_FAILED, 'client_id is not the pinned peer');
    if (!this.options.aeads.includes(hello.aead)) fail(CloseReason.POLICY_VIOLATION, `aead ${hello.aead} not accepted`);
    if (this.options.underLoad()) {
      const cookie = this.cookieFor(hello, peerAddress);
      if (!hello.cookie.length) return { kind: 'cookie', payload: concatBytes(Uint8Array.of(HandshakeType.COOKIE), hello.nonce, cookie) };
      if (!equalBytes(hello.cookie, cookie)) fail(CloseReason.COOKIE_REJECTED, 'the cookie was not made for this hello from this address');
    }
    if (hello.mode === SessionMode.PQC && !this.peer.allowPqcOnly) fail(CloseReason.POLICY_VIOLATION, 'PQC-only refused: the policy requires a QKD key block');
    let qkdKey: Uint8Array | undefined;
    if (hello.mode === SessionMode.HYBRID) {
      qkdKey = keySource.peek(hello.keyBlockId);
      if (!qkdKey) fail(CloseReason.UNKNOWN_KEY_BLOCK, 'CLIENT_HELLO names a key block not held here');
    }
    const x25519Secret = entropy.randomBytes(32);
    let dhSecret: Uint8Array | undefined;
    let kemShared: Uint8Array | undefined;
    try {
      dhSecret = dh(this.pqc, x25519Secret, hello.x25519Public);
      const kemRandom = entropy.randomBytes(32);
      let kem: { cipherText: Uint8Array; sharedSecret: Uint8Array };
      try {
        kem = this.pqc.mlKem768Encapsulate(hello.kemPublic, kemRandom);
      } catch (e) {
        if (!(e instanceof PqcRejectError)) throw e;
        return fail(CloseReason.HANDSHAKE_FAILED, 'invalid ML-KEM-768 encapsulation key');
      } finally {
        zeroise(kemRandom);
      }
      kemShared = kem.sharedSecret;
      let sessionId = 0n;
      while (sessionId === 0n) sessionId = new DataView(entropy.randomBytes(8).buffer).getBigUint64(0);
      const sh = new Uint8Array(SERVER_HELLO_BYTES);
      sh[0] = HandshakeType.SERVER_HELLO;
      sh.set(entropy.randomBytes(NONCE), 1);
      sh.set(this.pqc.x25519PublicKey(x25519Secret), 1 + NONCE);
      sh.set(kem.cipherText, 1 + NONCE + X25519_BYTES);
      const transcript = transcriptUpToSignature(payload, sessionId, sh);
      const signature = sign(this.pqc, SignatureContext.SERVER_HELLO, transcript.snapshot(), identity, entropy);
      sh.set(signature, SH_SIGNED);
      const th2 = transcript.absorb('server signature', signature).digest();
      const ck3 = chain(crypto, dhSecret, kemShared, hello.mode, hello.keyBlockId, qkdKey);
      const ck4 = mixKey(crypto, ck3, Label.TRANSCRIPT, th2);
      sh.set(this.sealBiscuit(sessionId, hello, th2, ck4), SH_SIGNED + ML_DSA65_SIGNATURE_BYTES);
      zeroise(ck3, ck4);
      return { kind: 'server-hello', sessionId, payload: sh };
    } finally {
      zeroise(x25519Secret, dhSecret, kemShared, qkdKey);
    }
  }

  private sealBiscuit(sessionId: bigint, hello: ClientHelloFields, th2: Uint8Array, ck4: Uint8Array): Uint8Array {
    const number = ++this.biscuitCounter;
    const plain = new Uint8Array(BISCUIT_PLAIN);
    plain.set(u64(sessionId), 0);
    plain[8] = hello.aead;
    plain[9] = hello.mode;
    plain.set(hello.keyBlockId, 10);
    plain.set(th2, 10 + KEY_BLOCK_ID_BYTES);
    plain.set(ck4, 42 + KEY_BLOCK_ID_BYTES);
    const nonce = new Uint8Array(12);
    nonce.set(u64(number), 4);
    const sealed = this.peer.crypto.seal(AeadAlgorithm.AES_256_GCM, this.biscuitKey, nonce, label(Label.BISCUIT), plain);
    zeroise(plain);
    return concatBytes(u64(number), sealed);
  }

  /** Verifies CLIENT_FINISH against its biscuit; consumes the QKD block; returns the epoch-1 keys. */
  onClientFinish(sessionId: bigint, payload: Uint8Array): HandshakeResult {
    const { crypto, keySource } = this.peer;
    if (payload.length !== CLIENT_FINISH_BYTES || payload[0] !== HandshakeType.CLIENT_FINISH) fail(CloseReason.HANDSHAKE_FAILED, 'malformed CLIENT_FINISH');
    const biscuit = payload.subarray(1, 1 + BISCUIT_BYTES);
    const confirm = payload.subarray(1 + BISCUIT_BYTES, 1 + BISCUIT_BYTES + 32);
    const signature = payload.subarray(1 + BISCUIT_BYTES + 32);
    const number = new DataView(biscuit.buffer, biscuit.byteOffset, 8).getBigUint64(0);
    const nonce = new Uint8Array(12);
    nonce.set(biscuit.subarray(0, 8), 4);
    const plain = crypto.open(AeadAlgorithm.AES_256_GCM, this.biscuitKey, nonce, label(Label.BISCUIT), biscuit.subarray(8));
    if (!plain) return fail(CloseReason.HANDSHAKE_FAILED, 'biscuit does not open');
    try {
      if (number <= this.lastAcceptedBiscuit) fail(CloseReason.HANDSHAKE_FAILED, 'biscuit replayed');
      const biscuitSession = new DataView(plain.buffer, plain.byteOffset, 8).getBigUint64(0);
      if (biscuitSession !== sessionId) fail(CloseReason.HANDSHAKE_FAILED, 'session_id differs from the biscuit');
      const aead = plain[8] as AeadAlgorithm;
      const mode = plain[9] as SessionMode;
      const keyBlockId = plain.slice(10, 10 + KEY_BLOCK_ID_BYTES);
      const th2 = plain.slice(10 + KEY_BLOCK_ID_BYTES, 42 + KEY_BLOCK_ID_BYTES);
      const ck4 = plain.subarray(42 + KEY_BLOCK_ID_BYTES);
      if (!verify(this.pqc, SignatureContext.CLIENT_FINISH, th2, signature, this.peer.peerPublicKey)) fail(CloseReason.BAD_SIGNATURE, 'CLIENT_FINISH signature');
      const expected = confirmMac(crypto, ck4, th2);
      const confirmed = equalBytes(expected, confirm);
      zeroise(expected);
      if (!confirmed) fail(CloseReason.HANDSHAKE_FAILED, 'CLIENT_FINISH confirmation');
      if (mode === SessionMode.HYBRID) {
        const qkdKey = keySource.take(keyBlockId);
        if (!qkdKey) fail(CloseReason.UNKNOWN_KEY_BLOCK, 'the key block was consumed meanwhile');
        zeroise(qkdKey);
      }
      this.lastAcceptedBiscuit = number;
      const keys = deriveEpochKeys(crypto, ck4, new Uint8Array(0), 1, keyBlockId, mode === SessionMode.HYBRID);
      return { sessionId, mode, aead, keyBlockId, keys, transcript: th2 };
    } finally {
      zeroise(plain);
    }
  }

  destroy(): void {
    this.peer.crypto.release?.(this.biscuitKey);
    zeroise(this.biscuitKey, this.cookieSecret);
  }
}

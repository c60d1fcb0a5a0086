/**
 * QSP v1.0 key schedule: every label, associated-data prefix and signature context in one place,
 * and the derivation tree they name (seed 003 §4.4 "HKDF-SHA256 with domain separation", §5.3,
 * §7). Like Rosenpass, the tree is rooted in one protocol string and each step names its purpose:
 *
 *   ck0 = SHA-256(PROTOCOL)
 *   ck1 = HKDF(salt = ck0, ikm = X25519(e_c, e_s),        info = X25519)          hybrid, classical half
 *   ck2 = HKDF(salt = ck1, ikm = ML-KEM-768 shared secret, info = ML_KEM)          hybrid, PQ half
 *   ck3 = HKDF(salt = ck2, ikm = QKD key block,            info = QKD ‖ key_block_id)    mode HYBRID
 *       | HKDF(salt = ck2, ikm = "",                       info = PQC_ONLY)              mode PQC
 *   ck4 = HKDF(salt = ck3, ikm = th2 (handshake transcript), info = TRANSCRIPT)
 *   client_confirm = HKDF(salt = ck4, ikm = "", info = CLIENT_CONFIRM)     the MAC key of CLIENT_FINISH
 *   epoch 1:   secret ‖ key_c2s ‖ key_s2c = HKDF(salt = ck4,            ikm = "",               info = EPOCH ‖ u32 1 ‖ key_block_id)
 *   epoch n+1: secret ‖ key_c2s ‖ key_s2c = HKDF(salt = secret_n, ikm = material ‖ QKD block, info = EPOCH ‖ u32 n+1 ‖ key_block_id)
 *
 * Each epoch has one key per direction (the seed's "epoch key" is that pair): both peers count
 * seq from 1, so one key for both directions would reuse nonces. key_block_id is 16 zero bytes when
 * no QKD block enters a step. Every intermediate is zeroised by its caller once used.
 */
import { hkdfWithDigest, type SymmetricCrypto } from '../../hal/crypto.ts';
import { asciiBytes, concatBytes } from '../bytes.ts';
import { putU32 } from './frame.ts';

export const PROTOCOL = 'LIGHTVIBES QSP v1.0 HKDF-SHA256 X25519 ML-KEM-768 ML-DSA-65 QKD';

/** HKDF info labels (ASCII). */
export const Label = {
  X25519: 'qsp hs x25519',
  ML_KEM: 'qsp hs ml-kem-768',
  QKD: 'qsp hs qkd key block',
  PQC_ONLY: 'qsp hs pqc-only',
  TRANSCRIPT: 'qsp hs transcript',
  CLIENT_CONFIRM: 'qsp hs client confirm',
  EPOCH: 'qsp epoch keys',
  /** Server-private: the biscuit key's derivation and its AEAD associated data. */
  BISCUIT: 'qsp biscuit',
  /** Server-private: cookie MAC under load. */
  COOKIE: 'qsp cookie',
} as const;

/** AEAD associated data = prefix ‖ the frame's 22-byte header (seed §6.3 aad = "app"). */
export const AadPrefix = {
  APP_DATA: 'app',
  REKEY: 'rekey',
  CLOSE: 'close',
} as const;

/** ML-DSA-65 signature contexts (FIPS 204 ctx), one per signed handshake message. */
export const SignatureContext = {
  SERVER_HELLO: 'LIGHTVIBES/qsp/server-hello/v1',
  CLIENT_FINISH: 'LIGHTVIBES/qsp/client-finish/v1',
} as const;

/** Seed §7.2: confirm = SHA-256(material ‖ "ack"). */
export const REKEY_CONFIRM_SUFFIX = 'ack';

export const KEY_BLOCK_ID_BYTES = 16;
export const NO_KEY_BLOCK = new Uint8Array(KEY_BLOCK_ID_BYTES);

const EMPTY = new Uint8Array(0);
const LABELS: Record<string, Uint8Array> = {};
export function label(text: string): Uint8Array {
  return (LABELS[text] ??= asciiBytes(text));
}

export function initialChainKey(crypto: SymmetricCrypto): Uint8Array {
  return crypto.sha256(label(PROTOCOL));
}

/** One step down the chain: HKDF(salt = chain, ikm = input, info = label ‖ context). */
export function mixKey(crypto: SymmetricCrypto, chain: Uint8Array, labelText: string, input: Uint8Array, context: Uint8Array = EMPTY): Uint8Array {
  const info = context.length ? concatBytes(label(labelText), context) : label(labelText);
  return crypto.hkdf(input, chain, info, 32);
}

export interface EpochKeys {
  readonly epoch: number;
  /** Chains to the next epoch. */
  readonly secret: Uint8Array;
  readonly clientToServer: Uint8Array;
  readonly serverToClient: Uint8Array;
  /** clientToServer ‖ serverToClient, as one view: a backend releases both in one call. */
  readonly trafficKeys: Uint8Array;
  /** secret ‖ clientToServer ‖ serverToClient: the whole derived block, zeroised as one. */
  readonly okm: Uint8Array;
  /** True when a QKD key block entered this epoch's derivation. */
  readonly qkd: boolean;
}

export const EPOCH_OKM_BYTES = 96;

/** HKDF info of an epoch step, written in place per call (one buffer: the hot path allocates nothing). */
const EPOCH_INFO = new Uint8Array(label(Label.EPOCH).length + 4 + KEY_BLOCK_ID_BYTES);
EPOCH_INFO.set(label(Label.EPOCH));

function epochInfo(epoch: number, keyBlockId: Uint8Array): Uint8Array {
  const info = EPOCH_INFO;
  const at = info.length - 4 - KEY_BLOCK_ID_BYTES;
  putU32(info, at, epoch);
  info.set(keyBlockId, at + 4);
  return info;
}

/** A home for one epoch's keys: the 96-byte block and its views. */
export type EpochKeyBuffer = Omit<EpochKeys, 'epoch' | 'qkd'>;

function keyViews(okm: Uint8Array): EpochKeyBuffer {
  return { secret: okm.subarray(0, 32), clientToServer: okm.subarray(32, 64), serverToClient: okm.subarray(64, 96), trafficKeys: okm.subarray(32, 96), okm };
}

/**
 * A reusable EpochKeyBuffer, its views made once: a session rekeys into a few of these, since on
 * Node five views per derivation cost more than the HKDF's native call.
 */
export function epochKeyBuffer(): EpochKeyBuffer {
  return keyViews(new Uint8Array(new ArrayBuffer(EPOCH_OKM_BYTES)));
}

/** secret ‖ key_c2s ‖ key_s2c for `epoch`, chained from `chain` with fresh input `ikm`. */
export function deriveEpochKeys(crypto: SymmetricCrypto, chain: Uint8Array, ikm: Uint8Array, epoch: number, keyBlockId: Uint8Array, qkd: boolean): EpochKeys {
  return { epoch, qkd, ...keyViews(crypto.hkdf(ikm, chain, epochInfo(epoch, keyBlockId), EPOCH_OKM_BYTES)) };
}

/**
 * deriveEpochKeys into the caller's buffer, with digest = SHA-256(digestInput) computed in the same
 * backend call (a rekey step: the new epoch's keys and the confirm of its material, §7.2). Same
 * bytes as deriveEpochKeys + sha256.
 */
export function deriveEpochKeysWithDigest(
  crypto: SymmetricCrypto, chain: Uint8Array, ikm: Uint8Array, epoch: number, keyBlockId: Uint8Array, qkd: boolean,
  into: EpochKeyBuffer, digestInput: Uint8Array, digest: Uint8Array,
): EpochKeys {
  hkdfWithDigest(crypto, ikm, chain, epochInfo(epoch, keyBlockId), into.okm, digestInput, digest);
  return { epoch, qkd, secret: into.secret, clientToServer: into.clientToServer, serverToClient: into.serverToClient, trafficKeys: into.trafficKeys, okm: into.okm };
}

/** Zeroises an epoch's keys, after telling a backend that keeps keyed state (AEAD contexts) to drop it. */
export function destroyEpochKeys(keys: EpochKeys | undefined, crypto?: SymmetricCrypto): void {
  if (!keys) return;
  crypto?.release?.(keys.trafficKeys);
  keys.okm.fill(0);
}

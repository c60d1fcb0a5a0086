/**
 * The QSP session state machine (seed 003 §9), as one table a reader can check against the seed.
 * session.ts asks `transition(state, event, role)` before acting and does nothing the table does
 * not allow. Frame-level events (RX_APP_DATA, RX_REKEY, RX_CLOSE, RX_HANDSHAKE) are looked up before
 * any decryption; message-level ones (RX_REKEY_INIT, RX_REKEY_ACK) after the AEAD accepted the frame.
 *
 *   DROP  — the datagram is discarded and counted (unauthenticated, or a harmless late duplicate)
 *   FAIL  — the session closes with PROTOCOL_ERROR (an authenticated peer broke the protocol)
 */
export const QspState = {
  HANDSHAKE: 1,
  ESTABLISHED: 2,
  /** Server only: REKEY_INIT sent, ACK awaited (§9.3 "inflight"). */
  REKEY: 3,
  CLOSED: 4,
} as const;
export type QspState = (typeof QspState)[keyof typeof QspState];

export const QspEvent = {
  HANDSHAKE_DONE: 1,
  RX_HANDSHAKE: 2,
  RX_APP_DATA: 3,
  RX_REKEY: 4,
  RX_REKEY_INIT: 5,
  RX_REKEY_ACK: 6,
  RX_CLOSE: 7,
  TX_APP_DATA: 8,
  TX_REKEY_INIT: 9,
  TX_CLOSE: 10,
  /** Any failure with a typed reason (decrypt, epoch, replay, signature, key block, timeout). */
  FAILURE: 11,
} as const;
export type QspEvent = (typeof QspEvent)[keyof typeof QspEvent];

export type Role = 'client' | 'server';
export const DROP = 'drop' as const;
export const FAIL = 'fail' as const;
export type Outcome = QspState | typeof DROP | typeof FAIL;

const { HANDSHAKE, ESTABLISHED, REKEY, CLOSED } = QspState;
const E = QspEvent;
type Row = readonly [state: QspState, event: QspEvent, role: Role | 'both', outcome: Outcome, why: string];

/** The whole machine. A (state, event, role) missing here is FAIL for authenticated events, DROP otherwise. */
export const STATE_TABLE: readonly Row[] = [
  // §9.1 Handshake
  [HANDSHAKE, E.RX_HANDSHAKE, 'both', HANDSHAKE, 'handshake.ts advances (or drops) the exchange'],
  [HANDSHAKE, E.HANDSHAKE_DONE, 'both', ESTABLISHED, 'Session(epoch = 1), keys[1] = K1'],
  [HANDSHAKE, E.RX_APP_DATA, 'both', DROP, 'no keys yet: unauthenticated'],
  [HANDSHAKE, E.RX_REKEY, 'both', DROP, 'no keys yet: unauthenticated'],
  [HANDSHAKE, E.RX_CLOSE, 'both', DROP, 'no keys yet: unauthenticated'],
  [HANDSHAKE, E.TX_CLOSE, 'both', CLOSED, 'abort (no keys: nothing is sent)'],
  [HANDSHAKE, E.FAILURE, 'both', CLOSED, 'upon failure: abort/close'],
  // §9.2 Established
  [ESTABLISHED, E.RX_HANDSHAKE, 'both', DROP, 'a late or replayed handshake message'],
  [ESTABLISHED, E.RX_APP_DATA, 'both', ESTABLISHED, 'decrypt + process'],
  [ESTABLISHED, E.RX_REKEY, 'both', ESTABLISHED, 'decrypt, then RX_REKEY_INIT / RX_REKEY_ACK'],
  [ESTABLISHED, E.RX_REKEY_INIT, 'client', ESTABLISHED, 'send ACK, commit the new epoch at once (§7.3)'],
  [ESTABLISHED, E.RX_REKEY_INIT, 'server', FAIL, 'rekey is server-led (§7.1)'],
  [ESTABLISHED, E.RX_REKEY_ACK, 'both', FAIL, 'no rekey in flight'],
  [ESTABLISHED, E.RX_CLOSE, 'both', CLOSED, 'peer closed'],
  [ESTABLISHED, E.TX_APP_DATA, 'both', ESTABLISHED, 'encrypt under the current epoch'],
  [ESTABLISHED, E.TX_REKEY_INIT, 'server', REKEY, 'auto or explicit trigger → inflight (§9.2)'],
  [ESTABLISHED, E.TX_CLOSE, 'both', CLOSED, 'close under the current epoch key'],
  [ESTABLISHED, E.FAILURE, 'both', CLOSED, 'close with the typed reason'],
  // §9.3 Rekey (server only)
  [REKEY, E.RX_HANDSHAKE, 'server', DROP, 'a late or replayed handshake message'],
  [REKEY, E.RX_APP_DATA, 'server', REKEY, 'data keeps flowing under the current (or new) epoch'],
  [REKEY, E.RX_REKEY, 'server', REKEY, 'decrypt, then RX_REKEY_ACK'],
  [REKEY, E.RX_REKEY_ACK, 'server', ESTABLISHED, 'verify confirm, commit: epoch advanced (§7.3)'],
  [REKEY, E.RX_REKEY_INIT, 'server', FAIL, 'rekey is server-led (§7.1)'],
  [REKEY, E.RX_CLOSE, 'server', CLOSED, 'peer closed'],
  [REKEY, E.TX_APP_DATA, 'server', REKEY, 'still under the current epoch until commit'],
  [REKEY, E.TX_REKEY_INIT, 'server', REKEY, 'retransmit the same INIT (ACK lost)'],
  [REKEY, E.TX_CLOSE, 'server', CLOSED, 'close under the current epoch key'],
  [REKEY, E.FAILURE, 'server', CLOSED, 'close with the typed reason (e.g. REKEY_FAILED)'],
  // §9.4 Closed: no further frames processed
  [CLOSED, E.RX_HANDSHAKE, 'both', DROP, 'closed'],
  [CLOSED, E.RX_APP_DATA, 'both', DROP, 'closed'],
  [CLOSED, E.RX_REKEY, 'both', DROP, 'closed'],
  [CLOSED, E.RX_CLOSE, 'both', DROP, 'closed'],
];

const AUTHENTICATED = new Set<QspEvent>([E.RX_REKEY_INIT, E.RX_REKEY_ACK]);
const INDEX = new Map<number, Outcome>();
for (const [state, event, role, outcome] of STATE_TABLE)
  for (const r of role === 'both' ? (['client', 'server'] as const) : [role]) {
    const key = (state << 8) | (event << 1) | (r === 'server' ? 1 : 0);
    if (INDEX.has(key)) throw new Error(`state table: duplicate row ${state}/${event}/${r}`);
    INDEX.set(key, outcome);
  }

/** What the table allows; local events (TX_*, FAILURE) with no row are misuse and throw. */
export function transition(state: QspState, event: QspEvent, role: Role): Outcome {
  const outcome = INDEX.get((state << 8) | (event << 1) | (role === 'server' ? 1 : 0));
  if (outcome !== undefined) return outcome;
  if (AUTHENTICATED.has(event)) return FAIL;
  if (event >= E.TX_APP_DATA || event === E.HANDSHAKE_DONE) throw new Error(`QSP: event ${event} is not allowed in state ${state} (${role})`);
  return DROP;
}

/** QSP frame codec (seed 003 §3), replay window, REKEY/CLOSE plaintexts and the state table. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { CloseReason, decodeClosePlaintext, encodeClosePlaintext } from '../src/qsp/close.ts';
import { decodeFrame, encodeFrame, FrameError, FrameReject, FrameType, frameNonce, MAX_PAYLOAD_BYTES } from '../src/qsp/frame.ts';
import { decodeRekey, encodeRekeyAck, encodeRekeyInit } from '../src/qsp/rekey.ts';
import { ReplayVerdict, ReplayWindow } from '../src/qsp/anti-replay.ts';
import { DROP, FAIL, QspEvent, QspState, STATE_TABLE, transition } from '../src/qsp/state-table.ts';

const frame = { type: FrameType.APP_DATA, flags: 0, sessionId: 0x0102030405060708n, epoch: 7, seq: 0x01020304, payload: hexToBytes('aabbcc') } as const;

test('frame: the §3 layout, network order', () => {
  assert.is(bytesToHex(encodeFrame(frame)), '02' + '00' + '0102030405060708' + '00000007' + '01020304' + '00000003' + 'aabbcc');
  const back = decodeFrame(encodeFrame(frame));
  assert.equal({ ...back, payload: bytesToHex(back.payload) }, { ...frame, payload: 'aabbcc' });
});

test('frame: nonce = epoch(4) ‖ seq(8), big-endian', () => {
  assert.is(bytesToHex(frameNonce(1, 2)), '00000001' + '0000000000000002');
  assert.is(bytesToHex(frameNonce(0xffffffff, 0xffffffff)), 'ffffffff' + '00000000ffffffff');
});

function rejects(hex: string, reason: FrameReject, max?: number): void {
  try {
    decodeFrame(hexToBytes(hex), max);
    assert.unreachable('accepted');
  } catch (e) {
    assert.instance(e, FrameError);
    assert.is((e as FrameError).reason, reason);
  }
}

test('frame: strict decoding', () => {
  const good = bytesToHex(encodeFrame(frame));
  rejects(good.slice(0, 42), FrameReject.TRUNCATED);
  rejects(good + '00', FrameReject.LENGTH_MISMATCH);
  rejects(good.slice(0, -2), FrameReject.LENGTH_MISMATCH);
  rejects('05' + good.slice(2), FrameReject.UNKNOWN_TYPE);
  rejects('00' + good.slice(2), FrameReject.UNKNOWN_TYPE);
  rejects('0201' + good.slice(4), FrameReject.UNKNOWN_FLAGS);
  rejects('0280' + good.slice(4), FrameReject.UNKNOWN_FLAGS);
  rejects(good, FrameReject.TOO_LONG, 2);
  rejects(good.slice(0, 36) + 'ffffffff', FrameReject.TOO_LONG);
});

test('frame: encode checks its arguments and names them', () => {
  assert.throws(() => encodeFrame({ ...frame, flags: 1 }), /frame\.flags/);
  assert.throws(() => encodeFrame({ ...frame, type: 9 as FrameType }), /frame\.type/);
  assert.throws(() => encodeFrame({ ...frame, sessionId: -1n }), /frame\.sessionId/);
  assert.throws(() => encodeFrame({ ...frame, epoch: 2 ** 32 }), /frame\.epoch/);
  assert.throws(() => encodeFrame({ ...frame, payload: new Uint8Array(MAX_PAYLOAD_BYTES + 1) }), /frame\.payload/);
});

test('replay window: fresh, duplicate, too old, reordering inside the window', () => {
  const w = new ReplayWindow(64);
  assert.is(w.check(0), ReplayVerdict.FRESH);
  w.mark(5);
  assert.is(w.check(5), ReplayVerdict.DUPLICATE);
  assert.is(w.check(3), ReplayVerdict.FRESH);
  w.mark(3);
  assert.is(w.check(3), ReplayVerdict.DUPLICATE);
  w.mark(100);
  assert.is(w.check(36), ReplayVerdict.TOO_OLD);
  assert.is(w.check(37), ReplayVerdict.FRESH);
  assert.is(w.check(5), ReplayVerdict.TOO_OLD);
  w.mark(37);
  assert.is(w.check(37), ReplayVerdict.DUPLICATE);
  w.mark(1000); // a jump wider than the window clears it
  for (let s = 937; s < 1000; s++) assert.is(w.check(s), ReplayVerdict.FRESH, `seq ${s}`);
  assert.is(w.check(1000), ReplayVerdict.DUPLICATE);
  assert.throws(() => new ReplayWindow(48), /multiple of 32/);
});

test('rekey plaintexts: RK54 ‖ T ‖ new_epoch ‖ material/confirm (§7.2)', () => {
  const material = new Uint8Array(32).fill(0xab);
  const id = new Uint8Array(16).fill(1);
  const init = encodeRekeyInit(9, material, id);
  assert.is(bytesToHex(init), '524b3534' + '01' + '00000009' + 'ab'.repeat(32) + '01'.repeat(16));
  assert.equal(decodeRekey(init), { type: 1, newEpoch: 9, material, keyBlockId: id });
  const ack = encodeRekeyAck(9, material);
  assert.is(bytesToHex(ack).slice(0, 18), '524b3534' + '02' + '00000009');
  assert.equal(decodeRekey(ack), { type: 2, newEpoch: 9, confirm: material });
  assert.is(decodeRekey(init.subarray(1)), undefined);
  assert.is(decodeRekey(Uint8Array.from([...init.subarray(0, 4), 3, ...init.subarray(5)])), undefined);
  assert.is(decodeRekey(ack.subarray(0, 40)), undefined);
});

test('close plaintext: reason u16 ‖ message (§8)', () => {
  const p = encodeClosePlaintext(CloseReason.EPOCH_MISMATCH, Uint8Array.of(0x68, 0x69));
  assert.is(bytesToHex(p), '001e6869');
  assert.equal(decodeClosePlaintext(p), { reason: 30, message: Uint8Array.of(0x68, 0x69) });
  assert.is(decodeClosePlaintext(new Uint8Array(1)), undefined);
  assert.is(decodeClosePlaintext(new Uint8Array(300)), undefined);
  assert.equal([CloseReason.NORMAL, CloseReason.PROTOCOL_ERROR, CloseReason.AEAD_DECRYPT_FAILED, CloseReason.EPOCH_MISMATCH, CloseReason.REKEY_FAILED, CloseReason.INTERNAL_ERROR], [0, 10, 20, 30, 40, 90]);
});

test('state table: the §9 transitions', () => {
  const S = QspState;
  const E = QspEvent;
  assert.is(transition(S.HANDSHAKE, E.HANDSHAKE_DONE, 'client'), S.ESTABLISHED);
  assert.is(transition(S.HANDSHAKE, E.RX_APP_DATA, 'server'), DROP);
  assert.is(transition(S.ESTABLISHED, E.TX_REKEY_INIT, 'server'), S.REKEY);
  assert.throws(() => transition(S.ESTABLISHED, E.TX_REKEY_INIT, 'client'));
  assert.is(transition(S.ESTABLISHED, E.RX_REKEY_INIT, 'client'), S.ESTABLISHED);
  assert.is(transition(S.ESTABLISHED, E.RX_REKEY_INIT, 'server'), FAIL);
  assert.is(transition(S.REKEY, E.RX_REKEY_ACK, 'server'), S.ESTABLISHED);
  assert.is(transition(S.ESTABLISHED, E.RX_REKEY_ACK, 'client'), FAIL);
  assert.is(transition(S.CLOSED, E.RX_APP_DATA, 'client'), DROP);
  assert.throws(() => transition(S.CLOSED, E.TX_APP_DATA, 'client'));
  for (const s of [S.HANDSHAKE, S.ESTABLISHED, S.REKEY]) assert.is(transition(s, E.FAILURE, 'server'), S.CLOSED);
  assert.ok(STATE_TABLE.every((row) => row[4].length > 0), 'every row says why');
});

test.run();

/** Golden-vector suites and inputs of the qsp area (see test/vectors/suites.ts for the conventions). */
import { nobleCrypto } from '../../../src/crypto/noble.ts';
import { bytesToHex, hexToBytes } from '../../../src/bytes.ts';
import { encodeClosePlaintext } from '../../../src/qsp/close.ts';
import { decodeFrame, encodeFrame, frameNonce } from '../../../src/qsp/frame.ts';
import { deriveEpochKeys, initialChainKey, Label, mixKey } from '../../../src/qsp/key-schedule.ts';
import { encodeRekeyAck, encodeRekeyInit, rekeyConfirm } from '../../../src/qsp/rekey.ts';
import { runScenario, type ScenarioSpec } from '../../../sim/qsp-pair.ts';
import type { VectorSuites, VectorInputs } from '../types.ts';

const h = hexToBytes;

export const qspSuites: VectorSuites = {
  'qsp-frame': (input) => {
    const encoded = encodeFrame({ ...input.frame, sessionId: BigInt(input.frame.sessionId), payload: h(input.frame.payloadHex) });
    const back = decodeFrame(encoded);
    return { hex: bytesToHex(encoded), nonce: bytesToHex(frameNonce(back.epoch, back.seq)), sessionId: back.sessionId.toString(), payloadHex: bytesToHex(back.payload) };
  },

  'qsp-frame-reject': (input) => {
    try {
      decodeFrame(h(input.hex));
      return { accepted: true };
    } catch (e: any) {
      return { accepted: false, reason: e.reason ?? String(e) };
    }
  },

  'qsp-key-schedule': (input) => {
    const c = nobleCrypto;
    const ck0 = initialChainKey(c);
    const ck1 = mixKey(c, ck0, Label.X25519, h(input.x25519Hex));
    const ck2 = mixKey(c, ck1, Label.ML_KEM, h(input.mlKemHex));
    const ck3 = input.qkdHex ? mixKey(c, ck2, Label.QKD, h(input.qkdHex), h(input.keyBlockIdHex)) : mixKey(c, ck2, Label.PQC_ONLY, new Uint8Array(0));
    const ck4 = mixKey(c, ck3, Label.TRANSCRIPT, h(input.transcriptHex));
    const id = h(input.keyBlockIdHex);
    const e1 = deriveEpochKeys(c, ck4, new Uint8Array(0), 1, id, !!input.qkdHex);
    const material = h(input.rekeyMaterialHex);
    const e2 = deriveEpochKeys(c, e1.secret, material, 2, new Uint8Array(16), false);
    const hex = (k: typeof e1) => ({ secret: bytesToHex(k.secret), c2s: bytesToHex(k.clientToServer), s2c: bytesToHex(k.serverToClient) });
    return {
      ck: [ck0, ck1, ck2, ck3, ck4].map(bytesToHex),
      clientConfirmKey: bytesToHex(mixKey(c, ck4, Label.CLIENT_CONFIRM, new Uint8Array(0))),
      epoch1: hex(e1), epoch2: hex(e2),
      rekeyInit: bytesToHex(encodeRekeyInit(2, material, new Uint8Array(16))),
      rekeyAck: bytesToHex(encodeRekeyAck(2, rekeyConfirm(c, material))),
      close: bytesToHex(encodeClosePlaintext(30, new Uint8Array(0))),
    };
  },

  'qsp-session': (input) => runScenario(input as ScenarioSpec),
};

const frameCase = (name: string, frame: object) => ({ name, input: { frame: { flags: 0, ...frame } } });

export const qspInputs: VectorInputs = {
  'qsp-frame': {
    description: 'QSP v1.0 MessageFrame (seed 003 §3): type u8 ‖ flags u8 ‖ session_id u64 ‖ epoch u32 ‖ seq u32 ‖ payload_len u32 ‖ payload; nonce = epoch(4) ‖ seq(8)',
    cases: [
      frameCase('handshake, empty payload', { type: 1, sessionId: '0', epoch: 0, seq: 1, payloadHex: '' }),
      frameCase('app data', { type: 2, sessionId: '81985529216486895', epoch: 1, seq: 1, payloadHex: '000102' }),
      frameCase('rekey, large fields', { type: 3, sessionId: '18446744073709551615', epoch: 4294967295, seq: 4294967295, payloadHex: 'ff' }),
      frameCase('close', { type: 4, sessionId: '1', epoch: 2, seq: 300, payloadHex: '00' }),
    ],
  },
  'qsp-frame-reject': {
    description: 'strict frame decoding: each malformed datagram rejected with its FrameReject code (1 truncated, 2 length mismatch, 3 too long, 4 unknown type, 5 unknown flags)',
    cases: [
      { name: 'truncated header', input: { hex: '02000000000000000001' } },
      { name: 'payload_len larger than what follows', input: { hex: '0200' + '0000000000000001' + '00000001' + '00000001' + '00000002' + 'aa' } },
      { name: 'payload_len smaller than what follows', input: { hex: '0200' + '0000000000000001' + '00000001' + '00000001' + '00000000' + 'aa' } },
      { name: 'payload_len over the limit', input: { hex: '0200' + '0000000000000001' + '00000001' + '00000001' + '00010041' } },
      { name: 'type 0', input: { hex: '0000' + '0000000000000001' + '00000001' + '00000001' + '00000000' } },
      { name: 'type 5', input: { hex: '0500' + '0000000000000001' + '00000001' + '00000001' + '00000000' } },
      { name: 'a flag set', input: { hex: '0201' + '0000000000000001' + '00000001' + '00000001' + '00000000' } },
      { name: 'well-formed is accepted', input: { hex: '0200' + '0000000000000001' + '00000001' + '00000001' + '00000000' } },
    ],
  },
  'qsp-key-schedule': {
    description: 'QSP v1.0 key schedule (src/qsp/key-schedule.ts): ck0..ck4, client confirm key, epoch 1 and a rekeyed epoch 2, RK54 plaintexts, a CLOSE plaintext',
    cases: [
      { name: 'hybrid, QKD block', input: { x25519Hex: '11'.repeat(32), mlKemHex: '22'.repeat(32), qkdHex: '33'.repeat(32), keyBlockIdHex: '44'.repeat(16), transcriptHex: '55'.repeat(32), rekeyMaterialHex: '66'.repeat(32) } },
      { name: 'PQC only', input: { x25519Hex: '11'.repeat(32), mlKemHex: '22'.repeat(32), qkdHex: '', keyBlockIdHex: '00'.repeat(16), transcriptHex: '55'.repeat(32), rekeyMaterialHex: '66'.repeat(32) } },
    ],
  },
  'qsp-session': {
    description: 'a seeded QSP v1.0 session (sim/qsp-pair.ts): handshake (ML-DSA-65, X25519, ML-KEM-768, QKD), data both ways, rekeys, close; SHA-256 over every datagram — Node and XS must agree byte for byte',
    cases: [
      { name: 'hybrid, AES-256-GCM, 20 frames, 3 rekeys', input: { seed: 1, frames: 20, rekeys: 3, payloadBytes: 100, aead: 1 } },
      { name: 'PQC only, ChaCha20-Poly1305, 10 frames, 2 rekeys', input: { seed: 1, frames: 10, rekeys: 2, payloadBytes: 33, keyBlocks: 0, aead: 2 } },
    ],
  },
};

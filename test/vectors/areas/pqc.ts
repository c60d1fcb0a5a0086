/**
 * Golden-vector suites and inputs of the pqc area (see test/vectors/suites.ts for the conventions):
 * the AsymmetricCrypto port (hal/pqc.ts) through the runtime's registered backend
 * (src/crypto/pqc-registry.ts). On Node the vectors are written with the noble reference; an XS
 * host that registers its PQClean backend (hal/xs/use-native-pqc.ts) must reproduce them byte for
 * byte: one ML-DSA-65 keygen + hedged sign with a context + verify (valid, tampered, other
 * context), one ML-KEM-768 keygen + encapsulate + decapsulate (and the implicit-rejection secret
 * of a tampered ciphertext), one X25519 exchange. Large outputs are given as their SHA-256.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '../../../src/bytes.ts';
import { runtimePqc } from '../../../src/crypto/pqc-registry.ts';
import type { VectorInputs, VectorSuites } from '../types.ts';

const h = hexToBytes;
const digest = (b: Uint8Array) => bytesToHex(sha256(b));
/** `n` bytes counting up from `start`, as hex: readable inputs, no generator needed. */
const ramp = (n: number, start: number) => bytesToHex(Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff));

export const pqcSuites: VectorSuites = {
  'pqc-roundtrip': ({ dsaSeed, message, context, rnd, kemSeed, kemMessage, x25519A, x25519B }) => {
    const pqc = runtimePqc();
    const id = pqc.mlDsa65Keygen(h(dsaSeed));
    const sig = pqc.mlDsa65Sign(id.secretKey, h(message), h(context), h(rnd));
    const tampered = sig.slice();
    tampered[100]! ^= 1;
    const kem = pqc.mlKem768Keygen(h(kemSeed));
    const enc = pqc.mlKem768Encapsulate(kem.publicKey, h(kemMessage));
    const badCt = enc.cipherText.slice();
    badCt[0]! ^= 1;
    const pubA = pqc.x25519PublicKey(h(x25519A));
    const pubB = pqc.x25519PublicKey(h(x25519B));
    return {
      mlDsa65: {
        publicKeySha256: digest(id.publicKey),
        secretKeySha256: digest(id.secretKey),
        signatureSha256: digest(sig),
        verifies: pqc.mlDsa65Verify(id.publicKey, h(message), h(context), sig),
        tamperedVerifies: pqc.mlDsa65Verify(id.publicKey, h(message), h(context), tampered),
        otherContextVerifies: pqc.mlDsa65Verify(id.publicKey, h(message), Uint8Array.of(0x78), sig),
      },
      mlKem768: {
        publicKeySha256: digest(kem.publicKey),
        secretKeySha256: digest(kem.secretKey),
        cipherTextSha256: digest(enc.cipherText),
        sharedSecret: bytesToHex(enc.sharedSecret),
        decapsulated: bytesToHex(pqc.mlKem768Decapsulate(enc.cipherText, kem.secretKey)),
        implicitRejection: bytesToHex(pqc.mlKem768Decapsulate(badCt, kem.secretKey)),
      },
      x25519: {
        publicKeyA: bytesToHex(pubA),
        sharedAB: bytesToHex(pqc.x25519SharedSecret(h(x25519A), pubB)),
        sharedBA: bytesToHex(pqc.x25519SharedSecret(h(x25519B), pubA)),
      },
    };
  },
};

export const pqcInputs: VectorInputs = {
  'pqc-roundtrip': {
    description: 'AsymmetricCrypto port (hal/pqc.ts) on the runtime backend: ML-DSA-65 keygen(ξ) + hedged sign(rnd, ctx) + verify (FIPS 204), ML-KEM-768 keygen(d‖z) + encaps(m) + decaps incl. implicit rejection (FIPS 203), X25519 (RFC 7748); big outputs as SHA-256',
    cases: [
      {
        name: 'empty context, short message',
        input: { dsaSeed: ramp(32, 0), message: '616263', context: '', rnd: ramp(32, 0x40), kemSeed: ramp(64, 0x80), kemMessage: ramp(32, 0xc0), x25519A: ramp(32, 1), x25519B: ramp(32, 0x21) },
      },
      {
        name: 'QSP context, transcript-sized message',
        input: {
          dsaSeed: ramp(32, 0x11), message: ramp(32, 0x99), context: bytesToHex(Uint8Array.from('LIGHTVIBES/qsp/server-hello/v1', (c) => c.charCodeAt(0))),
          rnd: ramp(32, 0x55), kemSeed: ramp(64, 0x33), kemMessage: ramp(32, 0x77), x25519A: ramp(32, 0xa0), x25519B: ramp(32, 0xb0),
        },
      },
    ],
  },
};

/**
 * Vector suites: one function per suite, from a JSON input to a JSON output (bytes as hex).
 * The same functions run on Node and on XS; test/vectors/<suite>.json holds the golden cases
 * (written once by `npm run vectors:write`, then reviewed and committed). Runtime-agnostic:
 * nothing here may touch Node or XS globals.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ChaCha20Drbg } from '../../hal/sim/drbg.ts';
import { SimEntropy } from '../../hal/sim/entropy.ts';
import { PhysicsRandom } from '../../hal/sim/prng.ts';
import { bytesToHex, hexToBytes, packBits } from '../../src/bytes.ts';
import { prepareTrain } from '../../src/qkd/bb84.ts';
import { decodeSiftMessage, encodeSiftMessage, type SiftMessage } from '../../src/qkd/messages.ts';
import { Transcript } from '../../src/transcript.ts';
import { runBb84Slice, type SliceConfig } from '../../sim/bb84-slice.ts';
import { runSmallBlock } from '../../sim/qkd-small.ts';
import { runtimeKernels } from '../../src/kernels/registry.ts';
import { prepareDecoyTrain } from '../../src/qkd/decoy.ts';
import type { BlockOutcome } from '../../sim/qkd-run.ts';
import { verificationTag } from '../../src/qkd/verify.ts';
import { amplifySuites } from './areas/amplify.ts';
import { hilSuites } from './areas/hil.ts';
import { capsuleSuites } from './areas/capsule.ts';
import { keyrateSuites } from './areas/keyrate.ts';
import { keystoreSuites } from './areas/keystore.ts';
import { ldpcSuites } from './areas/ldpc.ts';
import { qspSuites } from './areas/qsp.ts';
import { pqcSuites } from './areas/pqc.ts';
import type { Json, VectorSuites } from './types.ts';

export type { VectorCase, VectorFile } from './types.ts';

/** A number computed with Math.exp/log: 12 significant digits, so engines that differ in the last ulp agree. */
const round12 = (x: number) => Number(x.toPrecision(12));

/** What both parties' key blocks say, the key itself only as its SHA-256. */
function blockSummary(o: BlockOutcome): Json {
  if (o.abort) return { abort: o.abort };
  const a = o.alice!;
  const b = o.bob!;
  const same = a.id === b.id && bytesToHex(a.key) === bytesToHex(b.key);
  return {
    same, id: a.id, protocol: a.protocol, keyBits: a.keyBits, keySha256: bytesToHex(sha256(a.key)),
    qber: round12(a.qber), testQber: round12(a.testQber), policyState: a.policyState, leakedBits: a.leakedBits,
    paSeedHash: a.paSeedHash, stats: { ...a.stats, ...(a.stats.chsh === undefined ? {} : { chsh: round12(a.stats.chsh) }) },
    bounds: { sX0: round12(a.bounds.sX0), sX1: round12(a.bounds.sX1), phiX: round12(a.bounds.phiX) },
  };
}

/** A sift message as JSON: arrays of numbers for the bit and slot fields. */
function messageFromJson(m: Json): SiftMessage {
  const u8 = (a: number[]) => Uint8Array.from(a);
  switch (m.type) {
    case 1: return { type: 1, blockId: m.blockId, slotCount: m.slotCount, slots: Uint32Array.from(m.slots), bases: u8(m.bases) };
    case 2: return { type: 2, blockId: m.blockId, keep: u8(m.keep) };
    case 3: return { type: 3, blockId: m.blockId, sample: u8(m.sample), aliceBits: u8(m.aliceBits) };
    default: return { type: 4, blockId: m.blockId, bobBits: u8(m.bobBits) };
  }
}

function messageToJson(m: SiftMessage): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(m)) out[k] = v instanceof Uint8Array || v instanceof Uint32Array ? Array.from(v) : v;
  return out;
}

const coreSuites: VectorSuites = {
  /** noble's SHA-256 on this runtime (FIPS 180-4 examples). */
  'sha256': (input) => bytesToHex(sha256(hexToBytes(input.messageHex))),

  'sim-drbg': (input) => bytesToHex(new ChaCha20Drbg(input.seed, input.label).randomBytes(input.length)),

  'sim-physics-random': (input) => {
    const r = new PhysicsRandom(input.seed, input.label);
    return Array.from({ length: input.count }, () => r.nextUint32());
  },

  'transcript': (input) => {
    const t = new Transcript(input.protocol);
    for (const p of input.parts) t.absorb(p.label, hexToBytes(p.hex));
    return bytesToHex(t.digest());
  },

  'sift-message': (input) => {
    const encoded = encodeSiftMessage(messageFromJson(input.message));
    return { hex: bytesToHex(encoded), decoded: messageToJson(decodeSiftMessage(encoded, 1 << 28)) };
  },

  'sift-message-reject': (input) => {
    try {
      decodeSiftMessage(hexToBytes(input.hex), input.maxCount);
      return { accepted: true };
    } catch (e: any) {
      return { accepted: false, reason: e.reasonName ?? String(e), detail: e.detail };
    }
  },

  'bb84-prepare': (input) => {
    const train = prepareTrain(new SimEntropy(input.seed, input.label), input.count);
    return { bits: bytesToHex(packBits(train.bits)), bases: bytesToHex(packBits(train.bases)) };
  },

  'bb84-slice': (input) => runBb84Slice(input as SliceConfig),

  'decoy-prepare': (input) => {
    const t = prepareDecoyTrain(new SimEntropy(input.seed, input.label), input.count, input.source);
    const counts = [0, 0, 0];
    t.intensities.forEach((c) => counts[c]!++);
    return { bits: bytesToHex(packBits(t.bits)), bases: bytesToHex(packBits(t.bases)), classes: bytesToHex(sha256(t.intensities)), counts };
  },

  'verify-tag': (input) => bytesToHex(verificationTag(hexToBytes(input.keyHex).map((b) => b & 1), hexToBytes(input.hashKeyHex))),

  'qkd-block-bb84': (input) => blockSummary(runSmallBlock(input.seed, runtimeKernels())),

};

/** Every suite; an area's suites live in test/vectors/areas/<area>.ts. */
export const vectorSuites: VectorSuites = {
  ...coreSuites, ...amplifySuites, ...keyrateSuites, ...ldpcSuites, ...qspSuites, ...keystoreSuites,
  ...capsuleSuites,
  ...hilSuites,
  ...pqcSuites,
};

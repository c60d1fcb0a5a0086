/**
 * Classical attacks against key capsules (src/capsule/, store-and-forward key material): Eve on
 * the relay path replays a capsule the recipient accepted, forges one (altered bytes: the
 * ML-DSA-65 signature or the deterministic-CBOR decoder refuses it), and delays one past its
 * signed time box. Each is refused with its typed CapsuleReject by the recipient's CapsuleOpener
 * (with its persistent replay ledger); a genuine capsule sealed after the attack still opens.
 */
import { SimClock } from '../../hal/sim/clock.ts';
import { SimEntropy } from '../../hal/sim/entropy.ts';
import { MemoryStorage } from '../../hal/sim/storage.ts';
import { generateCapsuleIdentity, pinDirectory } from '../../src/capsule/identity.ts';
import { CapsuleOpener, DEFAULT_CAPSULE_POLICY } from '../../src/capsule/open.ts';
import { CAPSULE_REJECT_NAMES } from '../../src/capsule/reject.ts';
import { sealCapsule } from '../../src/capsule/seal.ts';
import type { ClassicalAttackResult } from './classical.ts';

export const CAPSULE_ATTACKS = ['capsule-replay', 'capsule-forgery', 'capsule-delay'] as const;
export type CapsuleAttackKind = (typeof CAPSULE_ATTACKS)[number];

const HOUR = 3_600_000;

export function runCapsuleAttack(kind: CapsuleAttackKind, seed: number, rounds = 4): ClassicalAttackResult {
  const entropy = new SimEntropy(seed, `capsule-attack:${kind}`);
  const sender = generateCapsuleIdentity('ground-a', entropy);
  const recipient = generateCapsuleIdentity('uav-b', entropy);
  const directory = pinDirectory([sender, recipient]);
  const clock = new SimClock(Date.UTC(2026, 10, 23, 12));
  const opener = new CapsuleOpener({ identity: recipient, directory, storage: new MemoryStorage(), clock });
  let n = 0;
  const seal = (lifetimeMs = HOUR) => {
    const keyId = new Uint8Array(16);
    keyId[15] = ++n;
    const now = clock.wallMs();
    return sealCapsule({ sender, recipients: [recipient], key: entropy.randomBytes(32), keyId, entropy, notBeforeMs: now - 60_000, notAfterMs: now + lifetimeMs, hopLimit: 4 }).bytes;
  };
  const reasons: Record<string, number> = {};
  let attempts = 0;
  let accepted = 0;
  const inject = (bytes: Uint8Array) => {
    attempts++;
    const r = opener.open(bytes);
    if (r.ok) accepted++;
    else reasons[CAPSULE_REJECT_NAMES[r.reason]] = (reasons[CAPSULE_REJECT_NAMES[r.reason]] ?? 0) + 1;
  };
  for (let i = 0; i < rounds; i++) {
    if (kind === 'capsule-replay') {
      const c = seal();
      opener.open(c);
      inject(c);
    } else if (kind === 'capsule-forgery') {
      const c = seal();
      const forged = c.slice();
      forged[forged.length - 100]! ^= 0x01; // inside the signature
      inject(forged);
      const body = c.slice();
      body[Math.floor(body.length / 2)]! ^= 0x10; // inside the recipient block or payload
      inject(body);
      opener.open(c);
    } else {
      const c = seal(10 * 60_000);
      clock.advance(10 * 60_000 + DEFAULT_CAPSULE_POLICY.skewMs + 1000); // held back past its time box
      inject(c);
    }
  }
  const survives = opener.open(seal()).ok;
  return {
    kind, attempts, rejected: attempts - accepted, reasons, accepted, sessionSurvives: survives, failClosed: undefined,
  };
}

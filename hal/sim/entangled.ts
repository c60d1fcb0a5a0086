/**
 * Photonics for E91, simulated: an entangled-pair source (at the midpoint or at Alice's end) and
 * two passive receivers. Each receiver picks one of its three polarisation settings per slot and
 * reports (slot, setting, outcome) through the PhotonicsRx port; for E91 the `bases` field of a
 * Detections report carries the setting index 0–2.
 *
 * Per slot the source emits a pair with probability `pairProbability`; each photon survives its
 * arm with 10^(−loss/10)·detectorEfficiency. For a pair detected at both ends with polariser
 * angles θA, θB the outcomes agree with probability (1 + V·cos 2(θA − θB))/2 (the |Φ+⟩ state
 * with visibility V). A dark count gives a random outcome. An intercept-resend eavesdropper on
 * Bob's arm measures at a random angle of {0, π/8, π/4, 3π/8} and resends her result: a local
 * model, so the CHSH value cannot exceed 2.
 */
import { checkNumber, checkObject, checkProbability } from '../../src/_check.ts';
import type { Detections, PhotonicsHealth, PhotonicsRx } from '../photonics.ts';
import { PhysicsRandom } from './prng.ts';

/** Polariser angles of the settings (radians): Alice {0, π/4, π/8}, Bob {0, π/8, 3π/8}. */
export const E91_ALICE_ANGLES = [0, Math.PI / 4, Math.PI / 8] as const;
export const E91_BOB_ANGLES = [0, Math.PI / 8, (3 * Math.PI) / 8] as const;

export interface SimEntangledConfig {
  readonly pairProbability: number;
  readonly visibility: number;
  /** Total channel loss between Alice and Bob, in dB. */
  readonly lossDb: number;
  readonly source: 'midpoint' | 'alice';
  readonly detectorEfficiency: number;
  readonly darkCountProbability: number;
  readonly attack?: { readonly kind: 'intercept-resend'; readonly fraction: number };
}

export function checkSimEntangledConfig(config: unknown, field = 'photonics'): SimEntangledConfig {
  const c = checkObject(field, config, ['pairProbability', 'visibility', 'lossDb', 'source', 'detectorEfficiency', 'darkCountProbability', 'attack']);
  checkProbability(`${field}.pairProbability`, c.pairProbability);
  checkProbability(`${field}.visibility`, c.visibility);
  checkNumber(`${field}.lossDb`, c.lossDb, 0, 1000);
  if (c.source !== 'midpoint' && c.source !== 'alice') throw new RangeError(`"${field}.source" expected "midpoint" or "alice", got ${JSON.stringify(c.source)}`);
  checkProbability(`${field}.detectorEfficiency`, c.detectorEfficiency);
  checkProbability(`${field}.darkCountProbability`, c.darkCountProbability);
  if (c.attack !== undefined) {
    const a = checkObject(`${field}.attack`, c.attack, ['kind', 'fraction']);
    if (a.kind !== 'intercept-resend') throw new RangeError(`"${field}.attack.kind" expected "intercept-resend"`);
    checkProbability(`${field}.attack.fraction`, a.fraction);
  }
  return c as unknown as SimEntangledConfig;
}

class Receiver implements PhotonicsRx {
  pending: Detections | undefined;
  collect(): Detections {
    const d = this.pending;
    if (!d) throw new Error('photonics: collect() before the source emitted');
    this.pending = undefined;
    return d;
  }
  health(): PhotonicsHealth {
    return { healthy: true };
  }
}

const EVE_ANGLES = [0, Math.PI / 8, Math.PI / 4, (3 * Math.PI) / 8];

export function createSimEntangledPhotonics(config: SimEntangledConfig, seed: number | Uint8Array) {
  const c = checkSimEntangledConfig(config);
  const random = new PhysicsRandom(seed, 'entangled');
  const alice = new Receiver();
  const bob = new Receiver();
  const aliceLoss = c.source === 'midpoint' ? c.lossDb / 2 : 0;
  const etaA = 10 ** (-aliceLoss / 10) * c.detectorEfficiency;
  const etaB = 10 ** (-(c.lossDb - aliceLoss) / 10) * c.detectorEfficiency;
  const stats = { slots: 0, pairs: 0, eveInterventions: 0 };
  return {
    alice: alice as PhotonicsRx,
    bob: bob as PhotonicsRx,
    stats,
    /** The source runs for `slots` slots; each receiver then holds its report. */
    emit(slots: number): void {
      const a = { slots: [] as number[], settings: [] as number[], bits: [] as number[] };
      const b = { slots: [] as number[], settings: [] as number[], bits: [] as number[] };
      for (let i = 0; i < slots; i++) {
        const pair = random.uniform() < c.pairProbability;
        const sa = random.nextUint32() % 3;
        const sb = random.nextUint32() % 3;
        const hitA = pair && random.uniform() < etaA;
        const hitB = pair && random.uniform() < etaB;
        let outA = -1;
        let outB = -1;
        if (hitA && hitB) {
          outA = random.bit();
          if (c.attack && random.uniform() < c.attack.fraction) {
            stats.eveInterventions++;
            const e = EVE_ANGLES[random.nextUint32() & 3]!;
            const eve = random.uniform() < (1 + c.visibility * Math.cos(2 * (E91_ALICE_ANGLES[sa]! - e))) / 2 ? outA : outA ^ 1;
            outB = random.uniform() < (1 + Math.cos(2 * (E91_BOB_ANGLES[sb]! - e))) / 2 ? eve : eve ^ 1;
          } else {
            const agree = (1 + c.visibility * Math.cos(2 * (E91_ALICE_ANGLES[sa]! - E91_BOB_ANGLES[sb]!))) / 2;
            outB = random.uniform() < agree ? outA : outA ^ 1;
          }
        } else {
          if (hitA) outA = random.bit();
          if (hitB) outB = random.bit();
        }
        if (outA < 0 && random.uniform() < c.darkCountProbability) outA = random.bit();
        if (outB < 0 && random.uniform() < c.darkCountProbability) outB = random.bit();
        if (pair) stats.pairs++;
        if (outA >= 0) {
          a.slots.push(i);
          a.settings.push(sa);
          a.bits.push(outA);
        }
        if (outB >= 0) {
          b.slots.push(i);
          b.settings.push(sb);
          b.bits.push(outB);
        }
      }
      stats.slots += slots;
      const report = (r: typeof a): Detections => ({ slots: Uint32Array.from(r.slots), bases: Uint8Array.from(r.settings), bits: Uint8Array.from(r.bits), doubleClicks: 0 });
      alice.pending = report(a);
      bob.pending = report(b);
    },
  };
}

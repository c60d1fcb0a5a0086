/**
 * The calibration point: one block through the real pulse-level engine (sim/run-block.ts) at a
 * link's representative loss, with the scenario's first attack on that link mounted, next to what
 * the simulator's own block model (the one every network step uses: channel/counts.ts yields,
 * channel/block-key.ts key) gives for the same pulses, loss, dark counts and attack.
 *
 * Why they agree (they did not before, issue #9: lab-fiber 10,485 engine vs 12,875 model bits,
 * sat-ground-pass 10,889 vs 0):
 * - basis split: Bob's receiver picks its basis passively, 50:50 (hal/sim/photonics.ts); the old
 *   model let Bob choose the key basis with q_X like Alice, so it had q_X² key-basis and (1 − q_X)²
 *   test-basis detections instead of q_X/2 and (1 − q_X)/2: too much key (lab fiber, q_X = 0.6)
 *   and, at q_X = 0.75, a test basis 2× too thin for a phase-error bound (sat-ground-pass: 0 bits);
 * - λ_EC: the model charged f·n·h(E) with the nominal f = 1.16; the engine's LDPC plan, made for the
 *   planning QBER (reading + 1σ) with whole frames only, leaks f ≈ 1.25. The model now plans the
 *   same reconciliation on its counts (block-key.ts);
 * - the bound uses the test-basis QBER and the quantised class probabilities, like the engine.
 * What remains is the engine's count scatter: `model.sigmaBits` is the spread of ℓ over seeded
 * Poisson draws of the block's counts, and the engine's ℓ should lie within a few σ of the model.
 */
import type { Kernels } from '../hal/kernels.ts';
import { DEFAULT_QBER_THRESHOLDS } from '../src/policy/qber.ts';
import { checkDecoySource } from '../src/qkd/decoy.ts';
import type { SecurityParameters } from '../src/qkd/estimate.ts';
import { PhysicsRandom } from '../hal/sim/prng.ts';
import { attackedFrontEnd } from './attacks/pulse.ts';
import { MONITOR_ALARM_NAMES, stepTamper, type AttackSpec, type Countermeasures, type QuantumAttackKind } from './attacks/quantum.ts';
import { blockKey } from './channel/block-key.ts';
import { classYields, drawStepCounts, expectedBlockCounts, newBlockCounts } from './channel/counts.ts';
import { runBlockOver } from './run-block.ts';
import type { Scenario } from './scenario.ts';

export interface Calibration {
  readonly link: string;
  readonly lossDb: number;
  readonly pulses: number;
  readonly attack?: string;
  readonly engine: {
    readonly keyBits: number; readonly qber: number | null; readonly abort?: string; readonly eveKnownShare: number | null; readonly elapsedMs: number;
    /** The engine's sifted counts in the BlockCounts layout (key-basis errors unknown to it: 0). */
    readonly counts?: readonly number[];
  };
  /** ℓ of the mean counts; the mean and spread of ℓ over `draws` seeded count draws; why no key. */
  readonly model: { readonly keyBits: number; readonly qber: number; readonly meanBits: number; readonly sigmaBits: number; readonly draws: number; readonly refused?: string };
}

/** Count draws behind `model.sigmaBits`: ±10 % on σ (1/√(2·200)), and a few ms. */
export const SPREAD_DRAWS = 200;

export function calibrate(s: Scenario, seed: number, lossDb: number, backgroundYield: number,
  attack: { kind: QuantumAttackKind; fraction?: number; jamYield?: number } | undefined, cm: Countermeasures, link: string, kernels?: Kernels): Calibration {
  const pulses = s.calibration!.pulses;
  const rx = s.receiver;
  const darkCountProbability = Math.min(0.5, rx.darkCountProbability + backgroundYield / 2);
  const fe = attackedFrontEnd({
    lossDb, detectorEfficiency: rx.detectorEfficiency, darkCountProbability, misalignment: rx.misalignment,
    meanPhotonNumbers: [...s.source.intensities],
  }, seed, attack, cm);
  const source = checkDecoySource({ intensities: [...s.source.intensities], probabilities: [...s.source.probabilities], keyBasisProbability: s.source.keyBasisProbability });
  const security: SecurityParameters = { epsSec: s.security.epsSec, epsCor: s.security.epsCor, thresholds: DEFAULT_QBER_THRESHOLDS };
  const t = performance.now();
  const out = runBlockOver({ seed, pulses, source, frontEnd: fe, security, ...(kernels ? { kernels } : {}) });
  const elapsedMs = performance.now() - t;
  const qberMatch = out.abort ? /QBER ([\d.]+) %/.exec(out.abort.detail) : null;
  return {
    link, lossDb, pulses, ...(attack ? { attack: attack.kind } : {}),
    engine: {
      keyBits: out.alice?.keyBits ?? 0,
      qber: out.alice ? out.alice.testQber : qberMatch ? Number(qberMatch[1]) / 100 : null,
      ...(out.abort ? { abort: `${out.abort.reason}: ${out.abort.detail}` } : {}),
      eveKnownShare: fe.eve.sifted ? fe.eve.known / fe.eve.sifted : null,
      elapsedMs,
      ...(out.alice ? { counts: [...out.alice.stats.keyBasis, 0, 0, 0, ...out.alice.stats.testBasis, ...out.alice.stats.testErrors] } : {}),
    },
    model: modelBlock(s, seed, pulses, lossDb, darkCountProbability, attack, cm),
  };
}

/** The step model's block at one loss: per-detector dark probability `pd` (background included). */
export function modelBlock(s: Scenario, seed: number, pulses: number, lossDb: number, pd: number,
  attack: { kind: QuantumAttackKind; fraction?: number; jamYield?: number } | undefined, cm: Countermeasures): Calibration['model'] {
  const source = checkDecoySource({ intensities: [...s.source.intensities], probabilities: [...s.source.probabilities], keyBasisProbability: s.source.keyBasisProbability });
  const spec = { ...s.source, probabilities: source.probabilities, keyBasisProbability: source.keyBasisProbability };
  const security: SecurityParameters = { epsSec: s.security.epsSec, epsCor: s.security.epsCor, thresholds: DEFAULT_QBER_THRESHOLDS };
  const tamper = stepTamper(attack ? [{ ...attack } as AttackSpec] : [], cm);
  // Either detector clicking on its own: 1 − (1 − p_d)², as the simulated receiver draws it.
  const y = classYields(lossDb, 1 - (1 - pd) ** 2, s.source, s.receiver, tamper.tamper);
  const mean = expectedBlockCounts(pulses, y, spec);
  const qber = (mean[9]! + mean[10]! + mean[11]!) / Math.max(1, mean[6]! + mean[7]! + mean[8]!);
  // A fitted monitor's alarm makes the front end unhealthy: the engine refuses the block outright.
  if (tamper.alarm !== undefined)
    return { keyBits: 0, qber, meanBits: 0, sigmaBits: 0, draws: 0, refused: `PHOTONICS_UNHEALTHY: monitor alarm ${MONITOR_ALARM_NAMES[tamper.alarm]}` };
  const f = s.receiver.reconciliationEfficiency;
  const at = blockKey(mean, source, security, f);
  const random = new PhysicsRandom(seed, 'calibration:spread');
  let sum = 0;
  let sum2 = 0;
  for (let d = 0; d < SPREAD_DRAWS; d++) {
    const counts = newBlockCounts();
    drawStepCounts(random, counts, pulses, y, spec);
    const bits = blockKey(counts, source, security, f).keyBits;
    sum += bits;
    sum2 += bits * bits;
  }
  const meanBits = sum / SPREAD_DRAWS;
  const sigmaBits = Math.sqrt(Math.max(0, sum2 / SPREAD_DRAWS - meanBits * meanBits) * (SPREAD_DRAWS / (SPREAD_DRAWS - 1)));
  return { keyBits: at.keyBits, qber, meanBits, sigmaBits, draws: SPREAD_DRAWS, ...(at.refused ? { refused: at.refused } : {}) };
}

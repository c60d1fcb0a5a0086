/**
 * The calibration point: one block through the real pulse-level engine (sim/run-block.ts) at a
 * link's representative loss, with the scenario's first attack on that link mounted, next to what
 * the key-rate model (src/qkd/keyrate.ts finite-key expectation, same pulses, same loss) predicts.
 * The model's λ_EC is f·n·h(E); the engine's is what its LDPC frames really leaked, so the two
 * differ by the reconciler's real efficiency and by statistical scatter.
 */
import { DEFAULT_QBER_THRESHOLDS } from '../src/policy/qber.ts';
import { checkDecoySource } from '../src/qkd/decoy.ts';
import { finiteKeyAnalysis } from '../src/qkd/keyrate.ts';
import { attackedFrontEnd } from './attacks/pulse.ts';
import type { Countermeasures, QuantumAttackKind } from './attacks/quantum.ts';
import { runBlockOver } from './run-block.ts';
import type { Scenario } from './scenario.ts';

export interface Calibration {
  readonly link: string;
  readonly lossDb: number;
  readonly pulses: number;
  readonly attack?: string;
  readonly engine: { readonly keyBits: number; readonly qber: number | null; readonly abort?: string; readonly eveKnownShare: number | null; readonly elapsedMs: number };
  readonly model: { readonly keyBits: number; readonly qber: number };
}

export function calibrate(s: Scenario, seed: number, lossDb: number, backgroundYield: number,
  attack: { kind: QuantumAttackKind; fraction?: number; jamYield?: number } | undefined, cm: Countermeasures, link: string): Calibration {
  const pulses = s.calibration!.pulses;
  const rx = s.receiver;
  const darkCountProbability = Math.min(0.5, rx.darkCountProbability + backgroundYield / 2);
  const fe = attackedFrontEnd({
    lossDb, detectorEfficiency: rx.detectorEfficiency, darkCountProbability, misalignment: rx.misalignment,
    meanPhotonNumbers: [...s.source.intensities],
  }, seed, attack, cm);
  const source = checkDecoySource({ intensities: [...s.source.intensities], probabilities: [...s.source.probabilities], keyBasisProbability: s.source.keyBasisProbability });
  const t = performance.now();
  const out = runBlockOver({ seed, pulses, source, frontEnd: fe, security: { epsSec: s.security.epsSec, epsCor: s.security.epsCor, thresholds: DEFAULT_QBER_THRESHOLDS } });
  const elapsedMs = performance.now() - t;
  const model = finiteKeyAnalysis(s.source.intensities[0], lossDb, {
    pulses, keyBasisProbability: s.source.keyBasisProbability, decoyIntensities: [s.source.intensities[1], s.source.intensities[2]],
    probabilities: [...s.source.probabilities] as [number, number, number], epsSec: s.security.epsSec, epsCor: s.security.epsCor,
  }, { attenuationDbPerKm: 1, bobEfficiency: rx.detectorEfficiency, misalignment: rx.misalignment, darkYield: 2 * darkCountProbability, reconciliationEfficiency: rx.reconciliationEfficiency, siftFactor: 0.5 });
  const kx = model.input.keyBasis;
  const nX = kx.detections[0] + kx.detections[1] + kx.detections[2];
  const mX = kx.errors[0] + kx.errors[1] + kx.errors[2];
  const qberMatch = out.abort ? /QBER ([\d.]+) %/.exec(out.abort.detail) : null;
  return {
    link, lossDb, pulses, ...(attack ? { attack: attack.kind } : {}),
    engine: {
      keyBits: out.alice?.keyBits ?? 0,
      qber: out.alice ? out.alice.qber : qberMatch ? Number(qberMatch[1]) / 100 : null,
      ...(out.abort ? { abort: `${out.abort.reason}: ${out.abort.detail}` } : {}),
      eveKnownShare: fe.eve.sifted ? fe.eve.known / fe.eve.sifted : null,
      elapsedMs,
    },
    model: { keyBits: model.bound.length, qber: nX ? mX / nX : 0 },
  };
}

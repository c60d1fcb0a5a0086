/**
 * Time-varying loss of a free-space link: log-normal scintillation (weak turbulence) and beam
 * wander from pointing jitter, each driven by AR(1) Gaussian processes with the link's
 * correlation time, so consecutive 1 s steps are correlated as a tracking loop's residuals are.
 *
 *   scintillation: h_s = e^X, X ~ N(−σ²/2, σ²), σ² = ln(1 + σ_I²)   (mean 1)
 *   pointing:      θ² = σ_p²(x² + y²), x, y ~ N(0, 1);  h_p = exp(−2θ²/w²), w = half divergence
 *   extra loss     = −10·log10(h_s·h_p) dB   (negative when a scintillation peak helps)
 *
 * Seeded (PhysicsRandom): the same seed and label give the same fades.
 */
import { PhysicsRandom } from '../../hal/sim/prng.ts';

export class FadingProcess {
  private x = 0;
  private y = 0;
  private s = 0;
  private readonly rho: number;
  private readonly innovation: number;
  private readonly sigmaLn: number;
  private readonly sigmaP: number;
  private readonly halfWidth: number;

  constructor(
    private readonly random: PhysicsRandom,
    scintillationIndex: number,
    pointingJitterUrad: number,
    divergenceUrad: number,
    correlationTimeS: number,
    stepS: number,
  ) {
    this.rho = correlationTimeS > 0 ? Math.exp(-stepS / correlationTimeS) : 0;
    this.innovation = Math.sqrt(1 - this.rho * this.rho);
    this.sigmaLn = Math.sqrt(Math.log(1 + scintillationIndex));
    this.sigmaP = pointingJitterUrad;
    this.halfWidth = divergenceUrad / 2;
    // Start in the stationary distribution rather than at the mean.
    this.x = this.normal();
    this.y = this.normal();
    this.s = this.normal();
  }

  private normal(): number {
    // Box–Muller; 1 − u keeps the log finite.
    const u = 1 - this.random.uniform();
    const v = this.random.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The next step's extra loss, dB. */
  nextLossDb(): number {
    const r = this.rho;
    const k = this.innovation;
    this.x = r * this.x + k * this.normal();
    this.y = r * this.y + k * this.normal();
    this.s = r * this.s + k * this.normal();
    const lnHs = this.sigmaLn * this.s - (this.sigmaLn * this.sigmaLn) / 2;
    const theta2 = this.sigmaP * this.sigmaP * (this.x * this.x + this.y * this.y);
    const lnHp = this.halfWidth > 0 ? (-2 * theta2) / (this.halfWidth * this.halfWidth) : 0;
    return (-10 * (lnHs + lnHp)) / Math.LN10;
  }
}

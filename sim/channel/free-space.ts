/**
 * Free-space optical channel budget, in dB, per time step:
 *
 * - geometric: a beam of full-angle divergence θ leaves a D_T aperture and spreads to a spot of
 *   diameter D_T + θ·L; the receiver's D_R aperture collects (D_R / (D_T + θL))², at most 1;
 * - atmospheric extinction: `zenithExtinctionDb` for the whole atmosphere straight up, an
 *   exponential atmosphere of scale height 8.4 km; a path to space takes the air mass of its
 *   elevation (Kasten–Young) times the share of the atmosphere above its lower end; a path within
 *   the atmosphere (UAVs) integrates the density along a straight line between its end altitudes;
 * - fixed optics and detector-coupling losses;
 * - fading (fading.ts): scintillation and pointing jitter, time-correlated;
 * - background light: a yield per slot by day or by night (Sun above −6° at the ground end).
 */
export interface FreeSpaceChannel {
  readonly kind: 'free-space';
  readonly txApertureM: number;
  /** The receiver's aperture; a ground station's own aperture when the scenario names a station and leaves this out. */
  readonly rxApertureM?: number;
  /** Full-angle beam divergence, µrad. */
  readonly divergenceUrad: number;
  /** Transmitter and receiver optics, coupling, filters: dB. */
  readonly opticsLossDb: number;
  /** Extinction of the whole atmosphere at zenith, dB (0 for space-only links). */
  readonly zenithExtinctionDb: number;
  /** RMS pointing error per axis, µrad. */
  readonly pointingJitterUrad: number;
  /** σ_I², the scintillation index (0: none). */
  readonly scintillationIndex: number;
  /** Correlation time of the fading, s. */
  readonly correlationTimeS: number;
  /** Background clicks per slot by day and by night (filters, gating: all in here). */
  readonly backgroundDayYield: number;
  readonly backgroundNightYield: number;
  /** No contact beyond this range (terminal acquisition limit), km. */
  readonly maxRangeKm?: number;
}

export const SCALE_HEIGHT_KM = 8.4;
/** Above this, an end is in space for the extinction model. */
const SPACE_KM = 20;
const DEG = Math.PI / 180;

export function geometricLossDb(rangeKm: number, txApertureM: number, rxApertureM: number, divergenceUrad: number): number {
  const spotM = txApertureM + divergenceUrad * 1e-6 * rangeKm * 1000;
  const collected = Math.min(1, (rxApertureM / spotM) ** 2);
  return -10 * Math.log10(collected);
}

/** Relative air mass at an elevation (Kasten & Young 1989): 1 at zenith, about 38 at the horizon. */
export function airMass(elevationDeg: number): number {
  const el = Math.max(0, elevationDeg);
  return 1 / (Math.sin(el * DEG) + 0.50572 * (el + 6.07995) ** -1.6364);
}

/** Extinction along a path between altitudes `lowKm` ≤ `highKm`, `rangeKm` long, seen at `elevationDeg` from its lower end. */
export function atmosphericLossDb(zenithDb: number, elevationDeg: number, lowKm: number, highKm: number, rangeKm: number): number {
  if (zenithDb === 0) return 0;
  const lo = Math.max(0, lowKm);
  const hi = Math.max(lo, highKm);
  if (hi >= SPACE_KM) return zenithDb * airMass(elevationDeg) * Math.exp(-lo / SCALE_HEIGHT_KM);
  // Straight path within the atmosphere: mean density along a linear altitude profile.
  const dh = hi - lo;
  const meanDensity = dh < 1e-6 ? Math.exp(-lo / SCALE_HEIGHT_KM)
    : (SCALE_HEIGHT_KM / dh) * (Math.exp(-lo / SCALE_HEIGHT_KM) - Math.exp(-hi / SCALE_HEIGHT_KM));
  return (zenithDb / SCALE_HEIGHT_KM) * rangeKm * meanDensity;
}

/** The budget without fading; `rxApertureM` resolved by the caller. */
export function freeSpaceLossDb(c: FreeSpaceChannel, rxApertureM: number, rangeKm: number, elevationDeg: number, lowKm: number, highKm: number): number {
  return geometricLossDb(rangeKm, c.txApertureM, rxApertureM, c.divergenceUrad) +
    atmosphericLossDb(c.zenithExtinctionDb, elevationDeg, lowKm, highKm, rangeKm) + c.opticsLossDb;
}

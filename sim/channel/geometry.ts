/**
 * Geometry for the channel models: Earth-fixed (ECF, km) positions of ground stations, local
 * ENU platforms (UAVs) and SGP4 satellites, slant range and elevation, Earth blockage of
 * sat–sat lines of sight, and the Sun's elevation (day/night background).
 */
import { eciToEcf, geodeticToEcf, gstime, jday, sgp4, type SatRec } from 'satellite.js';

export const EARTH_RADIUS_KM = 6378.137;
const DEG = Math.PI / 180;

export type Vec3 = [number, number, number];

export interface Site {
  readonly latDeg: number;
  readonly lonDeg: number;
  readonly altM: number;
}

/** ECF position (km) and local east/north/up unit vectors of a geodetic site. */
export function siteFrame(site: Site): { ecf: Vec3; east: Vec3; north: Vec3; up: Vec3 } {
  const lat = site.latDeg * DEG;
  const lon = site.lonDeg * DEG;
  const p = geodeticToEcf({ latitude: lat, longitude: lon, height: site.altM / 1000 });
  return {
    ecf: [p.x, p.y, p.z],
    east: [-Math.sin(lon), Math.cos(lon), 0],
    north: [-Math.sin(lat) * Math.cos(lon), -Math.sin(lat) * Math.sin(lon), Math.cos(lat)],
    up: [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)],
  };
}

/** A point given in metres east/north/up of a site (flat tangent plane: fine over tens of km). */
export function enuToEcf(frame: ReturnType<typeof siteFrame>, eastM: number, northM: number, upM: number): Vec3 {
  const e = eastM / 1000;
  const n = northM / 1000;
  const u = upM / 1000;
  return [
    frame.ecf[0] + e * frame.east[0] + n * frame.north[0] + u * frame.up[0],
    frame.ecf[1] + e * frame.east[1] + n * frame.north[1] + u * frame.up[1],
    frame.ecf[2] + e * frame.east[2] + n * frame.north[2] + u * frame.up[2],
  ];
}

/** Satellite ECF positions (km) at `steps` instants from `startMs`, `stepS` apart: [x0,y0,z0,x1,…]. NaN where SGP4 fails. */
export function satelliteTrack(satrec: SatRec, startMs: number, steps: number, stepS: number): Float64Array {
  const out = new Float64Array(3 * steps);
  const jd0 = jday(new Date(startMs));
  for (let i = 0; i < steps; i++) {
    const jd = jd0 + (i * stepS) / 86400;
    const pv = sgp4(satrec, (jd - satrec.jdsatepoch) * 1440);
    if (!pv || typeof pv.position !== 'object') {
      out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = NaN;
      continue;
    }
    const ecf = eciToEcf(pv.position, gstime(jd));
    out[3 * i] = ecf.x;
    out[3 * i + 1] = ecf.y;
    out[3 * i + 2] = ecf.z;
  }
  return out;
}

/** Altitude (km) above a spherical Earth: enough for the atmosphere model. */
export function altitudeKm(x: number, y: number, z: number): number {
  return Math.hypot(x, y, z) - EARTH_RADIUS_KM;
}

/**
 * Whether the straight line between two points clears the Earth plus a grazing altitude
 * (sat–sat links avoid the dense atmosphere: 100 km by default).
 */
export function clearOfEarth(a: readonly number[], b: readonly number[], grazingKm = 100): boolean {
  const dx = b[0]! - a[0]!, dy = b[1]! - a[1]!, dz = b[2]! - a[2]!;
  const len2 = dx * dx + dy * dy + dz * dz;
  const t = len2 > 0 ? Math.min(1, Math.max(0, -(a[0]! * dx + a[1]! * dy + a[2]! * dz) / len2)) : 0;
  return Math.hypot(a[0]! + t * dx, a[1]! + t * dy, a[2]! + t * dz) > EARTH_RADIUS_KM + grazingKm;
}

/**
 * The Sun's elevation (degrees) at a site: declination and equation of time from the day of the
 * year (NOAA's low-precision series, ≈ 0.5°): plenty to tell day from night for background light.
 */
export function sunElevationDeg(timeMs: number, latDeg: number, lonDeg: number): number {
  const days = timeMs / 86_400_000;
  const dayOfYear = ((days % 365.2422) + 365.2422) % 365.2422;
  const g = (2 * Math.PI / 365) * (dayOfYear - 1 + ((timeMs / 3_600_000) % 24 - 12) / 24);
  const decl = 0.006918 - 0.399912 * Math.cos(g) + 0.070257 * Math.sin(g) - 0.006758 * Math.cos(2 * g) + 0.000907 * Math.sin(2 * g) -
    0.002697 * Math.cos(3 * g) + 0.00148 * Math.sin(3 * g);
  const eqTimeMin = 229.18 * (0.000075 + 0.001868 * Math.cos(g) - 0.032077 * Math.sin(g) - 0.014615 * Math.cos(2 * g) - 0.040849 * Math.sin(2 * g));
  const utcMin = ((timeMs / 60_000) % 1440 + 1440) % 1440;
  const solarMin = utcMin + eqTimeMin + 4 * lonDeg;
  const hourAngle = ((solarMin / 4) - 180) * DEG;
  const lat = latDeg * DEG;
  const sinEl = Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(hourAngle);
  return Math.asin(Math.max(-1, Math.min(1, sinEl))) / DEG;
}

/**
 * UAV trajectories: waypoints in metres east/north/up of the scenario's site, at times in
 * seconds; linear in between, held before the first and after the last (or repeated, `loop`).
 */
export interface Waypoint {
  readonly tS: number;
  readonly eastM: number;
  readonly northM: number;
  readonly upM: number;
}

export function positionAt(waypoints: readonly Waypoint[], tS: number, loop = false): [number, number, number] {
  const first = waypoints[0]!;
  const last = waypoints[waypoints.length - 1]!;
  let t = tS;
  if (loop && last.tS > first.tS) t = first.tS + ((((t - first.tS) % (last.tS - first.tS)) + (last.tS - first.tS)) % (last.tS - first.tS));
  if (t <= first.tS) return [first.eastM, first.northM, first.upM];
  if (t >= last.tS) return [last.eastM, last.northM, last.upM];
  let i = 1;
  while (waypoints[i]!.tS < t) i++;
  const a = waypoints[i - 1]!;
  const b = waypoints[i]!;
  const w = (t - a.tS) / (b.tS - a.tS);
  return [a.eastM + w * (b.eastM - a.eastM), a.northM + w * (b.northM - a.northM), a.upM + w * (b.upM - a.upM)];
}

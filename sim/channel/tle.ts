/**
 * Two-line element sets (NORAD/CelesTrak format): parsing with the checksum of each line checked
 * before SGP4 sees it (column 69 = sum of the digits of columns 1–68, '-' counting 1, mod 10), so
 * a corrupted file fails with the file and line named instead of flying a wrong orbit.
 */
import { SatRecError, twoline2satrec, type SatRec } from 'satellite.js';

export interface TleEntry {
  /** Line 0 (the name), or the catalogue number when the file has no name lines. */
  readonly name: string;
  readonly line1: string;
  readonly line2: string;
  readonly satrec: SatRec;
}

export class TleError extends Error {
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'TleError';
  }
}

/** The mod-10 checksum of the first 68 columns of a TLE line. */
export function tleChecksum(line: string): number {
  let sum = 0;
  for (let i = 0; i < 68 && i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) sum += c - 48;
    else if (c === 45) sum += 1;
  }
  return sum % 10;
}

function checkLine(file: string, lineNo: number, line: string, expect: '1' | '2'): void {
  if (line.length !== 69) throw new TleError(file, lineNo, `TLE line ${expect} expected 69 columns, got ${line.length}`);
  if (line[0] !== expect) throw new TleError(file, lineNo, `expected TLE line ${expect}, got a line starting with ${JSON.stringify(line[0])}`);
  const want = tleChecksum(line);
  if (Number(line[68]) !== want || !/[0-9]/.test(line[68]!))
    throw new TleError(file, lineNo, `TLE line ${expect} has a bad checksum: column 69 says ${line[68]}, the columns before give ${want}`);
}

/** Every entry of a TLE file (2- or 3-line form); `file` only names the source in errors. */
export function parseTle(text: string, file: string): TleEntry[] {
  const lines = text.split(/\r?\n/).map((l) => l.trimEnd());
  const out: TleEntry[] = [];
  let name: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    if (line[0] === '1' && line[1] === ' ') {
      const line2 = lines[i + 1] ?? '';
      checkLine(file, i + 1, line, '1');
      checkLine(file, i + 2, line2, '2');
      if (line.slice(2, 7) !== line2.slice(2, 7)) throw new TleError(file, i + 2, `line 2 is for satellite ${line2.slice(2, 7)}, line 1 for ${line.slice(2, 7)}`);
      const satrec = twoline2satrec(line, line2);
      if (satrec.error !== SatRecError.None) throw new TleError(file, i + 1, `SGP4 rejects the elements (error ${satrec.error})`);
      out.push({ name: name ?? line.slice(2, 7).trim(), line1: line, line2, satrec });
      name = undefined;
      i++;
    } else if (name === undefined) name = line.trim();
    else throw new TleError(file, i + 1, `expected TLE line 1 after the name ${JSON.stringify(name)}`);
  }
  if (name !== undefined) throw new TleError(file, lines.length, `the name ${JSON.stringify(name)} has no element lines`);
  if (!out.length) throw new TleError(file, 1, 'no TLE entries');
  return out;
}

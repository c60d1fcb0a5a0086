/**
 * `npm run evidence -- verify <file|db> [--pubkey <file>]`: verifies an evidence log offline and
 * names the first bad record. `npm run evidence -- export <db> <file>` writes the log as JSON
 * lines (one canonical record per line), the portable form auditors receive.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SqliteStorage } from '../hal/node/sqlite-storage.ts';
import { base64Decode } from '../src/base64.ts';
import { asciiBytes } from '../src/bytes.ts';
import { asciiString } from '../src/evidence/canonical.ts';
import { EVIDENCE_TABLE } from '../src/evidence/log.ts';
import { verifyEvidence, type EvidenceVerdict } from '../src/evidence/verify.ts';

function isSqlite(path: string): boolean {
  return readFileSync(path).subarray(0, 16).toString('latin1') === 'SQLite format 3\u0000';
}

export function loadEvidence(path: string): Uint8Array[] {
  if (!existsSync(path)) throw new Error(`no such file: ${path}`);
  if (isSqlite(path)) {
    const storage = new SqliteStorage(path);
    try {
      return storage.list(EVIDENCE_TABLE).map((r) => r.value);
    } finally {
      storage.close();
    }
  }
  return readFileSync(path, 'latin1').split('\n').filter((l) => l.length > 0).map((l) => {
    try { return asciiBytes(l); } catch { return new Uint8Array([0xff]); }
  });
}

export function describeVerdict(path: string, v: EvidenceVerdict): string {
  if (v.ok) {
    const signed = v.checkpoints === 0 ? 'no signed checkpoint yet (the agent signs one every 30 s and at shutdown)'
      : `${v.checkpoints} signed checkpoint(s) valid (ML-DSA-65, signer ${v.signer}), signed up to record #${v.checkpointedUpTo}`
        + (v.checkpointedUpTo < v.records - 2 ? `, ${v.records - 2 - v.checkpointedUpTo} later record(s) chained but not yet signed` : '');
    return `evidence ${path}: OK — ${v.records} records, hash chain intact, ${signed}`;
  }
  const b = v.firstBad!;
  return `evidence ${path}: BAD — first bad record is #${b.seq ?? b.index} (line ${b.index + 1}): ${b.reasonName} (code ${b.reason}); ${b.index} record(s) before it verify`;
}

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  if (cmd === 'verify' && rest.length >= 1) {
    let pinned: Uint8Array | undefined;
    const i = rest.indexOf('--pubkey');
    if (i >= 0) {
      pinned = base64Decode(readFileSync(rest[i + 1]!, 'utf8').trim());
      if (!pinned) { console.error('evidence: --pubkey file is not base64'); return 2; }
    }
    const path = rest[0]!;
    const v = verifyEvidence(loadEvidence(path), pinned);
    console.log(describeVerdict(path, v));
    return v.ok ? 0 : 1;
  }
  if (cmd === 'export' && rest.length === 2) {
    const records = loadEvidence(rest[0]!);
    writeFileSync(rest[1]!, records.map((r) => asciiString(r)).join('\n') + '\n');
    console.log(`evidence: ${records.length} records written to ${rest[1]}`);
    return 0;
  }
  console.error('usage: npm run evidence -- verify <file|db> [--pubkey <file>]\n       npm run evidence -- export <db> <file>');
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main(process.argv.slice(2)));

/**
 * The key scanner (issue 6 figure): every key issued during the suite — learned the way its
 * consumer learns it — is searched for in every artefact the suite produced: response bodies
 * (minus the fields whose job is to deliver a key: ETSI `key`, `wireguard_psk`), log lines,
 * evidence records, verification reports, metrics, and the raw SQLite database and WAL files.
 * Raw bytes and every hex or base64 token (decoded) are searched for any 16-byte window of any
 * key. Zero hits required; a planted leak must be found (the scanner is tested too).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deliveryAad } from '../src/agent/service.ts';
import { base64Decode, base64Encode } from '../src/base64.ts';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { pqcFallbackDecapsulate } from '../src/policy/fallback.ts';
import { call, saeAgent } from './_https-client.ts';
import { artefact, issuedKey, responseBody, scanState } from './_scan.ts';
import { startTestServer } from './_server.ts';
import { ROOT } from './xs/harness.ts';

const WINDOW = 16;

function windows(keys: Uint8Array[]): Map<number, Uint8Array[]> {
  const m = new Map<number, Uint8Array[]>();
  for (const k of keys)
    for (let off = 0; off + WINDOW <= k.length; off += 8) {
      const w = k.subarray(off, off + WINDOW);
      const head = ((w[0]! << 24) | (w[1]! << 16) | (w[2]! << 8) | w[3]!) >>> 0;
      if (!m.has(head)) m.set(head, []);
      m.get(head)!.push(w);
    }
  return m;
}

function findIn(bytes: Uint8Array, index: Map<number, Uint8Array[]>): boolean {
  for (let i = 0; i + WINDOW <= bytes.length; i++) {
    const head = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    const cands = index.get(head);
    if (!cands) continue;
    for (const c of cands) {
      let j = 4;
      while (j < WINDOW && bytes[i + j] === c[j]) j++;
      if (j === WINDOW) return true;
    }
  }
  return false;
}

function decodedTokens(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(/[0-9a-fA-F]{32,}/g))
    for (const t of [m[0], m[0].slice(1)]) out.push(hexToBytes(t.slice(0, t.length - (t.length % 2))).slice());
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{20,}/g)) {
    const std = m[0].replace(/-/g, '+').replace(/_/g, '/');
    for (let s = 0; s < 4; s++) {
      const body = std.slice(s);
      const d = base64Decode(body.slice(0, body.length - (body.length % 4)));
      if (d) out.push(d);
    }
  }
  return out;
}

export function scan(keys: Uint8Array[], artefacts: Array<{ what: string; bytes: Uint8Array }>): string[] {
  const index = windows(keys);
  const hits: string[] = [];
  for (const a of artefacts) {
    if (findIn(a.bytes, index)) { hits.push(`${a.what}: raw`); continue; }
    const text = new TextDecoder('latin1').decode(a.bytes);
    if (decodedTokens(text).some((d) => findIn(d, index))) hits.push(`${a.what}: encoded`);
  }
  return hits;
}

test('a full HTTPS scenario feeds the scanner: sessions, ETSI, WireGuard, PQC fallback, evidence, metrics, logs, database', async () => {
  const srv = await startTestServer();
  const a = saeAgent(srv.tlsDir, 'sae-a');
  const b = saeAgent(srv.tlsDir, 'sae-b');
  const bodies: string[] = [];
  const go = async (agent: typeof a, method: string, path: string, body?: unknown) => { const r = await call(agent, srv.port, method, path, body); bodies.push(r.body); return r; };
  try {
    for (let i = 0; i < 5; i++) {
      const s = await go(a, 'POST', '/lightvibes/session', { peer_id: 'sae-b', policy: { min_keybits: 256 * (i + 1) } });
      const k = await go(a, 'GET', `/lightvibes/key/${s.json.key_ref}`);
      issuedKey(srv.sealer.unseal(base64Decode(k.json.key_sealed)!, deliveryAad(s.json.key_ref)));
    }
    const w = await go(a, 'POST', '/lightvibes/session', { peer_id: 'sae-b' });
    issuedKey(base64Decode((await go(a, 'GET', `/lightvibes/key/${w.json.key_ref}?format=wireguard`)).json.wireguard_psk)!);
    const e = await go(a, 'POST', '/api/v1/keys/sae-b/enc_keys', { number: 4, size: 512 });
    for (const k of e.json.keys) issuedKey(base64Decode(k.key)!);
    await go(b, 'POST', '/api/v1/keys/sae-a/dec_keys', { key_IDs: e.json.keys.map((k: any) => ({ key_ID: k.key_ID })) });
    await go(a, 'POST', '/lightvibes/session', { peer_id: 'sae-b' }); // left unread: sealed at rest only
    srv.supply.setQber(0.25);
    srv.service.tick();
    const p = await go(a, 'POST', '/lightvibes/session', { peer_id: 'sae-b', fallback: 'PQC' });
    assert.is(p.json.mode, 'PQC');
    const peer = srv.mission.pqc['sae-b']!;
    issuedKey(pqcFallbackDecapsulate(peer.secrets, peer.publicKeys, base64Decode(p.json.fallback.ml_kem_ciphertext)!, base64Decode(p.json.fallback.x25519_ephemeral)!, 256, p.json.session_id, 'sae-b'));
    await go(a, 'GET', `/lightvibes/key/${p.json.key_ref}`);
    srv.service.checkpoint();
    const metrics = await new Promise<string>((resolve) => {
      import('node:http').then(({ get }) => get({ host: '127.0.0.1', port: srv.metricsPort, path: '/metrics' }, (res) => { let t = ''; res.on('data', (c) => (t += c)); res.on('end', () => resolve(t)); }));
    });
    artefact('metrics', metrics);
    const db = join(srv.dir, 'lightvibes.db');
    const report = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'sim', 'evidence-cli.ts'), 'verify', db], { cwd: ROOT, encoding: 'utf8' });
    assert.is(report.status, 0, report.stdout + report.stderr);
    artefact('evidence verify report', report.stdout);
    for (const r of srv.storage.list('evidence')) artefact('evidence record', r.value);
  } finally {
    a.destroy();
    b.destroy();
    bodies.forEach((x, i) => responseBody(`scanner scenario #${i}`, x));
    srv.logs.forEach((l) => artefact('server log', l));
    await srv.server.close();
    srv.storage.close();
    for (const f of ['lightvibes.db', 'lightvibes.db-wal']) {
      const p = join(srv.dir, f);
      if (existsSync(p)) artefact(`raw ${f}`, new Uint8Array(readFileSync(p)));
    }
    await srv.stop().catch(() => undefined);
  }
});

test('the scanner finds a planted leak (raw, hex, base64, base64url, mid-string)', () => {
  const key = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 255);
  const plant = [
    { what: 'raw', bytes: Uint8Array.from([1, 2, 3, ...key, 4]) },
    { what: 'hex', bytes: new TextEncoder().encode(`x=${bytesToHex(key)};`) },
    { what: 'b64', bytes: new TextEncoder().encode(`{"k":"${base64Encode(key)}"}`) },
    { what: 'b64url', bytes: new TextEncoder().encode(base64Encode(key).replace(/\+/g, '-').replace(/\//g, '_')) },
    { what: 'b64 mid', bytes: new TextEncoder().encode(base64Encode(Uint8Array.from([9, ...key, 9, 9]))) },
  ];
  assert.equal(scan([key], plant).length, plant.length);
  assert.equal(scan([key], [{ what: 'clean', bytes: new TextEncoder().encode(base64Encode(key.map((x) => x ^ 1))) }]), []);
});

test('zero hits: no key issued anywhere in what the suite produced', () => {
  const { keys, artefacts } = scanState();
  assert.ok(keys.length >= 10, `only ${keys.length} keys issued`);
  assert.ok(artefacts.length >= 50, `only ${artefacts.length} artefacts`);
  const hits = scan(keys, artefacts);
  assert.equal(hits, [], `key material found in: ${hits.slice(0, 5).join('; ')}`);
  console.log(`  scanner: ${keys.length} issued keys searched in ${artefacts.length} artefacts (${artefacts.reduce((n, a) => n + a.bytes.length, 0)} bytes): 0 hits`);
});

test.run();

/**
 * `npm run qsp -- server|client [options]`: a real QSP v1.0 session over UDP on 127.0.0.1.
 * `npm run qsp -- interop [--frames 1000 --rekeys 10 --seed 3]`: Node ↔ XS interop (sim/qsp-interop.ts).
 * `npm run qsp -- interop --live [--xs server|client|both] [...]`: the same session live, lvxs as a child
 *   process talking QSP with Node over its stdin/stdout (sim/qsp-live.ts), compared with the replay run.
 *   server  --port 4433                       waits for one client, echoes its data, rekeys every --rekey-every frames
 *   client  --port 4433 --frames 1000 --size 512
 * Common: --seed S (identities and QKD key blocks are simulated from it, so both processes share
 * them), --aead aes|chacha, --pqc (allow PQC-only, no key blocks), --crypto node|noble|native (native:
 * the lv_crypto AEAD/HKDF and the lv_pqc handshake primitives),
 * --loss P --dup P --reorder P (faults on every datagram this end sends, handshake included),
 * --rekey-every N (server), --json. Exit code 0 when the session ran and closed NORMAL.
 */
import { performance } from 'node:perf_hooks';
import { NodeClock } from '../hal/node/clock.ts';
import { nodeCrypto } from '../hal/node/crypto.ts';
import { nativeCrypto } from '../hal/node/crypto-native.ts';
import { nativePqc } from '../hal/node/pqc-native.ts';
import { NodeEntropy } from '../hal/node/entropy.ts';
import { UdpLink } from '../hal/node/udp-link.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { checkInteger, checkProbability } from '../src/_check.ts';
import { nobleCrypto } from '../src/crypto/noble.ts';
import { CloseReason, closeReasonName } from '../src/qsp/close.ts';
import { simKeyBlockPair } from '../src/qsp/key-source.ts';
import { DropReason, QspSession } from '../src/qsp/session.ts';
import { QspState } from '../src/qsp/state-table.ts';
import { runInterop } from './qsp-interop.ts';
import { runLive } from './qsp-live.ts';
import { pairIdentities } from './qsp-pair.ts';

function parse(argv: string[]) {
  const [role, ...rest] = argv;
  if (role !== 'server' && role !== 'client') throw new RangeError(`"role" expected server or client, got ${JSON.stringify(role ?? '')}`);
  const o = { role, port: 4433, seed: 1, frames: 1000, size: 512, aead: 1 as 1 | 2, pqc: false, crypto: 'node', loss: 0, dup: 0, reorder: 0, rekeyEvery: 100, json: false };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const v = () => rest[++i] ?? '';
    switch (flag) {
      case '--port': o.port = checkInteger('--port', Number(v()), 1, 65535); break;
      case '--seed': o.seed = checkInteger('--seed', Number(v())); break;
      case '--frames': o.frames = checkInteger('--frames', Number(v()), 0); break;
      case '--size': o.size = checkInteger('--size', Number(v()), 4, 60_000); break;
      case '--aead': { const a = v(); if (a !== 'aes' && a !== 'chacha') throw new RangeError(`"--aead" expected aes or chacha, got ${a}`); o.aead = a === 'aes' ? 1 : 2; break; }
      case '--pqc': o.pqc = true; break;
      case '--crypto': o.crypto = v(); if (o.crypto !== 'node' && o.crypto !== 'noble' && o.crypto !== 'native') throw new RangeError(`"--crypto" expected node, noble or native`); break;
      case '--loss': o.loss = checkProbability('--loss', Number(v())); break;
      case '--dup': o.dup = checkProbability('--dup', Number(v())); break;
      case '--reorder': o.reorder = checkProbability('--reorder', Number(v())); break;
      case '--rekey-every': o.rekeyEvery = checkInteger('--rekey-every', Number(v()), 1); break;
      case '--json': o.json = true; break;
      default: throw new RangeError(`unknown option ${JSON.stringify(flag)}`);
    }
  }
  return o;
}

async function interopLive(spec: { seed: number; frames: number; rekeys: number; payloadBytes: number }, roles: Array<'client' | 'server'>): Promise<number> {
  console.log(`Live Node ↔ XS (lvxs over stdin/stdout): seed ${spec.seed}, handshake + ${spec.frames} frames (${spec.payloadBytes} B) + ${spec.rekeys} rekeys + close`);
  let ok = true;
  for (const xsRole of roles) {
    const r = await runLive(spec, xsRole);
    ok &&= r.ok;
    console.log(`  XS ${xsRole.padEnd(6)} ↔ Node ${r.node.role.padEnd(6)}: ${r.datagrams} datagrams, epoch ${r.xs.epoch}, XS delivered ${r.xs.delivered}, Node ${r.node.delivered}; ` +
      `wire ${r.wireDigest.slice(0, 16)}… ${r.wireDigest === r.replay.wireDigest ? '= replay' : '≠ replay'}, XS out ${r.xs.outputDigest.slice(0, 16)}… ` +
      `${r.xs.outputDigest === r.replay.xs.outputDigest ? '= replay' : '≠ replay'} (${(r.ms / 1000).toFixed(1)} s, ${(r.xs.ms / 1000).toFixed(1)} s on XS)`);
  }
  console.log(`result: ${ok ? 'OK' : 'FAIL'}`);
  return ok ? 0 : 1;
}

function interop(argv: string[]): number | Promise<number> {
  const spec = { seed: 3, frames: 1000, rekeys: 10, payloadBytes: 64 };
  let live = false;
  let roles: Array<'client' | 'server'> = ['server', 'client'];
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--live') {
      live = true;
      i--;
      continue;
    }
    if (argv[i] === '--xs') {
      const r = argv[i + 1];
      if (r !== 'server' && r !== 'client' && r !== 'both') throw new RangeError(`"--xs" expected server, client or both, got ${JSON.stringify(r ?? '')}`);
      roles = r === 'both' ? ['server', 'client'] : [r];
      continue;
    }
    const key = argv[i]!.replace(/^--/, '');
    if (!['seed', 'frames', 'rekeys', 'payload'].includes(key)) throw new RangeError(`unknown option ${JSON.stringify(argv[i])}`);
    (spec as Record<string, number>)[key === 'payload' ? 'payloadBytes' : key] = checkInteger(argv[i]!, Number(argv[i + 1]));
  }
  if (live) return interopLive(spec, roles);
  const report = runInterop(spec);
  console.log(`Node ↔ XS interop: seed ${spec.seed}, handshake + ${spec.frames} frames (${spec.payloadBytes} B) + ${spec.rekeys} rekeys + close`);
  console.log(`  wire digest (Node, both sides): ${report.wireDigest}`);
  for (const s of report.sides)
    console.log(`  ${s.role.padEnd(6)} on XS against Node's peer: ${s.xs.outputs} datagrams out, ${s.xs.delivered} delivered, epoch ${s.xs.epoch}, ` +
      `digest ${s.xs.outputDigest.slice(0, 16)}… ${s.equal ? 'identical to Node' : `DIFFERS from Node (${s.node.outputDigest.slice(0, 16)}…)`} (${(s.xs.ms / 1000).toFixed(1)} s on XS)`);
  console.log(`result: ${report.ok ? 'OK' : 'FAIL'}`);
  return report.ok ? 0 : 1;
}

async function main(): Promise<number> {
  if (process.argv[2] === 'interop') return interop(process.argv.slice(3));
  const o = parse(process.argv.slice(2));
  const ids = pairIdentities(o.seed);
  const [clientKeys, serverKeys] = simKeyBlockPair(new SimEntropy(o.seed, 'qsp-cli:key-blocks'), o.pqc ? 0 : 64);
  const isServer = o.role === 'server';
  const faults = { loss: o.loss, duplicate: o.dup, reorder: o.reorder };
  const link = await UdpLink.open(isServer ? { port: o.port, seed: o.seed, ...faults } : { remotePort: o.port, seed: o.seed + 1, ...faults });
  const session = new QspSession({
    role: o.role as 'client' | 'server',
    identity: isServer ? ids.server : ids.client,
    peerPublicKey: isServer ? ids.client.publicKey : ids.server.publicKey,
    entropy: new NodeEntropy(), clock: new NodeClock(),
    crypto: o.crypto === 'native' ? nativeCrypto() : o.crypto === 'node' ? nodeCrypto : nobleCrypto,
    ...(o.crypto === 'native' ? { asymmetric: nativePqc() } : {}),
    keySource: isServer ? serverKeys : clientKeys, aead: o.aead, allowPqcOnly: o.pqc, onBadDatagram: 'drop',
    rekeyAfterFrames: o.rekeyEvery, rekeyTimeoutMs: 200, rekeyRetries: 10, handshakeTimeoutMs: 1000, handshakeRetries: 5,
  });
  const send = (out: Uint8Array[]) => { for (const d of out) link.send(d); };
  const started = performance.now();
  let handshakeMs = 0;
  let handshakeStarted = isServer ? 0 : performance.now();
  let echoes = 0;
  let lastActivity = performance.now();
  const log = (text: string) => { if (!o.json) console.log(`[${o.role}] ${text}`); };
  if (!isServer) log(`→ 127.0.0.1:${o.port} from :${link.localPort}`);
  else log(`listening on 127.0.0.1:${o.port}`);

  return await new Promise<number>((resolve) => {
    let sent = 0;
    const pumpClient = () => {
      // keep a window of frames in flight; the server echoes each one
      while (session.state !== QspState.CLOSED && sent < o.frames && sent - echoes < 32) {
        const data = new Uint8Array(o.size);
        new DataView(data.buffer).setUint32(0, sent++);
        send(session.send(data));
      }
    };
    const finish = () => {
      clearInterval(timer);
      const s = session.stats;
      const report = {
        role: o.role, mode: session.mode, aead: session.aeadAlgorithm === 1 ? 'AES-256-GCM' : 'ChaCha20-Poly1305', epoch: session.epoch,
        rekeys: s.rekeys, framesSent: s.framesSent, framesReceived: s.framesReceived, echoes, handshakeMs: Math.round(handshakeMs * 10) / 10,
        elapsedMs: Math.round(performance.now() - started), closeReason: closeReasonName(session.closeReason ?? -1),
        peerCloseReason: session.peerCloseReason === undefined ? undefined : closeReasonName(session.peerCloseReason),
        dropped: Object.fromEntries(Object.entries(DropReason).map(([k, v]) => [k, s.dropped[v]]).filter(([, n]) => n)),
        link: link.counters,
      };
      if (o.json) console.log(JSON.stringify(report));
      else log(`done: ${JSON.stringify(report)}`);
      setTimeout(() => link.close(), 100); // let a last CLOSE leave the socket
      resolve(session.closeReason === 0 && (session.peerCloseReason ?? 0) === 0 && handshakeMs > 0 ? 0 : 1);
    };
    link.onReadable = () => {
      for (let d = link.receive(); d; d = link.receive()) {
        const wasHandshake = session.state === QspState.HANDSHAKE;
        if (!handshakeStarted) handshakeStarted = performance.now();
        const r = session.receive(d, link.peerAddress);
        lastActivity = performance.now();
        send(r.out);
        if (wasHandshake && (session.state as QspState) === QspState.ESTABLISHED) {
          handshakeMs = performance.now() - handshakeStarted;
          log(`established: session ${session.sessionId.toString(16)}, mode ${session.mode}, epoch ${session.epoch}, ${handshakeMs.toFixed(1)} ms`);
        }
        if (r.data) {
          if (isServer) send(session.send(r.data));
          else echoes++;
        }
      }
      if (!isServer && session.state !== QspState.HANDSHAKE && session.state !== QspState.CLOSED) pumpClient();
      if (session.state === QspState.CLOSED) finish();
    };
    const timer = setInterval(() => {
      if (session.state === QspState.CLOSED) return finish();
      send(session.poll());
      const idle = performance.now() - lastActivity;
      if (!isServer && session.state !== QspState.HANDSHAKE) {
        if (sent >= o.frames && (echoes >= o.frames || idle > 500)) {
          send(session.close());
          return finish();
        }
        if (idle > 50) { echoes = Math.max(echoes, sent - 31); pumpClient(); } // frames lost: move on
      }
      if (isServer && session.state !== QspState.HANDSHAKE && idle > 5000) { send(session.close(CloseReason.TIMEOUT, 'idle')); finish(); }
    }, 10);
    if (!isServer) send(session.start());
  });
}

main().then((code) => setTimeout(() => process.exit(code), 150), (e) => {
  console.error(String(e));
  process.exit(2);
});

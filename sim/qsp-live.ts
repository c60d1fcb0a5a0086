/**
 * Live Node ↔ XS QSP run: one end in Node, the other in our XS host (lvxs) as a child process,
 * datagrams travelling over its stdin/stdout as length-prefixed records (native/host/stdio.c,
 * hal/xs/stdio-link.ts on the XS side, ChildStdioLink here). Each side runs liveSide() of
 * sim/qsp-pair.ts: handshake, the scenario's data frames both ways with its rekeys, close.
 *
 * What must hold, against the replay run of the same seed (runScenario + replaySide on Node):
 * - the XS side sent exactly the datagrams replaySide sends for its role (SHA-256 over them);
 * - the Node side likewise for its role;
 * - the wire as Node saw it, both directions in order, hashes to the scenario's wire digest.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Link } from '../hal/link.ts';
import { nodeCrypto } from '../hal/node/crypto.ts';
import { bytesToHex, concatBytes } from '../src/bytes.ts';
import { FrameType } from '../src/qsp/frame.ts';
import { Transcript } from '../src/transcript.ts';
import { bundleForXs, LVXS, ROOT } from '../test/xs/harness.ts';
import { liveScript, liveSide, replaySide, runScenario, type ReplayResult, type ScenarioLog, type ScenarioSpec } from './qsp-pair.ts';

const MAX_RECORD = 1 << 20;

/** Link port over a child process's stdin (out) and stdout (in), one length-prefixed record per datagram. */
export class ChildStdioLink implements Link {
  readonly maxDatagram = MAX_RECORD;
  onReadable?: (this: Link) => void;
  private readonly inbox: Uint8Array[] = [];
  private pending: Uint8Array = new Uint8Array(0);
  private ended = false;
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(private readonly child: ChildProcessByStdio<Writable, Readable, Readable>) {
    child.stdout.on('data', (chunk: Uint8Array) => this.take(chunk));
    child.stdout.on('end', () => this.finish());
    child.stdin.on('error', (e) => this.finish(e)); // EPIPE when the child is gone
  }

  private take(chunk: Uint8Array): void {
    this.pending = this.pending.length ? concatBytes(this.pending, chunk) : chunk;
    while (this.pending.length >= 4) {
      const n = new DataView(this.pending.buffer, this.pending.byteOffset, 4).getUint32(0);
      if (n > MAX_RECORD) return this.finish(new Error(`ChildStdioLink: a ${n}-byte record (stray output on the child's stdout?)`));
      if (this.pending.length < 4 + n) break;
      this.inbox.push(new Uint8Array(this.pending.subarray(4, 4 + n)));
      this.pending = this.pending.subarray(4 + n);
      this.onReadable?.call(this);
    }
    this.wake();
  }

  private finish(error?: Error): void {
    this.ended = true;
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  send(datagram: Uint8Array): void {
    if (datagram.length > MAX_RECORD) throw new RangeError(`"datagram" expected at most ${MAX_RECORD} bytes, got ${datagram.length}`);
    const record = new Uint8Array(4 + datagram.length);
    new DataView(record.buffer).setUint32(0, datagram.length);
    record.set(datagram, 4);
    this.child.stdin.write(record);
  }

  receive(): Uint8Array | undefined {
    return this.inbox.shift();
  }

  /** The next datagram; undefined once the child's stdout ended; rejects after `timeoutMs`. */
  async next(timeoutMs: number): Promise<Uint8Array | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = this.inbox.shift();
      if (d) return d;
      if (this.failure) throw this.failure;
      if (this.ended) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`ChildStdioLink: nothing from the child for ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.child.stdin.end();
  }
}

export interface LiveReport {
  readonly spec: ScenarioSpec;
  readonly xsRole: 'client' | 'server';
  readonly xs: ReplayResult & { ms: number };
  readonly node: ReplayResult;
  readonly replay: { xs: ReplayResult; node: ReplayResult; wireDigest: string };
  readonly wireDigest: string;
  readonly datagrams: number;
  readonly ms: number;
  readonly ok: boolean;
}

const same = (a: ReplayResult, b: ReplayResult) => JSON.stringify(a) === JSON.stringify(b);

/** Runs `spec` live with XS playing `xsRole` and Node the other side; compares with the replay run. */
export interface LiveOptions {
  /** Waiting for XS longer than this fails the run. */
  readonly timeoutMs?: number;
  /** Changes Node's n-th datagram on its way to XS (tests: an active attacker on the pipe). */
  readonly tamper?: (datagram: Uint8Array, n: number) => Uint8Array;
}

export async function runLive(spec: ScenarioSpec, xsRole: 'client' | 'server' = 'server', options: LiveOptions = {}): Promise<LiveReport> {
  const { timeoutMs = 120_000, tamper } = options;
  let sentToXs = 0;
  const started = performance.now();
  const log: ScenarioLog = { client: [], server: [] };
  const scenario = runScenario(spec, undefined, log);
  const nodeRole = xsRole === 'client' ? 'server' : 'client';
  const bundle = bundleForXs(join(ROOT, 'sim', 'qsp-live.xs.ts'), 'qsp-live');
  const child = spawn(LVXS, [bundle], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const link = new ChildStdioLink(child);
  // the wire as Node sees it, labelled as runScenario labels it
  const wire = new Transcript('LIGHTVIBES/qsp/scenario/v1');
  let datagrams = 0;
  const absorb = (d: Uint8Array, from: 'client' | 'server') => {
    wire.absorb(d[0] === FrameType.HANDSHAKE ? 'hs' : from === 'client' ? 'c2s' : 's2c', d);
    datagrams++;
  };
  try {
    link.send(new TextEncoder().encode(JSON.stringify({ spec, role: xsRole, script: liveScript(log[xsRole]) })));
    const side = liveSide(spec, nodeRole, liveScript(log[nodeRole]), nodeCrypto);
    let step = side.next();
    while (!step.done) {
      if (step.value.kind === 'send') {
        absorb(step.value.datagram, nodeRole);
        link.send(tamper ? tamper(step.value.datagram.slice(), sentToXs++) : step.value.datagram);
        step = side.next();
      } else {
        const d = await link.next(timeoutMs);
        if (d) absorb(d, xsRole);
        step = side.next(d);
      }
    }
    const node = step.value;
    const last = await link.next(timeoutMs);
    if (!last) throw new Error('the XS side ended without its result');
    const xs = JSON.parse(new TextDecoder().decode(last)) as ReplayResult & { ms: number };
    link.close();
    const status = await exited;
    if (status !== 0) throw new Error(`lvxs exited with ${status}`);
    const replay = { xs: replaySide(spec, xsRole, log[xsRole]), node: replaySide(spec, nodeRole, log[nodeRole]), wireDigest: scenario.wireDigest };
    const { ms, ...xsResult } = xs;
    const wireDigest = bytesToHex(wire.digest());
    return {
      spec, xsRole, xs, node, replay, wireDigest, datagrams, ms: performance.now() - started,
      ok: same(xsResult, replay.xs) && same(node, replay.node) && wireDigest === scenario.wireDigest && scenario.delivered === spec.frames,
    };
  } catch (e) {
    child.kill();
    await exited;
    throw new Error(`live Node ↔ XS run failed: ${(e as Error).message}${stderr ? `\nlvxs stderr: ${stderr.slice(0, 2000)}` : ''}`);
  } finally {
    rmSync(bundle, { force: true });
  }
}

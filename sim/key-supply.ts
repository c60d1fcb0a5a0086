/**
 * A simulated key supply for dev mode and tests: KeyBlocks whose key comes from the Entropy port
 * and whose statistics are plausible for decoy BB84 at the configured QBER (secure fraction
 * 1 − 2h(QBER), seed 002), produced at `secureRateBps` as the Clock advances. The real QKD engine
 * plugs in behind the same KeySupply interface. `setQber` drives the policy (attacks, recovery).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { Clock } from '../hal/clock.ts';
import type { Entropy } from '../hal/entropy.ts';
import { checkInteger, checkNumber } from '../src/_check.ts';
import { bytesToHex } from '../src/bytes.ts';
import type { ChannelReading, KeySupply } from '../src/keystore/key-supply.ts';
import { classifyQber } from '../src/policy/qber.ts';
import { keyBlockId, type KeyBlock } from '../src/qkd/keyblock.ts';

export interface SimKeySupplyConfig {
  readonly linkId: string;
  readonly entropy: Entropy;
  readonly clock: Clock;
  readonly secureRateBps: number;
  readonly blockBits: number;
  readonly qber?: number;
  /** Blocks ready at start (tests, benches). */
  readonly initialBlocks?: number;
}

const h2 = (x: number) => (x <= 0 || x >= 1 ? 0 : -x * Math.log2(x) - (1 - x) * Math.log2(1 - x));

export class SimKeySupply implements KeySupply {
  readonly linkId: string;
  readonly protocol = 'bb84-decoy' as const;
  private qber: number;
  private accruedBits: number;
  private last: number;
  private readonly started: number;
  private readonly blockBits: number;

  constructor(private readonly config: SimKeySupplyConfig) {
    this.linkId = config.linkId;
    this.blockBits = checkInteger('blockBits', config.blockBits, 8, 1 << 24);
    checkNumber('secureRateBps', config.secureRateBps, 0);
    this.qber = checkNumber('qber', config.qber ?? 0.021, 0, 0.5);
    this.started = this.last = config.clock.monotonicMs();
    this.accruedBits = (config.initialBlocks ?? 0) * this.blockBits;
  }

  setQber(qber: number): void {
    this.qber = checkNumber('qber', qber, 0, 0.5);
  }

  private secureFraction(): number {
    return Math.max(0, 1 - 2 * h2(this.qber));
  }

  reading(): ChannelReading {
    const frac = this.secureFraction();
    const rate = this.config.secureRateBps;
    return {
      qber: this.qber,
      secureKeyRateBps: Math.round(rate * frac),
      rawKeyRateBps: Math.round(rate / 0.35),
      photonRateHz: Math.round((rate / 0.35) * 2),
      lossDb: 2.1,
      visibility: Math.max(0, 1 - 2 * this.qber),
      temperatureC: 21.5,
      uptimeS: Math.round((this.config.clock.monotonicMs() - this.started) / 1000),
    };
  }

  /** Adds blocks at once (tests). */
  inject(blocks: number): void {
    this.accruedBits += checkInteger('blocks', blocks, 0) * this.blockBits;
  }

  take(): KeyBlock | undefined {
    const now = this.config.clock.monotonicMs();
    this.accruedBits = Math.min(this.accruedBits + ((now - this.last) / 1000) * this.config.secureRateBps * this.secureFraction(), 1024 * this.blockBits);
    this.last = now;
    if (this.accruedBits < this.blockBits) return undefined;
    this.accruedBits -= this.blockBits;
    const { entropy } = this.config;
    const bits = this.blockBits;
    const pulses = Math.round(bits / 0.002);
    const kept = Math.round(bits / Math.max(0.05, this.secureFraction()));
    const test = Math.round(kept * 0.1);
    return {
      id: keyBlockId(entropy.randomBytes(32)),
      protocol: this.protocol,
      key: entropy.randomBytes(bits >>> 3),
      keyBits: bits,
      qber: this.qber,
      testQber: this.qber,
      policyState: classifyQber(this.qber),
      stats: {
        pulses, detections: Math.round(kept * 2.2), keyBasis: [kept, 0, 0], testBasis: [test, 0, 0],
        testErrors: [Math.round(test * this.qber), 0, 0], frames: 1, failedFrames: 0,
        errorsCorrected: Math.round(kept * this.qber), reconciledBits: kept, reconciledByClass: [kept, 0, 0],
      },
      leakedBits: Math.round(kept * 1.1 * h2(this.qber)),
      paSeedHash: bytesToHex(sha256(entropy.randomBytes(32))),
      epsSec: 1e-10,
      epsCor: 1e-15,
      bounds: { sX0: 0, sX1: kept, phiX: this.qber },
      kernels: 'sim',
    };
  }
}

export interface QkdEngineSupplyConfig {
  readonly linkId: string;
  readonly clock: Clock;
  /** The simulated channel's loss, reported in readings (the engine's photonics config). */
  readonly lossDb: number;
  /** Blocks held before the oldest unclaimed one is dropped and zeroised (default 64). */
  readonly maxReady?: number;
}

/**
 * The KeySupply of `npm run serve` without --dev: key blocks from the real QKD engine — the core's
 * BB84 state machines over the simulated photonics, one block after another (sim/qkd-run.ts) —
 * handed in by whatever runs the engine (sim/serve.ts runs it on a worker thread, so a block's
 * seconds of work never sit in request latency). Only blocks both ends agree on are offered; the
 * readings are the last block's measured figures (QBER, rates over the time it took).
 */
export class QkdEngineSupply implements KeySupply {
  readonly linkId: string;
  readonly protocol = 'bb84-decoy' as const;
  readonly counters = { blocks: 0, refused: 0, dropped: 0, keyBits: 0 };
  /** Why the engine last refused a block (QkdAbort reason), if it did. */
  lastRefusal: string | undefined;
  private readonly ready: KeyBlock[] = [];
  private readonly maxReady: number;
  private readonly started: number;
  private last: { block: KeyBlock; elapsedMs: number } | undefined;
  private lastQber = 0;

  constructor(private readonly config: QkdEngineSupplyConfig) {
    this.linkId = config.linkId;
    this.maxReady = checkInteger('maxReady', config.maxReady ?? 64, 1);
    checkNumber('lossDb', config.lossDb, 0);
    this.started = config.clock.monotonicMs();
  }

  /** A block the engine produced (Alice's copy, equal to Bob's), with the time it took. */
  accept(block: KeyBlock, elapsedMs: number): void {
    checkNumber('elapsedMs', elapsedMs, 0);
    if (block.protocol !== this.protocol || block.key.length * 8 < block.keyBits || block.keyBits <= 0)
      throw new RangeError(`"block" expected a ${this.protocol} key block with its key, got ${block.protocol} with ${block.keyBits} bits`);
    this.ready.push(block);
    this.last = { block, elapsedMs };
    this.lastQber = block.qber;
    this.counters.blocks++;
    this.counters.keyBits += block.keyBits;
    while (this.ready.length > this.maxReady) {
      this.ready.shift()!.key.fill(0); // nobody claims them: oldest key goes, zeroised
      this.counters.dropped++;
    }
  }

  /** The engine refused a block (finite-size bound, QBER, failed verification…): no key. */
  refuse(reason: string): void {
    this.counters.refused++;
    this.lastRefusal = reason;
  }

  take(): KeyBlock | undefined {
    return this.ready.shift();
  }

  reading(): ChannelReading {
    const last = this.last;
    const seconds = last ? Math.max(last.elapsedMs, 1) / 1000 : 1;
    const stats = last?.block.stats;
    return {
      qber: this.lastQber,
      secureKeyRateBps: last ? Math.round(last.block.keyBits / seconds) : 0,
      rawKeyRateBps: stats ? Math.round(stats.detections / seconds) : 0,
      photonRateHz: stats ? Math.round(stats.pulses / seconds) : 0,
      lossDb: this.config.lossDb,
      visibility: Math.max(0, 1 - 2 * this.lastQber),
      temperatureC: 21.5,
      uptimeS: Math.round((this.config.clock.monotonicMs() - this.started) / 1000),
    };
  }

  /** Zeroises what was never taken. */
  destroy(): void {
    for (const b of this.ready.splice(0)) b.key.fill(0);
  }
}

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

/**
 * What every party of a QKD block shares: a strict, message-driven state machine over the Link
 * port, a transcript of every message sent and received in order, and fail-closed handling — any
 * defect aborts the block with a typed reason and the party zeroises what it holds.
 */
import type { Link } from '../../hal/link.ts';
import { checkInteger } from '../_check.ts';
import { Transcript } from '../transcript.ts';
import { QkdAbort, QkdAbortReason } from './errors.ts';
import { decodeSiftMessage, encodeSiftMessage, type SiftMessage, SiftMessageType } from './messages.ts';

const SIGNED = new Set<number>([SiftMessageType.AMPLIFY, SiftMessageType.CONFIRM]);

export abstract class Party<State extends string> {
  abstract state: State | 'done' | 'aborted';
  protected readonly transcript: Transcript;
  /** The transcript digest before the message being handled: what a signature in it covers. */
  protected transcriptBefore: Uint8Array | undefined;

  constructor(protected readonly link: Link, protected readonly blockId: number, protected readonly pulses: number, transcriptLabel: string) {
    checkInteger('blockId', blockId, 0, 0xffffffff);
    this.transcript = new Transcript(transcriptLabel);
    const params = new Uint8Array(8);
    new DataView(params.buffer).setUint32(0, blockId);
    new DataView(params.buffer).setUint32(4, pulses);
    this.transcript.absorb('block', params);
  }

  protected send(m: SiftMessage): void {
    const bytes = encodeSiftMessage(m);
    this.transcript.absorb('msg', bytes);
    this.link.send(bytes);
  }

  /** Handles every datagram waiting on the link; an abort zeroises and rethrows. */
  poll(): void {
    for (let datagram = this.link.receive(); datagram; datagram = this.link.receive()) {
      if (this.state === 'done' || this.state === 'aborted')
        throw new QkdAbort(QkdAbortReason.UNEXPECTED_MESSAGE, `message after the block ${this.state === 'done' ? 'ended' : 'aborted'}`);
      this.guard(() => {
        const m = decodeSiftMessage(datagram, Math.max(this.pulses, 1 << 16));
        if (m.blockId !== this.blockId)
          throw new QkdAbort(QkdAbortReason.BLOCK_ID_MISMATCH, `block ${m.blockId}, expected ${this.blockId}`);
        this.transcriptBefore = SIGNED.has(m.type) ? this.transcript.snapshot() : undefined;
        this.transcript.absorb('msg', datagram);
        this.handle(m);
      });
    }
  }

  /** Runs a step; on any error the block is aborted and zeroised before the error goes on. */
  protected guard<T>(step: () => T): T {
    try {
      return step();
    } catch (e) {
      this.zeroise();
      this.state = 'aborted';
      throw e;
    }
  }

  protected unexpected(m: SiftMessage): never {
    throw new QkdAbort(QkdAbortReason.UNEXPECTED_MESSAGE, `message type ${m.type} in state ${this.state}`);
  }

  protected abstract handle(m: SiftMessage): void;
  /** Overwrites every secret the party holds. */
  protected abstract zeroise(): void;
}

/**
 * Sealer port on a board: the hook to a secure element or TEE. The board's native module does
 * the wrapping with a key that never leaves the element (native("xs_lv_se_seal") /
 * native("xs_lv_se_unseal"), e.g. an ATECC608 or the ESP32 HMAC/DS peripheral); this side only
 * checks arguments and maps a refusal to a typed reason. A board without an element gets a
 * SealerUnavailable error at construction, never a software stand-in behind its back.
 */
import { checkBytes } from '../../src/_check.ts';
import { enumNames } from '../../src/_enum.ts';
import type { Sealer } from '../sealer.ts';

export const SealerReject = { UNAVAILABLE: 1, REFUSED: 2 } as const;
export type SealerReject = (typeof SealerReject)[keyof typeof SealerReject];
export const SealerRejectName = enumNames(SealerReject);

export class SealerError extends Error {
  readonly reason: SealerReject;
  constructor(reason: SealerReject, detail: string) {
    super(`sealer: ${SealerRejectName[reason]}: ${detail}`);
    this.name = 'SealerError';
    this.reason = reason;
  }
}

type Op = (data: Uint8Array, aad: Uint8Array) => ArrayBuffer;

export class SecureElementSealer implements Sealer {
  readonly name: string;
  readonly #seal: Op;
  readonly #unseal: Op;

  constructor(options: { name?: string } = {}) {
    try {
      this.#seal = native('xs_lv_se_seal') as Op;
      this.#unseal = native('xs_lv_se_unseal') as Op;
    } catch (e) {
      throw new SealerError(SealerReject.UNAVAILABLE, `this board has no secure-element hook (xs_lv_se_seal/xs_lv_se_unseal): ${String(e)}`);
    }
    this.name = options.name ?? 'board:secure-element';
  }

  seal(plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    return this.#call(this.#seal, checkBytes('plaintext', plaintext), checkBytes('aad', aad));
  }

  unseal(sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    return this.#call(this.#unseal, checkBytes('sealed', sealed), checkBytes('aad', aad));
  }

  #call(op: Op, data: Uint8Array, aad: Uint8Array): Uint8Array {
    try {
      return new Uint8Array(op(data, aad));
    } catch (e) {
      throw new SealerError(SealerReject.REFUSED, String(e));
    }
  }
}

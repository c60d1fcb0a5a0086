/**
 * Why the key service refused a request: stable numeric codes, one HTTP status each. The error
 * body is ETSI GS QKD 014's shape, `{ message, details: [...] }`, on every route; `details`
 * carries the code and name so callers never parse the message.
 */
import { enumNames } from '../_enum.ts';

export const ApiReject = {
  BAD_REQUEST: 1,
  MALFORMED_JSON: 2,
  NOT_AUTHENTICATED: 3,
  GUARD_DENIED: 4,
  UNKNOWN_SAE: 5,
  KEY_UNAVAILABLE: 6,
  NOT_FOR_CALLER: 7,
  QMK_UNAVAILABLE: 8,
  KEY_EXHAUSTED: 9,
  NO_ROUTE: 10,
  METHOD_NOT_ALLOWED: 11,
  BODY_TOO_LARGE: 12,
  UNSUPPORTED_EXTENSION: 13,
  UNKNOWN_LINK: 14,
  WRONG_LISTENER: 15,
} as const;
export type ApiReject = (typeof ApiReject)[keyof typeof ApiReject];

export const API_REJECT_NAMES = enumNames(ApiReject);

export const API_REJECT_STATUS: Record<ApiReject, number> = {
  1: 400, 2: 400, 3: 401, 4: 403, 5: 400, 6: 404, 7: 403, 8: 503, 9: 503, 10: 404, 11: 405, 12: 413, 13: 400, 14: 404, 15: 404,
};

export interface Refusal {
  readonly ok: false;
  readonly reject: ApiReject;
  readonly message: string;
  /** Extra typed detail entries (no secrets: ids, field names, reason codes). */
  readonly details?: ReadonlyArray<Record<string, string | number>>;
}

export function refuse(reject: ApiReject, message: string, details?: ReadonlyArray<Record<string, string | number>>): Refusal {
  return { ok: false, reject, message, details };
}

/**
 * The control API's semantics as a pure function from a plain request to a plain response, so it
 * runs on Node behind node:https and on XS behind whatever transport the board has:
 *   seed 001:  POST /lightvibes/session, GET /lightvibes/key/{key_ref}[?format=wireguard]
 *   ETSI GS QKD 014 v1.1.1 §5: GET /api/v1/keys/{slave_SAE_ID}/status,
 *              GET|POST /api/v1/keys/{slave_SAE_ID}/enc_keys, GET|POST /api/v1/keys/{master_SAE_ID}/dec_keys
 *   seed 002:  GET /v1/links, /v1/links/{link_id}/metrics, /v1/links/{link_id}/qber,
 *              POST|GET /v1/rotation/{peer_id} (CURRENT / PREVIOUS for consumers that poll)
 *   ops listener (seed 002, port 8072): GET /healthz, GET /metrics
 *   GET /openapi.json (OpenAPI 3.1)
 * Every route of the API listener needs an authenticated caller (the SAE id of the client
 * certificate). Errors use ETSI 014's shape `{message, details}` everywhere.
 */
import { isKeyId, isKeyRef } from '../keystore/keyref.ts';
import { LINK_STATUS_NAMES, LinkStatus } from '../policy/link-state.ts';
import { QBER_STATE_NAMES } from '../policy/qber.ts';
import { prometheusText } from './metrics.ts';
import { handleRelayRequest } from './relay-api.ts';
import { openApiDocument } from './openapi.ts';
import { API_REJECT_NAMES, API_REJECT_STATUS, ApiReject, refuse, type Refusal } from './reject.ts';
import type { KeyService } from './service.ts';

export interface ApiRequest {
  readonly listener: 'api' | 'ops';
  readonly method: string;
  /** The URL path, not decoded. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The SAE id the client certificate authenticated; undefined without one. */
  readonly caller?: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** The refusal, for counters and logs (never key material). */
  readonly reject?: ApiReject;
}

export const MAX_BODY_BYTES = 65_536;
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

const json = (status: number, value: unknown): ApiResponse => ({ status, contentType: 'application/json', body: JSON.stringify(value) });

export function errorResponse(r: Refusal): ApiResponse {
  const details = [{ reason: API_REJECT_NAMES[r.reject], code: r.reject }, ...(r.details ?? [])];
  return { ...json(API_REJECT_STATUS[r.reject], { message: r.message, details }), reject: r.reject };
}

const bad = (message: string, field: string) => errorResponse(refuse(ApiReject.BAD_REQUEST, message, [{ field }]));

function parseBody(req: ApiRequest): { ok: true; value: any } | { ok: false; response: ApiResponse } {
  if (req.body === undefined || req.body === '') return { ok: true, value: {} };
  if (req.body.length > MAX_BODY_BYTES) return { ok: false, response: errorResponse(refuse(ApiReject.BODY_TOO_LARGE, `request body over ${MAX_BODY_BYTES} bytes`)) };
  try {
    const value = JSON.parse(req.body);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { ok: false, response: errorResponse(refuse(ApiReject.MALFORMED_JSON, 'request body must be a JSON object')) };
    return { ok: true, value };
  } catch {
    return { ok: false, response: errorResponse(refuse(ApiReject.MALFORMED_JSON, 'request body is not valid JSON')) };
  }
}

function unknownFields(obj: Record<string, unknown>, allowed: readonly string[], where: string): ApiResponse | undefined {
  const extra = Object.keys(obj).find((k) => !allowed.includes(k));
  return extra === undefined ? undefined : bad(`${where}: unknown field ${JSON.stringify(extra.slice(0, 64))}`, extra.slice(0, 64));
}

function intField(value: unknown, field: string, min: number, max: number, multipleOf = 1): number | ApiResponse {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return bad(`"${field}" expected an integer`, field);
  if (value < min || value > max) return bad(`"${field}" expected an integer in [${min}, ${max}], got ${value}`, field);
  if (value % multipleOf !== 0) return bad(`"${field}" expected a multiple of ${multipleOf}, got ${value}`, field);
  return value;
}

function queryInt(text: string | undefined, field: string, dflt: number, min: number, max: number, multipleOf = 1): number | ApiResponse {
  if (text === undefined) return dflt;
  if (!/^[0-9]{1,9}$/.test(text)) return bad(`"${field}" expected a decimal integer`, field);
  return intField(Number(text), field, min, max, multipleOf);
}

function segments(path: string): string[] | undefined {
  try {
    return path.split('/').slice(1).map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

export function handleRequest(service: KeyService, req: ApiRequest): ApiResponse {
  const parts = segments(req.path);
  if (!parts) return bad('the path is not valid percent-encoding', 'path');
  const route = (method: string, ...allowed: string[]) => {
    if (!allowed.includes(method)) return errorResponse(refuse(ApiReject.METHOD_NOT_ALLOWED, `${method} is not allowed here (allowed: ${allowed.join(', ')})`));
    return undefined;
  };
  if (req.listener === 'ops') {
    if (req.path === '/healthz') return route(req.method, 'GET') ?? healthz(service);
    if (req.path === '/metrics') return route(req.method, 'GET') ?? { status: 200, contentType: 'text/plain; version=0.0.4; charset=utf-8', body: prometheusText(service) };
    return errorResponse(refuse(ApiReject.NO_ROUTE, 'the ops listener serves /healthz and /metrics only'));
  }
  if (req.caller === undefined || !ID_RE.test(req.caller))
    return errorResponse(refuse(ApiReject.NOT_AUTHENTICATED, 'a client certificate naming a SAE is required'));
  const caller = req.caller;
  const [a, b, c, d, e, ...more] = parts;
  if (a === 'openapi.json' && parts.length === 1) return route(req.method, 'GET') ?? json(200, openApiDocument());
  if (a === 'lightvibes') {
    if (b === 'session' && parts.length === 2) return route(req.method, 'POST') ?? postSession(service, caller, req);
    if (b === 'key' && parts.length === 3) return route(req.method, 'GET') ?? getKey(service, caller, c!, req.query);
  }
  if (a === 'api' && b === 'v1' && c === 'keys' && d !== undefined && parts.length === 5 && !more.length) {
    if (!ID_RE.test(d)) return errorResponse(refuse(ApiReject.UNKNOWN_SAE, 'SAE ID is malformed', [{ field: 'SAE_ID' }]));
    if (e === 'status') return route(req.method, 'GET') ?? result(service.etsiStatus(caller, d));
    if (e === 'enc_keys') return route(req.method, 'GET', 'POST') ?? encKeys(service, caller, d, req);
    if (e === 'dec_keys') return route(req.method, 'GET', 'POST') ?? decKeys(service, caller, d, req);
  }
  if (a === 'v1' && b === 'rotation' && parts.length === 3 && ID_RE.test(c!)) {
    const m = route(req.method, 'GET', 'POST');
    if (m) return m;
    if (req.method === 'GET') return result(service.rotationRead(caller, c!));
    const parsed = parseBody(req);
    if (!parsed.ok) return parsed.response;
    const extra = unknownFields(parsed.value, ['size'], 'rotation');
    if (extra) return extra;
    const size = parsed.value.size === undefined ? 256 : intField(parsed.value.size, 'size', service.config.etsi.minKeySize, service.config.etsi.maxKeySize, 8);
    if (typeof size !== 'number') return size;
    return result(service.rotate(caller, c!, size), 201);
  }
  if (a === 'v1' && b === 'links') {
    if (parts.length === 2) return route(req.method, 'GET') ?? json(200, { links: service.linkIds().map((id) => linkSummary(service, id)) });
    if (parts.length === 4 && (d === 'metrics' || d === 'qber')) {
      const view = service.link(c!);
      if (!view) return errorResponse(refuse(ApiReject.UNKNOWN_LINK, 'no such link'));
      const m = route(req.method, 'GET');
      if (m) return m;
      if (d === 'qber') return json(200, { link_id: view.linkId, points: view.qberHistory.map(([t, q]) => ({ wall_ms: t, qber: q })) });
      const r = view.reading;
      return json(200, {
        link_id: view.linkId, protocol: view.protocol, status: LINK_STATUS_NAMES[view.policy.status], qber_state: QBER_STATE_NAMES[view.policy.qberState],
        qber: r.qber, key_rate_bps: r.secureKeyRateBps, raw_key_rate_bps: r.rawKeyRateBps, photon_rate_hz: r.photonRateHz,
        visibility: r.visibility, link_loss_db: r.lossDb, temperature_c: r.temperatureC, uptime_s: r.uptimeS,
      });
    }
  }
  if (a === 'v1' && b === 'relay') return handleRelayRequest(service, caller, req, parts);
  return errorResponse(refuse(ApiReject.NO_ROUTE, 'no such route'));
}

function result(r: { ok: true; value: unknown } | Refusal, status = 200): ApiResponse {
  return r.ok ? json(status, r.value) : errorResponse(r);
}

function linkSummary(service: KeyService, id: string) {
  const v = service.link(id)!;
  return {
    link_id: id, protocol: v.protocol, status: LINK_STATUS_NAMES[v.policy.status], mode: v.policy.status === LinkStatus.DEGRADED ? 'PQC' : 'QMK',
    qber: v.reading.qber, qber_state: QBER_STATE_NAMES[v.policy.qberState], secure_key_rate_bps: v.reading.secureKeyRateBps,
    pool_bits: service.keystore.poolBytes(id) * 8,
  };
}

function healthz(service: KeyService): ApiResponse {
  const links = service.linkIds().map((id) => ({ link_id: id, status: LINK_STATUS_NAMES[service.link(id)!.policy.status] }));
  return json(200, { status: links.every((l) => l.status === 'UP') ? 'ok' : 'degraded', uptime_s: Math.round(service.uptimeS()), links });
}

function postSession(service: KeyService, caller: string, req: ApiRequest): ApiResponse {
  const parsed = parseBody(req);
  if (!parsed.ok) return parsed.response;
  const body = parsed.value;
  const extra = unknownFields(body, ['peer_id', 'policy', 'fallback', 'context'], 'session');
  if (extra) return extra;
  if (typeof body.peer_id !== 'string' || !ID_RE.test(body.peer_id)) return bad('"peer_id" expected an id of 1-128 characters [A-Za-z0-9._:@-]', 'peer_id');
  const policy = body.policy ?? {};
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) return bad('"policy" expected an object', 'policy');
  const extraP = unknownFields(policy, ['min_keybits', 'ttl_s'], 'policy');
  if (extraP) return extraP;
  const cfg = service.config;
  const bits = policy.min_keybits === undefined ? 256 : intField(policy.min_keybits, 'policy.min_keybits', cfg.minKeyBits, cfg.maxKeyBits, 8);
  if (typeof bits !== 'number') return bits;
  const ttl = policy.ttl_s === undefined ? cfg.defaultTtlS : intField(policy.ttl_s, 'policy.ttl_s', 1, cfg.maxTtlS);
  if (typeof ttl !== 'number') return ttl;
  const fallback = body.fallback ?? 'NONE';
  if (fallback !== 'PQC' && fallback !== 'NONE') return bad('"fallback" expected "PQC" or "NONE"', 'fallback');
  const context = body.context ?? 'default';
  if (typeof context !== 'string' || !ID_RE.test(context)) return bad('"context" expected an id of 1-128 characters', 'context');
  const r = service.createSession({ caller, peerId: body.peer_id, context, minKeyBits: bits, ttlS: ttl, fallback });
  if (!r.ok) return errorResponse(r);
  const g = r.value;
  const out: Record<string, unknown> = {
    session_id: g.sessionId, key_ref: g.keyRef, health: { qber: g.qber, rate_bps: g.rateBps }, mode: g.mode,
  };
  if (g.pqc) out.fallback = { reason: g.fallbackReason, kem: g.pqc.kem, ml_kem_ciphertext: g.pqc.mlKemCiphertext, x25519_ephemeral: g.pqc.x25519Ephemeral };
  return json(201, out);
}

function getKey(service: KeyService, caller: string, keyRef: string, query: Readonly<Record<string, string>>): ApiResponse {
  const extra = unknownFields(query, ['format'], 'query');
  if (extra) return extra;
  const format = query.format ?? 'sealed';
  if (format !== 'sealed' && format !== 'wireguard') return bad('"format" expected "sealed" or "wireguard"', 'format');
  if (!isKeyRef(keyRef)) return bad('key_ref expected "kr-" and 32 hex digits', 'key_ref');
  const r = service.takeKey(caller, keyRef, format);
  if (!r.ok) return errorResponse(r);
  const v = r.value;
  return json(200, format === 'wireguard'
    ? { key_ref: v.keyRef, wireguard_psk: v.wireguardPsk, ttl_s: v.ttlS, mode: v.mode, usage: 'one-shot' }
    : { key_ref: v.keyRef, key_sealed: v.keySealed, ttl_s: v.ttlS, mode: v.mode, usage: 'one-shot', bits: v.bits });
}

function encKeys(service: KeyService, master: string, slave: string, req: ApiRequest): ApiResponse {
  const lim = service.config.etsi;
  let number: number | ApiResponse;
  let size: number | ApiResponse;
  let additional: string[] = [];
  if (req.method === 'GET') {
    const extra = unknownFields(req.query, ['number', 'size'], 'query');
    if (extra) return extra;
    number = queryInt(req.query.number, 'number', 1, 1, lim.maxKeyPerRequest);
    size = queryInt(req.query.size, 'size', lim.defaultKeySize, lim.minKeySize, lim.maxKeySize, 8);
  } else {
    const parsed = parseBody(req);
    if (!parsed.ok) return parsed.response;
    const body = parsed.value;
    const extra = unknownFields(body, ['number', 'size', 'additional_slave_SAE_IDs', 'extension_mandatory', 'extension_optional'], 'enc_keys');
    if (extra) return extra;
    number = body.number === undefined ? 1 : intField(body.number, 'number', 1, lim.maxKeyPerRequest);
    size = body.size === undefined ? lim.defaultKeySize : intField(body.size, 'size', lim.minKeySize, lim.maxKeySize, 8);
    if (body.additional_slave_SAE_IDs !== undefined) {
      const a = body.additional_slave_SAE_IDs;
      if (!Array.isArray(a) || a.length > lim.maxSaeIdCount || !a.every((s) => typeof s === 'string' && ID_RE.test(s)) || new Set([slave, ...a]).size !== a.length + 1)
        return bad(`"additional_slave_SAE_IDs" expected up to ${lim.maxSaeIdCount} distinct SAE IDs`, 'additional_slave_SAE_IDs');
      additional = a;
    }
    if (body.extension_mandatory !== undefined) {
      const m = body.extension_mandatory;
      if (!Array.isArray(m)) return bad('"extension_mandatory" expected an array', 'extension_mandatory');
      if (m.length) return errorResponse(refuse(ApiReject.UNSUPPORTED_EXTENSION, 'this KME supports no mandatory extension', [{ field: 'extension_mandatory' }]));
    }
    if (body.extension_optional !== undefined && !Array.isArray(body.extension_optional)) return bad('"extension_optional" expected an array', 'extension_optional');
  }
  if (typeof number !== 'number') return number;
  if (typeof size !== 'number') return size;
  const r = service.etsiEncKeys(master, slave, number, size, additional);
  return r.ok ? json(200, { keys: r.value }) : errorResponse(r);
}

function decKeys(service: KeyService, slave: string, master: string, req: ApiRequest): ApiResponse {
  let ids: string[];
  if (req.method === 'GET') {
    const extra = unknownFields(req.query, ['key_ID'], 'query');
    if (extra) return extra;
    if (req.query.key_ID === undefined) return bad('"key_ID" is required', 'key_ID');
    ids = [req.query.key_ID];
  } else {
    const parsed = parseBody(req);
    if (!parsed.ok) return parsed.response;
    const body = parsed.value;
    const extra = unknownFields(body, ['key_IDs', 'key_IDs_extension'], 'dec_keys');
    if (extra) return extra;
    const list = body.key_IDs;
    if (!Array.isArray(list) || list.length === 0 || list.length > service.config.etsi.maxKeyPerRequest)
      return bad(`"key_IDs" expected 1 to ${service.config.etsi.maxKeyPerRequest} entries`, 'key_IDs');
    ids = [];
    for (const entry of list) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return bad('"key_IDs" entries expected objects', 'key_IDs');
      const extraE = unknownFields(entry, ['key_ID', 'key_ID_extension'], 'key_IDs[]');
      if (extraE) return extraE;
      ids.push(entry.key_ID);
    }
  }
  const badId = ids.find((id) => !isKeyId(id));
  if (badId !== undefined) return bad('"key_ID" expected a version-4 UUID', 'key_ID');
  if (new Set(ids).size !== ids.length) return bad('"key_IDs" lists a key_ID twice', 'key_IDs');
  const r = service.etsiDecKeys(slave, master, ids);
  return r.ok ? json(200, { keys: r.value }) : errorResponse(r);
}

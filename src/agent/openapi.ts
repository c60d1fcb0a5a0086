/**
 * The OpenAPI 3.1 description of the API listener (and, under x-ops-listener, the ops listener),
 * served at GET /openapi.json. test/api-openapi.test.ts checks real responses against it.
 */
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
const reply = (description: string, name: string) => ({ description, ...body(name) });
const err = (description: string) => reply(description, 'Error');
const obj = (required: string[], properties: Record<string, unknown>, additional = false) => ({ type: 'object', required, properties, additionalProperties: additional });
const saeParam = (name: string) => ({ name, in: 'path', required: true, schema: str });
const ETSI_ERRORS = { 400: err('Bad request format'), 401: err('Unauthorized'), 403: err('Refused by the mission guard'), 503: err('Error on server side') };

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'LIGHTVIBES key service', version: '1.0.0', description: 'Seed 001 sessions and one-shot key refs, ETSI GS QKD 014 v1.1.1 key delivery, seed 002 link telemetry. Mutual TLS: the client certificate names the caller SAE.' },
    servers: [{ url: 'https://localhost:8071' }],
    paths: {
      '/lightvibes/session': {
        post: {
          summary: 'Create a session and a one-shot key ref (seed 001)',
          requestBody: { required: true, ...body('SessionRequest') },
          responses: { 201: reply('Session created', 'SessionResponse'), 400: err('Malformed request'), 401: err('No client certificate'), 403: err('Refused by the mission guard'), 503: err('No quantum key and no PQC fallback asked for') },
        },
      },
      '/lightvibes/key/{key_ref}': {
        get: {
          summary: 'Take the key once (sealed to the HSM/TEE, or as a WireGuard PSK)',
          parameters: [{ name: 'key_ref', in: 'path', required: true, schema: { type: 'string', pattern: '^kr-[0-9a-f]{32}$' } },
            { name: 'format', in: 'query', required: false, schema: { enum: ['sealed', 'wireguard'] } }],
          responses: {
            200: { description: 'The key, once', content: { 'application/json': { schema: { oneOf: [ref('KeyResponse'), ref('WireguardKeyResponse')] } } } },
            400: err('Malformed key ref or format'), 401: err('No client certificate'), 403: err('Issued to another caller'), 404: err('Key already consumed or expired'),
          },
        },
      },
      '/api/v1/keys/{slave_SAE_ID}/status': {
        get: { summary: 'ETSI 014 Get status', parameters: [saeParam('slave_SAE_ID')], responses: { 200: reply('Status', 'Status'), ...ETSI_ERRORS } },
      },
      '/api/v1/keys/{slave_SAE_ID}/enc_keys': {
        get: {
          summary: 'ETSI 014 Get key', parameters: [saeParam('slave_SAE_ID'), { name: 'number', in: 'query', schema: int }, { name: 'size', in: 'query', schema: int }],
          responses: { 200: reply('Key container', 'KeyContainer'), ...ETSI_ERRORS },
        },
        post: { summary: 'ETSI 014 Get key', parameters: [saeParam('slave_SAE_ID')], requestBody: { required: true, ...body('KeyRequest') }, responses: { 200: reply('Key container', 'KeyContainer'), ...ETSI_ERRORS } },
      },
      '/api/v1/keys/{master_SAE_ID}/dec_keys': {
        get: {
          summary: 'ETSI 014 Get key with key IDs', parameters: [saeParam('master_SAE_ID'), { name: 'key_ID', in: 'query', required: true, schema: str }],
          responses: { 200: reply('Key container', 'KeyContainer'), ...ETSI_ERRORS },
        },
        post: { summary: 'ETSI 014 Get key with key IDs', parameters: [saeParam('master_SAE_ID')], requestBody: { required: true, ...body('KeyIDs') }, responses: { 200: reply('Key container', 'KeyContainer'), ...ETSI_ERRORS } },
      },
      '/v1/links': { get: { summary: 'Links and their status (seed 002)', responses: { 200: reply('Links', 'Links'), 401: err('No client certificate') } } },
      '/v1/links/{link_id}/metrics': {
        get: { summary: 'Channel metrics', parameters: [{ name: 'link_id', in: 'path', required: true, schema: str }], responses: { 200: reply('Metrics', 'LinkMetrics'), 401: err('No client certificate'), 404: err('No such link') } },
      },
      '/v1/links/{link_id}/qber': {
        get: { summary: 'QBER history', parameters: [{ name: 'link_id', in: 'path', required: true, schema: str }], responses: { 200: reply('History', 'QberHistory'), 401: err('No client certificate'), 404: err('No such link') } },
      },
      '/v1/rotation/{peer_id}': {
        post: {
          summary: 'Rotate: a fresh QKD key becomes CURRENT, the old CURRENT becomes PREVIOUS (seed 002)',
          parameters: [{ name: 'peer_id', in: 'path', required: true, schema: str }],
          requestBody: { required: false, content: { 'application/json': { schema: obj([], { size: int }) } } },
          responses: { 201: reply('Rotated', 'RotationEntry'), 400: err('Bad request'), 401: err('No client certificate'), 403: err('Refused by the mission guard'), 503: err('No QKD key') },
        },
        get: {
          summary: 'CURRENT and PREVIOUS keys of the slot, for consumers that poll',
          parameters: [{ name: 'peer_id', in: 'path', required: true, schema: str }],
          responses: { 200: reply('Slot', 'Rotation'), 401: err('No client certificate'), 404: err('No such slot') },
        },
      },
      '/v1/relay/routes': {
        get: {
          summary: 'Trusted-node relay paths to a destination, with cumulative key rate and trust (seed 002)',
          parameters: [{ name: 'destination', in: 'query', required: true, schema: str }],
          responses: { 200: reply('Routes', 'RelayRoutes'), 400: err('Unknown or malformed destination'), 401: err('No client certificate'), 404: err('No relay on this agent') },
        },
      },
      '/v1/relay/keys/request': {
        post: {
          summary: 'Relay an end-to-end key K1 ⊕ K2 hop by hop to the destination; the caller gets its copy once',
          requestBody: { required: true, content: { 'application/json': { schema: obj(['destination'], { destination: str, size: { type: 'integer', minimum: 128, maximum: 512, multipleOf: 8 } }) } } },
          responses: { 200: reply('Relayed key', 'RelayKey'), 400: err('Bad request'), 401: err('No client certificate'), 404: err('No eligible route'), 503: err('A link pool is short') },
        },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    },
    'x-ops-listener': {
      '/healthz': { get: { responses: { 200: reply('Health', 'Health') } } },
      '/metrics': { get: { responses: { 200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: str } } } } } },
    },
    components: {
      schemas: {
        RotationEntry: obj(['key_ID', 'generation', 'generated_ms', 'qber', 'size'], { key_ID: { type: 'string', format: 'uuid' }, generation: int, generated_ms: num, qber: num, size: int, key: str }),
        Rotation: obj([], { current: ref('RotationEntry'), previous: ref('RotationEntry') }),
        Error: obj(['message'], { message: str, details: { type: 'array', items: { type: 'object' } } }),
        SessionRequest: obj(['peer_id'], {
          peer_id: str, context: str, fallback: { enum: ['PQC', 'NONE'] },
          policy: obj([], { min_keybits: { type: 'integer', minimum: 128, maximum: 8192, multipleOf: 8 }, ttl_s: { type: 'integer', minimum: 1 } }),
        }),
        SessionResponse: obj(['session_id', 'key_ref', 'health', 'mode'], {
          session_id: str, key_ref: { type: 'string', pattern: '^kr-[0-9a-f]{32}$' },
          health: obj(['qber', 'rate_bps'], { qber: num, rate_bps: num }), mode: { enum: ['QMK', 'PQC'] },
          fallback: obj(['reason', 'kem', 'ml_kem_ciphertext', 'x25519_ephemeral'], { reason: str, kem: str, ml_kem_ciphertext: str, x25519_ephemeral: str }),
        }),
        KeyResponse: obj(['key_ref', 'key_sealed', 'ttl_s', 'mode'], { key_ref: str, key_sealed: str, ttl_s: int, mode: { enum: ['QMK', 'PQC'] }, usage: { const: 'one-shot' }, bits: int }),
        WireguardKeyResponse: obj(['key_ref', 'wireguard_psk', 'ttl_s', 'mode'], { key_ref: str, wireguard_psk: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' }, ttl_s: int, mode: { enum: ['QMK', 'PQC'] }, usage: { const: 'one-shot' } }),
        Status: obj(['source_KME_ID', 'target_KME_ID', 'master_SAE_ID', 'slave_SAE_ID', 'key_size', 'stored_key_count', 'max_key_count', 'max_key_per_request', 'max_key_size', 'min_key_size', 'max_SAE_ID_count'], {
          source_KME_ID: str, target_KME_ID: str, master_SAE_ID: str, slave_SAE_ID: str, key_size: int, stored_key_count: int,
          max_key_count: int, max_key_per_request: int, max_key_size: int, min_key_size: int, max_SAE_ID_count: int,
        }),
        KeyRequest: obj([], { number: int, size: int, additional_slave_SAE_IDs: { type: 'array', items: str }, extension_mandatory: { type: 'array' }, extension_optional: { type: 'array' } }),
        KeyIDs: obj(['key_IDs'], { key_IDs: { type: 'array', items: obj(['key_ID'], { key_ID: str, key_ID_extension: {} }) }, key_IDs_extension: {} }),
        KeyContainer: obj(['keys'], { keys: { type: 'array', items: obj(['key_ID', 'key'], { key_ID: { type: 'string', format: 'uuid' }, key: str }) } }),
        Links: obj(['links'], { links: { type: 'array', items: obj(['link_id', 'protocol', 'status', 'mode', 'qber'], { link_id: str, protocol: str, status: { enum: ['UP', 'SUSPENDED', 'DEGRADED'] }, mode: { enum: ['QMK', 'PQC'] }, qber: num, qber_state: str, secure_key_rate_bps: num, pool_bits: int }) } }),
        LinkMetrics: obj(['link_id', 'qber', 'key_rate_bps'], { link_id: str, protocol: str, status: str, qber_state: str, qber: num, key_rate_bps: num, raw_key_rate_bps: num, photon_rate_hz: num, visibility: num, link_loss_db: num, temperature_c: num, uptime_s: num }),
        QberHistory: obj(['link_id', 'points'], { link_id: str, points: { type: 'array', items: obj(['wall_ms', 'qber'], { wall_ms: num, qber: num }) } }),
        RelayRoute: obj(['path', 'hops', 'key_rate_bps', 'trust', 'eligible'], { path: { type: 'array', items: str }, hops: int, key_rate_bps: num, trust: num, eligible: { type: 'boolean' } }),
        RelayRoutes: obj(['source', 'destination', 'routes'], { source: str, destination: str, routes: { type: 'array', items: ref('RelayRoute') } }),
        RelayKey: obj(['key_ID', 'size', 'route', 'key'], { key_ID: str, size: int, route: ref('RelayRoute'), key: str }),
        Health: obj(['status', 'links'], { status: { enum: ['ok', 'degraded'] }, uptime_s: num, links: { type: 'array', items: obj(['link_id', 'status'], { link_id: str, status: str }) } }),
      },
    },
  };
}

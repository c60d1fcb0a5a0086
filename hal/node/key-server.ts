/**
 * The desktop transport of the key service: node:https with mutual TLS for the API listener
 * (seed 002 port 8071; every route needs a client certificate, whose subject CN is the caller's
 * SAE id), and plain node:http on a second listener for /healthz and /metrics (port 8072). A thin
 * adapter: it reads the request, calls the pure `handleRequest` of src/agent/api.ts and writes
 * the answer. node:http rather than a framework: the routing, validation and status codes are
 * already pure functions in the core, so the transport only moves bytes. Log lines name the
 * method, route, status and time — never a key, a sealed key or a key ref.
 *
 * Requests that arrive together are handled as one batch in one storage commit. With `group` the
 * commit and its sync run on the event loop; with `groupDurable` (what `npm run serve` uses) the
 * batch is committed at once and answered when ITS fdatasync has finished on the thread pool,
 * while the loop reads, handles and commits the next batch. Either way a key's consumption is on
 * disk before its bytes leave. If a commit or sync fails nothing of the batch is answered and the
 * server stops answering (memory has moved on).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { errorResponse, handleRequest, MAX_BODY_BYTES, type ApiRequest, type ApiResponse } from '../../src/agent/api.ts';
import { ApiReject, refuse } from '../../src/agent/reject.ts';
import type { KeyService } from '../../src/agent/service.ts';

export interface KeyServerOptions {
  readonly service: KeyService;
  readonly host: string;
  readonly port: number;
  readonly metricsPort: number;
  readonly tls: { readonly key: string | Uint8Array; readonly cert: string | Uint8Array; readonly ca: string | Uint8Array };
  readonly log?: (line: string) => void;
  /**
   * Group commit (SqliteStorage.group): requests that arrive together are handled inside one
   * storage transaction and answered only after its single durable commit.
   */
  readonly group?: <T>(work: () => T) => T;
  /** SqliteStorage.groupDurable: commit now, `durable` resolves once the commit is on disk. */
  readonly groupDurable?: <T>(work: () => T) => { readonly value: T; readonly durable: Promise<void> };
  /** A commit or sync failed: nothing more may be acknowledged (default: exit 70). */
  readonly onStorageFailure?: (e: Error) => void;
}

export interface KeyServer {
  readonly apiPort: number;
  readonly metricsPort: number;
  close(): Promise<void>;
}

/** The path as it may appear in a log: key refs redacted. */
export function loggablePath(path: string): string {
  return path.replace(/kr-[0-9A-Za-z%]+/g, 'kr-[redacted]').slice(0, 200);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Uint8Array) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// Parsing the peer certificate is costly; a connection's caller never changes, so once per socket.
const callers = new WeakMap<TLSSocket, string | undefined>();
function callerOf(socket: TLSSocket): string | undefined {
  if (callers.has(socket)) return callers.get(socket);
  let caller: string | undefined;
  if (socket.authorized) {
    const cn = socket.getPeerCertificate()?.subject?.CN;
    caller = typeof cn === 'string' ? cn : undefined;
  }
  callers.set(socket, caller);
  return caller;
}

interface Pending {
  readonly req: ApiRequest;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly started: number;
}

/** Group-commit statistics (batches, requests), for the bench. */
export const batchStats = { batches: 0, requests: 0, ms: 0 };

function makeHandler(opts: KeyServerOptions, listener: 'api' | 'ops') {
  let queue: Pending[] = [];
  let failed = false;
  const stats = listener === 'api' ? batchStats : undefined;
  const answer = (p: Pending, r: ApiResponse) => {
    p.res.writeHead(r.status, { 'content-type': r.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(r.body) });
    p.res.end(r.body);
    opts.log?.(`${listener} ${p.method} ${loggablePath(p.path)} ${r.status} ${(performance.now() - p.started).toFixed(2)}ms`);
  };
  const internal = (p: Pending, e: unknown): ApiResponse => {
    opts.log?.(`lightvibes: internal error on ${p.method} ${loggablePath(p.path)}: ${e instanceof Error ? e.name : 'error'}`);
    return { status: 500, contentType: 'application/json', body: JSON.stringify({ message: 'internal error', details: [{ reason: 'INTERNAL', code: 0 }] }) };
  };
  const stop = (batch: readonly Pending[], e: unknown) => {
    failed = true;
    opts.log?.(`lightvibes: storage commit failed (${e instanceof Error ? e.name : 'error'}); stopping`);
    for (const p of batch) p.res.destroy();
    (opts.onStorageFailure ?? (() => process.exit(70)))(e instanceof Error ? e : new Error(String(e)));
  };
  const flush = () => {
    const batch = queue;
    queue = [];
    if (failed) { for (const p of batch) p.res.destroy(); return; }
    const results: ApiResponse[] = [];
    const run = () => {
      for (const p of batch) {
        try {
          results.push(handleRequest(opts.service, p.req));
        } catch (e) {
          results.push(internal(p, e));
        }
      }
    };
    const t0 = performance.now();
    let durable: Promise<void> | undefined;
    try {
      if (opts.groupDurable) durable = opts.groupDurable(run).durable;
      else if (opts.group) opts.group(run);
      else run();
    } catch (e) {
      return stop(batch, e); // the commit failed: nothing in this batch may be acknowledged
    }
    if (stats) { stats.batches++; stats.requests += batch.length; stats.ms += performance.now() - t0; }
    if (!durable) return batch.forEach((p, i) => answer(p, results[i]!));
    durable.then(() => batch.forEach((p, i) => answer(p, results[i]!)), (e) => stop(batch, e));
  };
  return async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    let path = '/';
    try {
      const url = new URL(req.url ?? '/', 'https://localhost');
      path = url.pathname;
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = v;
      let caller: string | undefined;
      if (listener === 'api') {
        caller = callerOf(req.socket as TLSSocket);
      }
      const body = await readBody(req);
      const p: Pending = { req: { listener, method, path, query, body, caller }, res, method, path, started };
      if (body === undefined) return answer(p, errorResponse(refuse(ApiReject.BODY_TOO_LARGE, `request body over ${MAX_BODY_BYTES} bytes`)));
      queue.push(p);
      if (queue.length === 1) setImmediate(flush);
    } catch (e) {
      const p: Pending = { req: { listener, method, path, query: {} }, res, method, path, started };
      answer(p, internal(p, e));
    }
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

export async function startKeyServer(opts: KeyServerOptions): Promise<KeyServer> {
  const api = createHttpsServer({
    key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: false,
    minVersion: 'TLSv1.3', keepAlive: true,
  } as any, makeHandler(opts, 'api'));
  api.keepAliveTimeout = 30_000;
  // Nagle would hold a small answer back until the previous one is acknowledged
  api.on('secureConnection', (s: TLSSocket) => s.setNoDelay(true));
  const ops = createHttpServer(makeHandler(opts, 'ops'));
  const apiPort = await listen(api, opts.port, opts.host);
  const metricsPort = await listen(ops, opts.metricsPort, opts.host);
  const closeOne = (s: Server) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections?.(); });
  return { apiPort, metricsPort, close: async () => { await Promise.all([closeOne(api), closeOne(ops)]); } };
}

// What every vendor emulator shares: a real node:http server on a loopback port, a log of the requests it
// received (tests assert on what a vendor really saw), simulated latency, and fault injection driven by
// tests, the chaos suite and benchmarks. Vendor behaviour itself lives in each vendor's emulator.ts, as a
// handler that returns a response instead of writing one, so faults can be applied around it
// (e.g. apply the change, then drop the connection: the "reply lost" case).

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';

export interface EmuRequest {
  method: string;
  /** Raw path as received, percent-encoding kept. */
  rawPath: string;
  /** Path with the query string removed, percent-decoded segment by segment. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
}

export interface EmuResponse {
  status: number;
  headers?: Record<string, string>;
  /** string or Buffer is sent as is; anything else is sent as JSON. `undefined` = empty body. */
  body?: unknown;
  /** Gzip the body when the client sent `Accept-Encoding: gzip` and it is over 1000 bytes (one vendor's documented rule). */
  gzipIfAccepted?: boolean;
}

export type EmuHandler = (req: EmuRequest) => EmuResponse | Promise<EmuResponse>;

export interface RecordedRequest extends EmuRequest {
  at: number;
}

export type FaultKind =
  /** Answer with this status/body instead of handling (e.g. 500, 429 + Retry-After). */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Wait before handling (slow vendor). */
  | { kind: 'delay'; ms: number }
  /** Never answer; the socket stays open until the client gives up. */
  | { kind: 'hang' }
  /** Close the connection without an answer, before handling (nothing applied). */
  | { kind: 'reset' }
  /** Handle the request (changes are applied), then close the connection without an answer. */
  | { kind: 'reset-after-handling' }
  /** Handle the request, then send only the first half of the body. */
  | { kind: 'truncate' }
  /** 200 with bytes that parse as neither JSON nor XML. */
  | { kind: 'garbage' }
  /** A fixed reply (e.g. an XML entity bomb, a gzip bomb). */
  | { kind: 'raw'; status: number; headers: Record<string, string>; body: string | Buffer };

export interface Fault {
  fault: FaultKind;
  method?: string;
  /** Matched against the decoded path. */
  path?: RegExp;
  /** How many matching requests it applies to; omitted = until cleared. */
  times?: number;
}

export interface EmulatorServer {
  readonly name: string;
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** How long after a request arrives it is handled and answered, in ms (benchmarks use 20). */
  latencyMs: number;
  addFault(f: Fault): void;
  clearFaults(): void;
  /** Requests whose method (and path, when given) match. */
  count(method: string, path?: RegExp): number;
  /** Resolves once no request is being handled: a delayed one still lands (and applies) after its client gave up. */
  idle(): Promise<void>;
  /**
   * The most requests handled at once (from arrival to answer, latency included) since start or the last
   * call: how tests check a client's concurrency by counting, where timestamps would race a loaded machine.
   */
  takePeakInFlight(): number;
  close(): Promise<void>;
}

export interface EmulatorServerOptions {
  name: string;
  handler: EmuHandler;
  host?: string;
  port?: number;
  latencyMs?: number;
  /** Keep at most this many recorded requests (benchmarks send many). Default 10 000. */
  maxRecorded?: number;
  /** Largest request body accepted; larger ones get 413. Default 20 MiB. */
  maxRequestBytes?: number;
  /**
   * Headers the vendor sends on every answer (rate-limit headers, request ids): added to the handler's
   * answers and to injected faults and refusals alike, so a client meets them wherever the real one would.
   */
  everyAnswer?: (req: EmuRequest) => Record<string, string>;
  /**
   * A vendor's limit on requests in flight at once (a request counts from its arrival to its answer, its
   * latency included): one that arrives while `max()` others are in flight gets `refuse` at once.
   */
  concurrencyLimit?: ConcurrencyLimit;
}

export interface ConcurrencyLimit {
  /** The limit now; undefined: none. */
  max(): number | undefined;
  /** Whether a request counts against the limit (a vendor may count its API calls and not its token calls). */
  counts(req: EmuRequest): boolean;
  /** The vendor's answer to a request over the limit. */
  refuse(req: EmuRequest): EmuResponse;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function decodePath(raw: string): string {
  const pathOnly = raw.split('?')[0] ?? '';
  return pathOnly.split('/').map((seg) => {
    try { return decodeURIComponent(seg); } catch { return seg; }
  }).join('/');
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function encodeBody(body: unknown): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

export async function startEmulatorServer(opts: EmulatorServerOptions): Promise<EmulatorServer> {
  const faults: Fault[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const maxRecorded = opts.maxRecorded ?? 10_000;
  const maxRequestBytes = opts.maxRequestBytes ?? 20 * 1024 * 1024;

  const takeFault = (req: EmuRequest): FaultKind | undefined => {
    const i = faults.findIndex((f) =>
      (!f.method || f.method === req.method) && (!f.path || f.path.test(req.path)));
    if (i < 0) return undefined;
    const f = faults[i]!;
    if (f.times !== undefined && --f.times <= 0) faults.splice(i, 1);
    return f.fault;
  };

  const send = (res: ServerResponse, out: EmuResponse, truncate = false) => {
    const body = encodeBody(out.body);
    const headers: Record<string, string> = { ...out.headers };
    if (out.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = typeof out.body === 'string' || Buffer.isBuffer(out.body) ? 'text/plain' : 'application/json';
    }
    headers['content-length'] = String(body.length);
    res.writeHead(out.status, headers);
    if (truncate) {
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      res.socket?.destroy();
      return;
    }
    res.end(body);
  };

  let handling = 0;
  let peak = 0;
  let idleWaiters: Array<() => void> = [];
  const server: Server = createServer(async (req, res) => {
    handling++;
    if (handling > peak) peak = handling;
    try {
      await handle(req, res);
    } finally {
      if (--handling === 0) { for (const wake of idleWaiters) wake(); idleWaiters = []; }
    }
  });
  /** Requests in flight that count against the concurrency limit. */
  let limited = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // A vendor's latency runs from the request's arrival: reading the body happens within it, not before
    // it (counted before, a 20 ms bench vendor answered in ~21 ms, and the ideal critical path assumes 20).
    const arrived = performance.now();
    const raw = await readBody(req, maxRequestBytes);
    if (raw === null) return send(res, { status: 413, body: { message: 'request body too large' } });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const bodyBuf = headers['content-encoding'] === 'gzip' ? safeGunzip(raw) : raw;
    const rawPath = req.url ?? '/';
    const emuReq: EmuRequest = {
      method: req.method ?? 'GET',
      rawPath,
      path: decodePath(rawPath),
      query: new URL(rawPath, 'http://x').searchParams,
      headers,
      body: bodyBuf?.toString('utf8') ?? '',
    };
    requests.push({ ...emuReq, at: Date.now() });
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);

    const limit = opts.concurrencyLimit?.counts(emuReq) ? opts.concurrencyLimit : undefined;
    const max = limit?.max();
    if (limit === undefined || max === undefined) return respond(req, res, emuReq, headers, arrived);
    if (limited >= max) return send(res, withEveryAnswer(limit.refuse(emuReq), emuReq));
    limited++;
    try {
      return await respond(req, res, emuReq, headers, arrived);
    } finally {
      limited--;
    }
  };
  /** The vendor's every-answer headers under the answer's own (a fault's headers win). */
  const withEveryAnswer = (out: EmuResponse, req: EmuRequest): EmuResponse =>
    opts.everyAnswer ? { ...out, headers: { ...opts.everyAnswer(req), ...out.headers } } : out;
  const respond = async (req: IncomingMessage, res: ServerResponse, emuReq: EmuRequest, headers: Record<string, string>, arrived: number) => {
    if (emulator.latencyMs > 0) await sleep(Math.max(0, arrived + emulator.latencyMs - performance.now()));
    const fault = takeFault(emuReq);
    try {
      switch (fault?.kind) {
        case 'status': return send(res, withEveryAnswer({ status: fault.status, headers: fault.headers ?? {}, body: fault.body }, emuReq));
        case 'hang': return; // the client's deadline ends it
        case 'reset': return void req.socket.destroy();
        case 'garbage': return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: '\u0000<{{garbage]]' });
        case 'raw': return send(res, withEveryAnswer({ status: fault.status, headers: fault.headers, body: fault.body }, emuReq));
        case 'delay': await sleep(fault.ms); break;
        default: break;
      }
      const out = withEveryAnswer(await opts.handler(emuReq), emuReq);
      if (fault?.kind === 'reset-after-handling') return void req.socket.destroy();
      send(res, withCompression(out, headers), fault?.kind === 'truncate');
    } catch (err) {
      send(res, { status: 500, body: { message: `emulator ${opts.name} failed: ${(err as Error).message}` } });
    }
  };
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  const emulator: EmulatorServer = {
    name: opts.name,
    url: `http://${host}:${port}`,
    requests,
    latencyMs: opts.latencyMs ?? 0,
    addFault: (f) => { faults.push({ ...f }); },
    clearFaults: () => { faults.length = 0; },
    count: (method, path) => requests.filter((r) => r.method === method && (!path || path.test(r.path))).length,
    idle: () => (handling === 0 ? Promise.resolve() : new Promise<void>((resolve) => { idleWaiters.push(resolve); })),
    takePeakInFlight: () => { const was = peak; peak = handling; return was; },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
  return emulator;
}

function safeGunzip(buf: Buffer): Buffer | null {
  try { return gunzipSync(buf, { maxOutputLength: 20 * 1024 * 1024 }); } catch { return null; }
}

function withCompression(out: EmuResponse, reqHeaders: Record<string, string>): EmuResponse {
  if (!out.gzipIfAccepted) return out;
  const body = encodeBody(out.body);
  if (!/\bgzip\b/.test(reqHeaders['accept-encoding'] ?? '') || body.length <= 1000) return { ...out, body };
  return { ...out, headers: { ...out.headers, 'content-encoding': 'gzip' }, body: gzipSync(body) };
}

/** Helper for handlers: a JSON reply. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}): EmuResponse =>
  ({ status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) });

/** Helper for handlers: an XML reply. */
export const xml = (status: number, body: string, headers: Record<string, string> = {}): EmuResponse =>
  ({ status, headers: { 'content-type': 'application/xml; charset=utf-8', ...headers }, body });

/** Parses `Authorization: Basic …`; null when absent or malformed. */
export function parseBasic(header: string | undefined): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

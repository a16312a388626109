// The one HTTP path to a vendor: an undici Pool per backend (its `connections` is the outbound concurrency
// cap shared by all GraphQL requests) composed with the small pieces of this folder, and the one place
// where transport failures become BackendError. HTTP error statuses are returned for the vendor's mapping.
//
//   request ─▶ reply collector ─▶ retry (idempotent only) ─▶ circuit breaker ─▶ budget ─▶ observe
//           ─▶ first-byte timeout ─▶ size cap + decoding ─▶ Pool
//
// The call's deadline (caller's signal or the total timeout) is the AbortSignal every piece sees in the
// call's options and the reply collector turns into an abort, so it ends whichever attempt or wait is running.

// Pool's own module, not undici's index: the index loads fetch, WebSocket, EventSource, the mock agents and
// the cache stores (~400 KB of code run at start), none of which the server uses; the Pool alone left 3–4 MB
// less resident after start (BENCHMARKS.md, "undici's Pool alone"). Typed by ./undici-pool.d.ts.
import Pool from 'undici/lib/dispatcher/pool.js';
import type { Dispatcher } from 'undici';
import type { Backend } from '../domain.js';
import { BackendError } from '../errors.js';
import { requestScopeOf } from '../request-scope.js';
import type { VendorBudget } from './budget.js';
import { UNLIMITED } from './budget.js';
import { budgetGate } from './budget-gate.js';
import { CircuitBreaker, circuitBreaker } from './breaker.js';
import type { BreakerState } from './breaker.js';
import { callDeadline, firstByteTimeout } from './deadline.js';
import type { CallDeadline } from './deadline.js';
import { CircuitOpenError, FirstByteTimeoutError, ResponseTooLargeError, UndecodableReplyError, errorCode, failureText } from './errors.js';
import type { CallOptions, CallTrace } from './interceptor.js';
import { observeAttempts } from './observe.js';
import type { AttemptEvent } from './observe.js';
import type { TrafficPolicy } from './policy.js';
import { retry } from './retry.js';
import { ReplyCollector } from './reply-collector.js';
import type { CollectedReply } from './reply-collector.js';
import { SharedReads } from './shared-reads.js';
import { responseSizeCap } from './size-cap.js';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';

export interface HttpRequest {
  method: HttpMethod;
  /** Path below the backend's base URL, already encoded, with its query string. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Whether sending it twice is harmless. Only idempotent calls are retried. */
  idempotent: boolean;
  signal?: AbortSignal | undefined;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
  /** The body as UTF-8, decoded on the first call and kept. */
  text(): string;
  /**
   * `read()`, made once for this reply and kept under `as` (what it reads it as): a reply shared by several
   * requests' reads (shared-reads.ts) is parsed and mapped once, and they all get the same value, which
   * none of them may change. A throw is not kept.
   */
  readOnce<T>(as: string, read: () => T): T;
}

export type HttpEvent = AttemptEvent;

export interface HttpObserver {
  onAttempt?(event: HttpEvent): void;
  onRetry?(backend: Backend): void;
  /** A read answered by an identical read already in flight (shared-reads.ts), not sent again. */
  onSharedRead?(backend: Backend): void;
  /** `cause`: the code of the failure behind an opening (`ECONNREFUSED`, `HTTP_503`...). */
  onBreakerChange?(backend: Backend, state: BreakerState, cause?: string): void;
}

export interface VendorTransportOptions {
  observer?: HttpObserver | undefined;
  /** Rate budget shared with other callers (or replicas) of this vendor. Default: UNLIMITED. */
  budget?: VendorBudget | undefined;
  /** Header carrying the GraphQL request id, for vendors that echo or log one (the vendor's client names it). */
  requestIdHeader?: string;
}

// Failures where the connection never carried the request.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export class VendorTransport {
  readonly breaker: CircuitBreaker;
  private readonly pool: Pool;
  private readonly dispatcher: Dispatcher;
  private readonly basePath: string;
  private readonly requestIdHeader: string | undefined;
  private readonly reads = new SharedReads<HttpResponse>();
  private readonly onSharedRead: (() => void) | undefined;

  constructor(readonly backend: Backend, baseUrl: string, readonly policy: TrafficPolicy, options: VendorTransportOptions = {}) {
    const { observer = {}, budget = UNLIMITED } = options;
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.requestIdHeader = options.requestIdHeader;
    this.onSharedRead = observer.onSharedRead ? () => observer.onSharedRead!(backend) : undefined;
    this.pool = new Pool(url.origin, {
      connections: policy.maxConnections,
      connect: { timeout: policy.connectTimeoutMs },
      // Safety nets only (undici's timers are coarse); deadline.ts holds the real deadlines.
      headersTimeout: policy.firstByteTimeoutMs + 1_000,
      bodyTimeout: policy.totalTimeoutMs + 1_000,
      keepAliveTimeout: 10_000,
    });
    this.breaker = new CircuitBreaker(policy.breakerFailureThreshold, policy.breakerResetMs, Date.now,
      (state, cause) => observer.onBreakerChange?.(backend, state, cause));
    // compose() takes the piece nearest the socket first.
    this.dispatcher = this.pool.compose(
      responseSizeCap(policy.maxResponseBytes),
      firstByteTimeout(policy.firstByteTimeoutMs),
      observeAttempts(backend, observer.onAttempt?.bind(observer)),
      budgetGate(budget),
      circuitBreaker(this.breaker),
      retry({
        maxRetries: policy.maxRetries, baseMs: policy.retryBaseMs, maxMs: policy.retryMaxMs,
        onRetry: () => observer.onRetry?.(backend),
      }),
    );
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const scope = requestScopeOf(req.signal);
    const requestId = this.requestIdHeader ? scope?.requestId : undefined;
    if (req.method !== 'GET') {
      // Reads in flight now are not joined by reads made after this write (shared-reads.ts).
      this.reads.writeSeen();
      try {
        return await this.exchange(req, callDeadline(this.policy.totalTimeoutMs, req.signal), requestId);
      } finally {
        this.reads.writeSeen();
      }
    }
    // A caller already gone takes the unshared path, which sends nothing and says so.
    if (scope === undefined || scope.exclusiveReads === true || req.body !== undefined || req.signal!.aborted) {
      return this.exchange(req, callDeadline(this.policy.totalTimeoutMs, req.signal), requestId);
    }
    return this.reads.read(readKey(req), req.signal, () => {
      // The exchange belongs to every caller who joins it: its own deadline, ended early only when they
      // have all left. It carries the first caller's request id.
      const deadline = callDeadline(this.policy.totalTimeoutMs);
      return { promise: this.exchange(req, deadline, requestId), cancel: (reason) => deadline.cancel(reason) };
    }, (reason) => this.cancelled(reason, true), this.onSharedRead);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** One call through the pieces; `deadline` is disposed when it ends. */
  private async exchange(req: HttpRequest, deadline: CallDeadline, requestId: string | undefined): Promise<HttpResponse> {
    const trace: CallTrace = { backend: this.backend, sent: 0, attempts: 0 };
    try {
      // Ended before it started (a shutdown, a client gone): nothing is sent.
      if (deadline.aborted) throw deadline.reason;
      const opts = new CallOpts(req.method, this.basePath + req.path,
        requestId ? { ...req.headers, [this.requestIdHeader!]: requestId } : req.headers, req.body, req.idempotent, trace, deadline);
      const res = await new Promise<CollectedReply>((resolve, reject) => {
        this.dispatcher.dispatch(opts, new ReplyCollector(deadline, resolve, reject));
      });
      return new Reply(res.status, flattenHeaders(res.headers), res.body);
    } catch (err) {
      throw this.toBackendError(err, req, trace, deadline);
    } finally {
      deadline.dispose();
    }
  }

  /**
   * A call its caller ended (a client gone, the shutdown deadline) that is safe to send again: a read,
   * its own or shared (a caller who left a shared read gets what its own GET would have), or a write that
   * never went out.
   */
  private cancelled(cause: unknown, sent: boolean): BackendError {
    return new BackendError(this.backend, 'BACKEND_UNAVAILABLE', `${this.backend} call cancelled${sent ? '' : ' before it was sent'}`,
      { cause, retryable: true, requestMayHaveBeenSent: sent });
  }

  private toBackendError(err: unknown, req: HttpRequest, trace: CallTrace, deadline: CallDeadline): BackendError {
    const b = this.backend;
    const sent = trace.sent > 0;
    if (err instanceof BackendError) return err;
    if (err instanceof CircuitOpenError) {
      return new BackendError(b, 'BACKEND_UNAVAILABLE',
        `${b} is failing; calls are paused for a few seconds (circuit open after: ${failureText(err.failure)})`,
        { cause: err, requestMayHaveBeenSent: sent, retryable: true });
    }
    if (deadline.callerAborted) {
      // The caller (a client gone, or the shutdown deadline) ended the call. A write that went out may
      // have been applied: say so, instead of an "unavailable" that invites a blind retry.
      if (sent && req.method !== 'GET') {
        return new BackendError(b, 'OUTCOME_UNKNOWN',
          `${b} call was cut off after the request was sent; it may have been applied, check the task before retrying`,
          { cause: err, retryable: false, requestMayHaveBeenSent: true });
      }
      return this.cancelled(err, sent);
    }
    if (deadline.aborted) {
      return new BackendError(b, 'BACKEND_UNAVAILABLE', `${b} did not answer within ${this.policy.totalTimeoutMs} ms`,
        { cause: err, requestMayHaveBeenSent: sent });
    }
    if (err instanceof FirstByteTimeoutError) {
      return new BackendError(b, 'BACKEND_UNAVAILABLE', `${b} did not answer within ${err.timeoutMs} ms`,
        { cause: err, requestMayHaveBeenSent: sent });
    }
    if (err instanceof ResponseTooLargeError) {
      return new BackendError(b, 'BACKEND_UNAVAILABLE',
        `${b} sent a ${err.decoded ? 'compressed ' : ''}reply larger than ${err.maxBytes} bytes`, { cause: err });
    }
    if (err instanceof UndecodableReplyError) {
      return new BackendError(b, 'BACKEND_UNAVAILABLE', `${b} sent a garbled compressed reply`, { cause: err });
    }
    const code = errorCode(err);
    return new BackendError(b, 'BACKEND_UNAVAILABLE',
      NOT_CONNECTED.has(code) ? `${b} is unreachable (${failureText(code)})` : `${b} connection failed before a complete reply`,
      { cause: err, requestMayHaveBeenSent: sent });
  }
}

/**
 * A call's options as the pieces and undici read them. A class, not an object literal: a literal with
 * getters is kept in dictionary mode by V8, ~600 bytes more per vendor call and a slower read of every
 * field in each piece and in undici.
 */
class CallOpts implements CallOptions {
  constructor(
    readonly method: HttpMethod,
    readonly path: string,
    readonly headers: Record<string, string> | undefined,
    readonly body: string | Buffer | undefined,
    readonly idempotent: boolean,
    readonly trace: CallTrace,
    private readonly deadline: CallDeadline,
  ) {}

  /** Read only by the budget's wait and on error paths: made when first read (deadline.ts). */
  get signal(): AbortSignal { return this.deadline.signal; }
  get callAborted(): boolean { return this.deadline.aborted; }
}

/** The text is decoded once: an adapter may read it for a not-found check and again to parse it. */
class Reply implements HttpResponse {
  private decoded: string | undefined;
  private readAs: string | undefined;
  private read: unknown;
  constructor(readonly status: number, readonly headers: Record<string, string>, readonly body: Buffer) {}
  text(): string { return this.decoded ??= this.body.toString('utf8'); }
  readOnce<T>(as: string, read: () => T): T {
    if (this.readAs !== as) {
      this.read = read();
      this.readAs = as;
    }
    return this.read as T;
  }
}

/** What makes two reads the same: the path and the headers sent (the credentials among them). */
function readKey(req: HttpRequest): string {
  let key = req.path;
  const h = req.headers;
  for (const k in h) key += `\n${k}:${h[k]}`;
  return key;
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) {
    const v = h[k];
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

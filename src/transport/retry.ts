// Retries for idempotent calls only: a failed exchange (refused, reset, first-byte timeout, a cut-off body)
// or a 429/5xx answer is sent again, up to `maxRetries` times, after a full-jitter backoff or the wait the
// vendor names (Retry-After / RateLimit-Reset) when that fits in `maxMs`. A call not marked idempotent
// passes straight through: it is never sent twice.
//
// Not retried, whatever the call: an open circuit (failing fast is its point), a budget refusal, a reply
// over the size cap (the vendor would send the same again), and a call whose signal ended (the caller gave
// up or the deadline passed).
//
// Why not undici's `interceptors.retry`: after a body breaks off it "resumes" with a Range request (plus
// If-Match), which no vendor here supports, and for a PUT that means resending the write with a Range
// header; its backoff wait does not listen to the call's signal (an abort during the wait lands on the
// finished attempt); it keeps the connection paused during the wait instead of reading the error body and
// releasing the socket; a Retry-After beyond `maxTimeout` is shortened to it rather than ending the
// retries; and its default `throwOnError` drops the bodies of error replies. Here a reply reaches the caller
// only when it is complete (idempotent replies are buffered; they are bounded by the size cap), so a
// cut-off body is simply another failed attempt.

import { BackendError } from '../errors.js';
import { CircuitOpenError, ResponseTooLargeError } from './errors.js';
import type { CallOptions, Controller, Dispatch, Handler, Headers, Interceptor } from './interceptor.js';
import { waitHintMs } from '../shared/retry-after.js';
import { WholeReplyHandler } from './whole-reply.js';

export interface RetryPolicy {
  /** Extra attempts after the first. */
  maxRetries: number;
  /** Backoff cap for the first retry, doubling after each. */
  baseMs: number;
  /** Longest single wait; a vendor asking for longer ends the retries (its answer is returned). */
  maxMs: number;
  /** Called once per retry, before its wait (metrics). */
  onRetry?: () => void;
  /** For tests: a deterministic jitter. */
  random?: () => number;
}

export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export const retry = (policy: RetryPolicy): Interceptor => (dispatch) => (opts, handler) => {
  if (!(opts as CallOptions).idempotent || policy.maxRetries <= 0) return dispatch(opts, handler);
  new RetryingCall(dispatch, opts as CallOptions, handler, policy).start();
  return true;
};

/** Errors that say nothing a second attempt could change. */
const isFinal = (err: Error): boolean =>
  err instanceof CircuitOpenError || err instanceof ResponseTooLargeError || err instanceof BackendError;

class RetryingCall {
  private attempt = 0;
  private current: Controller | undefined;
  private waiting: NodeJS.Timeout | undefined;
  private abortReason: Error | undefined;
  private done = false;
  /** The one controller the caller sees, across attempts and waits. */
  private readonly controller: Controller;

  constructor(
    private readonly dispatch: Dispatch,
    private readonly opts: CallOptions,
    private readonly handler: Handler,
    private readonly policy: RetryPolicy,
  ) {
    this.controller = new CallController(this);
  }

  start(): void {
    this.handler.onRequestStart?.(this.controller, {});
    this.send();
  }

  private send(): void {
    this.waiting = undefined;
    if (this.callEnded) return this.failed(this.abortReason ?? (this.opts.signal?.reason as Error));
    this.attempt += 1;
    try {
      this.dispatch(this.opts, new AttemptHandler(this));
    } catch (err) {
      this.failed(err as Error);
    }
  }

  private get callEnded(): boolean {
    return this.abortReason !== undefined || (this.opts.callAborted ?? this.opts.signal?.aborted) === true;
  }

  private get attemptsLeft(): boolean {
    return this.attempt <= this.policy.maxRetries;
  }

  attemptStarted(controller: Controller): void {
    this.current = controller;
    if (this.abortReason) controller.abort(this.abortReason);
  }

  /** A complete reply. Retried when its status asks for it and a wait fits; otherwise handed on. */
  replied(status: number, headers: Headers, statusMessage: string | undefined, body: Buffer, trailers: Headers): void {
    this.current = undefined;
    if (RETRY_STATUSES.has(status) && this.attemptsLeft && !this.callEnded) {
      const hinted = waitHintMs(status, headers);
      if (hinted === undefined || hinted <= this.policy.maxMs) return this.retryAfter(hinted);
    }
    this.finish((h) => {
      h.onResponseStart?.(this.controller, status, headers, statusMessage);
      if (body.length > 0) h.onResponseData?.(this.controller, body);
      h.onResponseEnd?.(this.controller, trailers);
    });
  }

  failed(err: Error): void {
    this.current = undefined;
    if (this.callEnded || isFinal(err) || !this.attemptsLeft) {
      return this.finish((h) => h.onResponseError?.(this.controller, this.abortReason ?? err));
    }
    this.retryAfter(undefined);
  }

  private retryAfter(hintedMs: number | undefined): void {
    this.policy.onRetry?.();
    // Full jitter (AWS architecture blog): spreads a burst of clients instead of synchronising them.
    const cap = Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** (this.attempt - 1));
    const ms = hintedMs ?? (this.policy.random ?? Math.random)() * cap;
    this.waiting = setTimeout(() => this.send(), ms);
  }

  /** @internal for CallController */
  get abortedWith(): Error | undefined { return this.abortReason; }

  abort(reason: Error): void {
    if (this.done || this.abortReason) return;
    this.abortReason = reason;
    if (this.waiting) {
      clearTimeout(this.waiting);
      this.waiting = undefined;
      this.finish((h) => h.onResponseError?.(this.controller, reason));
    } else {
      // The running attempt ends with this reason and comes back through failed().
      this.current?.abort(reason);
    }
  }

  private finish(deliver: (h: Handler) => void): void {
    if (this.done) return;
    this.done = true;
    deliver(this.handler);
  }
}

/** The one controller the caller sees, across attempts and waits (a class: one object per call, no closures). */
class CallController implements Controller {
  constructor(private readonly call: RetryingCall) {}
  get aborted(): boolean { return this.call.abortedWith !== undefined; }
  get paused(): boolean { return false; }
  get reason(): Error | null { return this.call.abortedWith ?? null; }
  // Replies are delivered complete, so there is nothing to pause.
  pause(): void {}
  resume(): void {}
  abort(reason: Error): void { this.call.abort(reason); }
}

/** One attempt: collects the reply and reports it whole, or its failure. */
class AttemptHandler extends WholeReplyHandler {
  constructor(private readonly call: RetryingCall) {
    super();
  }

  onRequestStart(controller: Controller): void { this.call.attemptStarted(controller); }
  protected whole(status: number, headers: Headers, statusMessage: string | undefined, body: Buffer, trailers: Headers): void {
    this.call.replied(status, headers, statusMessage, body, trailers);
  }
  onResponseError(_c: Controller, error: Error): void { this.call.failed(error); }
}

// Deadlines. The call's deadline is an AbortSignal (the caller's signal or the total timeout, whichever
// comes first) handed to undici's request(): aborting it aborts whatever attempt or wait is running, and
// the pieces that wait (budget, retry backoff) listen to it. The first-byte timeout is an interceptor,
// per attempt, from dispatch to the response headers.
//
// Why not undici's headersTimeout/bodyTimeout: they run on undici's coarse "fast timers" (about 1 s
// resolution; a 200 ms headersTimeout fired at ~960 ms), so they stay in the Pool as safety nets only.
// Why not AbortSignal.timeout/any: they cost about a fifth of this layer's CPU per call (benchmarks), so
// these are plain timers and one shared listener on the caller's signal, dropped when the call ends.

import { watchAbort } from './abort-fanout.js';
import { DeadlineExceededError, FirstByteTimeoutError } from './errors.js';
import { ForwardingHandler } from './interceptor.js';
import type { Controller, Handler, Headers, Interceptor } from './interceptor.js';

export interface CallDeadline {
  /**
   * Aborts with the caller's reason, or with a DeadlineExceededError after `totalMs`. Made on first use:
   * most calls end without anything asking for it (only the budget's wait and error paths read it), and an
   * AbortController was the largest allocation of a vendor call (~3 KB).
   */
  readonly signal: AbortSignal;
  /** Whether the call was aborted (by the caller or the deadline); `reason` says why. */
  readonly aborted: boolean;
  readonly reason: Error | undefined;
  /** Whether it was the caller (not the deadline) that ended the call. */
  readonly callerAborted: boolean;
  /**
   * Calls `fn` with the reason if the call is aborted from now on; returns the function that stops it. One
   * watcher at a time (the call's reply collector): a plain callback, where a listener on `signal` would be
   * an EventTarget add and remove on every vendor call.
   */
  onAbort(fn: (reason: Error) => void): () => void;
  /** Ends the call as its caller would (a read shared by callers who have all left: shared-reads.ts). */
  cancel(reason: Error): void;
  /** Clears the timer and the caller listener; call it when the call is over, body included. */
  dispose(): void;
}

export function callDeadline(totalMs: number, caller?: AbortSignal): CallDeadline {
  return new Deadline(totalMs, caller);
}

class Deadline implements CallDeadline {
  aborted = false;
  reason: Error | undefined;
  callerAborted = false;
  private controller: AbortController | undefined;
  private watcher: ((reason: Error) => void) | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly unwatch: (() => void) | undefined;

  constructor(totalMs: number, private readonly caller: AbortSignal | undefined) {
    this.timer = setTimeout(() => this.abort(new DeadlineExceededError(totalMs)), totalMs);
    if (caller?.aborted) this.callerAbort();
    // The caller's signal is shared by many calls: one listener for all of them (abort-fanout.ts).
    else if (caller) this.unwatch = watchAbort(caller, () => this.callerAbort());
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  onAbort(fn: (reason: Error) => void): () => void {
    this.watcher = fn;
    return () => { if (this.watcher === fn) this.watcher = undefined; };
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.unwatch?.();
  }

  cancel(reason: Error): void {
    this.callerAborted = !this.aborted;
    this.abort(reason);
  }

  private callerAbort(): void {
    this.cancel(this.caller!.reason as Error);
  }

  private abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.watcher?.(reason);
  }
}

/** Ends an attempt that has no response headers `timeoutMs` after it was dispatched. */
export const firstByteTimeout = (timeoutMs: number): Interceptor => (dispatch) => (opts, handler) =>
  dispatch(opts, new FirstByteHandler(handler, timeoutMs));

class FirstByteHandler extends ForwardingHandler {
  private readonly timer: NodeJS.Timeout;
  private controller: Controller | undefined;
  private expired = false;

  constructor(next: Handler, private readonly timeoutMs: number) {
    super(next);
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller?.abort(new FirstByteTimeoutError(this.timeoutMs));
    }, timeoutMs);
  }

  override onRequestStart(controller: Controller, context: unknown): void {
    this.controller = controller;
    // Still queued when it expired: end it as soon as it reaches a socket, before anything is written.
    if (this.expired) controller.abort(new FirstByteTimeoutError(this.timeoutMs));
    else super.onRequestStart(controller, context);
  }

  override onResponseStart(controller: Controller, statusCode: number, headers: Headers, statusMessage?: string): void {
    clearTimeout(this.timer);
    super.onResponseStart(controller, statusCode, headers, statusMessage);
  }

  override onResponseError(controller: Controller, error: Error): void {
    clearTimeout(this.timer);
    super.onResponseError(controller, error);
  }
}

// Watches each attempt that reaches the pool: marks the call's trace when a request was handed to a
// socket (it may have reached the vendor from then on) and reports one event per attempt (metrics).

import type { Backend } from '../domain.js';
import { errorCode } from './errors.js';
import { ForwardingHandler } from './interceptor.js';
import type { CallOptions, CallTrace, Controller, Handler, Headers, Interceptor } from './interceptor.js';

export interface AttemptEvent {
  backend: Backend;
  method: string;
  status: number | null;
  durationMs: number;
  /** 1 for the first attempt of a call. */
  attempt: number;
  /** The failure's code, when the attempt failed. */
  error?: string;
}

export const observeAttempts = (backend: Backend, onAttempt?: (event: AttemptEvent) => void): Interceptor => (dispatch) => (opts, handler) => {
  const call = opts as CallOptions;
  const trace = call.trace;
  if (trace) trace.attempts += 1;
  if (!trace && !onAttempt) return dispatch(opts, handler);
  return dispatch(opts, new AttemptObserver(handler, backend, call.method, trace, onAttempt));
};

class AttemptObserver extends ForwardingHandler {
  private readonly started = performance.now();
  private readonly attempt: number;
  private status: number | null = null;

  constructor(next: Handler, private readonly backend: Backend, private readonly method: string,
    private readonly trace: CallTrace | undefined, private readonly onAttempt?: (event: AttemptEvent) => void) {
    super(next);
    this.attempt = trace?.attempts ?? 1;
  }

  override onRequestStart(controller: Controller, context: unknown): void {
    super.onRequestStart(controller, context);
    // Aborted on the way up (the call ended while it was queued): undici writes nothing then.
    if (this.trace && !controller.aborted) this.trace.sent += 1;
  }

  override onResponseStart(controller: Controller, statusCode: number, headers: Headers, statusMessage?: string): void {
    this.status = statusCode;
    super.onResponseStart(controller, statusCode, headers, statusMessage);
  }

  override onResponseEnd(controller: Controller, trailers: Headers): void {
    this.report();
    super.onResponseEnd(controller, trailers);
  }

  override onResponseError(controller: Controller, error: Error): void {
    this.report(errorCode(error));
    super.onResponseError(controller, error);
  }

  private report(error?: string): void {
    this.onAttempt?.({
      backend: this.backend, method: this.method, status: this.status, durationMs: performance.now() - this.started,
      attempt: this.attempt, ...(error === undefined ? {} : { error }),
    });
  }
}

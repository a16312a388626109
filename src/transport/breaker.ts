// A per-backend circuit breaker, as an interceptor in front of every attempt. After `failureThreshold`
// consecutive failures the circuit opens and attempts fail fast with CircuitOpenError (nothing is sent)
// for `resetMs`; then one probe is let through (half-open): its success closes the circuit, its failure
// opens it again. The breaker remembers the failure that opened it, so "circuit open" can say why.
// Small enough that a library would add more than it saves.

import { BackendError } from '../errors.js';
import { DeadlineExceededError, CircuitOpenError, errorCode } from './errors.js';
import { ForwardingHandler, failBeforeDispatch } from './interceptor.js';
import type { CallOptions, Controller, Handler, Headers, Interceptor } from './interceptor.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** `cause`: the code of the failure behind the change (`ECONNREFUSED`, `HTTP_503`...); none when closing. */
export type BreakerListener = (state: BreakerState, cause: string | undefined) => void;

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private state_: BreakerState = 'closed';
  private lastFailure: string | undefined;

  constructor(
    private readonly failureThreshold: number,
    private readonly resetMs: number,
    private readonly now: () => number = Date.now,
    private readonly onChange: BreakerListener = () => {},
  ) {}

  get state(): BreakerState {
    if (this.state_ === 'open' && this.now() - this.openedAt >= this.resetMs) this.setState('half-open');
    return this.state_;
  }

  /** The code of the last failure counted (kept while open, so fast failures can name it). */
  get cause(): string | undefined {
    return this.lastFailure;
  }

  private setState(state: BreakerState) {
    if (state === this.state_) return;
    this.state_ = state;
    this.onChange(state, state === 'closed' ? undefined : this.lastFailure);
  }

  /** True when a call may go out now. In half-open, only one probe at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    return false;
  }

  onSuccess(): void {
    this.failures = 0;
    this.probing = false;
    this.setState('closed');
  }

  onFailure(cause = 'UNKNOWN'): void {
    this.probing = false;
    this.failures += 1;
    this.lastFailure = cause;
    if (this.state_ === 'half-open' || this.failures >= this.failureThreshold) {
      this.openedAt = this.now();
      this.setState('open');
    }
  }

  /** A call that neither proved nor disproved health (e.g. the caller gave up): free the probe slot. */
  onNeutral(): void {
    this.probing = false;
  }
}

/**
 * Every attempt asks the breaker first. A 5xx or a failed exchange counts against the vendor; a caller
 * that gave up (its own abort, not our deadline) or a budget refusal says nothing about its health.
 */
export const circuitBreaker = (breaker: CircuitBreaker): Interceptor => (dispatch) => (opts, handler) => {
  if (!breaker.tryAcquire()) return failBeforeDispatch(handler, new CircuitOpenError(breaker.cause));
  return dispatch(opts, new BreakerHandler(handler, breaker, opts as CallOptions));
};

class BreakerHandler extends ForwardingHandler {
  private status = 0;

  // The options, not their signal: the signal is made when first read, and only an error reads it.
  constructor(next: Handler, private readonly breaker: CircuitBreaker, private readonly opts: CallOptions) {
    super(next);
  }

  override onResponseStart(controller: Controller, statusCode: number, headers: Headers, statusMessage?: string): void {
    this.status = statusCode;
    super.onResponseStart(controller, statusCode, headers, statusMessage);
  }

  // Counted once the reply is complete: a 200 whose body is cut off is a failure, not a success.
  override onResponseEnd(controller: Controller, trailers: Headers): void {
    if (this.status >= 500) this.breaker.onFailure(`HTTP_${this.status}`);
    else this.breaker.onSuccess();
    super.onResponseEnd(controller, trailers);
  }

  override onResponseError(controller: Controller, error: Error): void {
    const signal = this.opts.signal;
    const callerGaveUp = signal?.aborted === true && !(signal.reason instanceof DeadlineExceededError);
    // A BackendError here is the budget's refusal: the attempt never went out.
    if (callerGaveUp || error instanceof BackendError) this.breaker.onNeutral();
    else this.breaker.onFailure(errorCode(error));
    super.onResponseError(controller, error);
  }
}

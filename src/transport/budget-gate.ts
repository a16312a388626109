// Puts every attempt through the vendor's budget: `take()` before it is dispatched (so retries count too),
// and `pause()` until the time a 429 names (Retry-After or RateLimit-Reset), so no request to that vendor
// starts before then, from this process or (with a shared budget) any other.

import type { VendorBudget } from './budget.js';
import { ForwardingHandler, failBeforeDispatch } from './interceptor.js';
import type { CallOptions, Controller, Handler, Headers, Interceptor } from './interceptor.js';
import { retryAfterMs } from '../shared/retry-after.js';

export const budgetGate = (budget: VendorBudget, onPauseError: (err: unknown) => void = () => {}): Interceptor => (dispatch) => (opts, handler) => {
  const gated = new BudgetHandler(handler, budget, onPauseError);
  // A budget with a slot free right now (no pause, no rate limit) is passed without a promise hop.
  if (budget.takeNow?.() === true) return dispatch(opts, gated);
  const signal = (opts as CallOptions).signal ?? NEVER;
  budget.take(signal).then(
    () => {
      try { dispatch(opts, gated); } catch (err) { failBeforeDispatch(handler, err as Error); }
    },
    (err: unknown) => failBeforeDispatch(handler, err instanceof Error ? err : new Error(String(err))),
  );
  return true;
};

const NEVER = new AbortController().signal;

class BudgetHandler extends ForwardingHandler {
  constructor(next: Handler, private readonly budget: VendorBudget, private readonly onPauseError: (err: unknown) => void) {
    super(next);
  }

  override onResponseStart(controller: Controller, statusCode: number, headers: Headers, statusMessage?: string): void {
    if (statusCode === 429) {
      const waitMs = retryAfterMs(headers);
      if (waitMs !== undefined) {
        try {
          void Promise.resolve(this.budget.pause(Date.now() + waitMs)).catch(this.onPauseError);
        } catch (err) {
          this.onPauseError(err);
        }
      }
    }
    super.onResponseStart(controller, statusCode, headers, statusMessage);
  }
}

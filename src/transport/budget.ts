// The hook through which a vendor's request rate is shared: each backend's transport calls `take()` before
// every request and `pause()` when the vendor answers 429 with a retry hint (budget-gate.ts). UNLIMITED is
// the default; the Redis-backed budgets shared by replicas implement the same interface.

export interface VendorBudget {
  /** Resolves when one more request to this vendor may start (rate limit, and any pause below). Rejects with
   *  the domain's BACKEND_UNAVAILABLE error (retryable) when `signal` aborts first. */
  take(signal: AbortSignal): Promise<void>;
  /**
   * Optional: takes a slot at once when one is free without waiting or asking anyone (no pause in force, no
   * rate limit to consult), and says so; false means the caller must `take()`. Most calls pass the budget
   * this way, without a promise hop or the call's signal, which is made only when first read.
   */
  takeNow?(): boolean;
  /** The vendor answered 429 with Retry-After / RateLimit-Reset: no request to it before this time, anywhere. */
  pause(untilEpochMs: number): void | Promise<void>;
}

/** No limit and no pause: every request may start at once. */
export const UNLIMITED: VendorBudget = Object.freeze({
  take: () => Promise.resolve(),
  takeNow: () => true,
  pause: () => {},
});

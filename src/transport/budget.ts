// The vendor budget hook: how many requests may start against one vendor, and when none may (the vendor
// answered 429 with a retry hint). Each backend's transport calls `take()` before every request and
// `pause()` on a 429 carrying Retry-After / RateLimit-Reset. Implementations: src/budget/ (a request
// rate per second, in process or shared by all replicas through Redis).

export interface VendorBudget {
  /** Resolves when one more request to this vendor may start (rate limit, and any pause below). Rejects with
   *  the domain's BACKEND_UNAVAILABLE error (retryable) when `signal` aborts first. */
  take(signal: AbortSignal): Promise<void>;
  /** The vendor answered 429 with Retry-After / RateLimit-Reset: no request to it before this time, anywhere. */
  pause(untilEpochMs: number): void | Promise<void>;
}

export const UNLIMITED: VendorBudget = Object.freeze({
  take: async () => undefined,
  pause: () => undefined,
});

// The GraphQL request an outbound vendor call belongs to, without threading it through every adapter
// signature: every vendor call already carries its request's AbortSignal, so the scope is looked up by
// that signal (server.ts binds it when it builds the request's context). The HTTP layer reads the id to
// send it to vendors that accept one (a track-id header), and adapters memoise reads that would otherwise
// repeat within one request.
//
// Why not AsyncLocalStorage: on Node 20 it turns on promise hooks for every promise in the process, about
// 3 % of the CPU of a read and as much again in allocation (benchmarks); a WeakMap lookup per call is free.

import { watchAbort } from './transport/abort-fanout.js';

export interface RequestScope {
  requestId: string;
  memo?: Map<string, Promise<unknown>>;
  /**
   * Set when the request runs anything but a query (plugins/use-read-sharing.ts): its vendor reads may feed
   * writes, so they never join another request's read in flight (transport/shared-reads.ts).
   */
  exclusiveReads?: boolean;
}

const scopes = new WeakMap<AbortSignal, RequestScope>();

/** Makes `scope` the scope of every call made with `signal` (the request's, or one derived for it). */
export function bindRequestScope(signal: AbortSignal, scope: RequestScope): void {
  scopes.set(signal, scope);
}

export const requestScopeOf = (signal: AbortSignal | undefined): RequestScope | undefined =>
  signal === undefined ? undefined : scopes.get(signal);

/**
 * `fn()` once per GraphQL request (the one `signal` belongs to) and key; outside a request (tests,
 * scripts, jobs) it simply runs. A failure is not kept, so a later call in the same request tries again.
 */
export function memoInRequest<T>(signal: AbortSignal | undefined, key: string, fn: () => Promise<T>): Promise<T> {
  const scope = requestScopeOf(signal);
  if (!scope) return fn();
  scope.memo ??= new Map();
  const hit = scope.memo.get(key);
  if (hit) return hit as Promise<T>;
  const value = fn();
  scope.memo.set(key, value);
  value.catch(() => { if (scope.memo?.get(key) === value) scope.memo.delete(key); });
  return value;
}

/**
 * A signal that follows `parent` (the shutdown signal writes watch) and belongs to `signal`'s request
 * scope, so writes carry the request id too. `release()` when the work is over: it stops following.
 */
export function scopedSignal(parent: AbortSignal, signal: AbortSignal): { signal: AbortSignal; release(): void } {
  const scope = requestScopeOf(signal);
  if (!scope) return { signal: parent, release: () => {} };
  const derived = new AbortController();
  if (parent.aborted) derived.abort(parent.reason);
  const release = parent.aborted ? () => {} : watchAbort(parent, () => derived.abort(parent.reason));
  bindRequestScope(derived.signal, scope);
  return { signal: derived.signal, release };
}

// The GraphQL request an outbound vendor call belongs to, without threading it through every adapter
// signature: execution runs inside this AsyncLocalStorage scope (see useRequestScope in server.ts). The
// HTTP layer reads the id to send it to vendors that accept one (a track-id header), and adapters memoise
// reads that would otherwise repeat within one request.

import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestScope {
  requestId: string;
  memo?: Map<string, Promise<unknown>>;
}

const storage = new AsyncLocalStorage<RequestScope>();

export const runInRequestScope = <T>(scope: RequestScope, fn: () => T): T => storage.run(scope, fn);

export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;

/**
 * `fn()` once per GraphQL request and key; outside a request (tests, scripts) it simply runs. A failure is
 * not kept, so a later call in the same request tries again.
 */
export function memoInRequest<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const scope = storage.getStore();
  if (!scope) return fn();
  scope.memo ??= new Map();
  const hit = scope.memo.get(key);
  if (hit) return hit as Promise<T>;
  const value = fn();
  scope.memo.set(key, value);
  value.catch(() => { if (scope.memo?.get(key) === value) scope.memo.delete(key); });
  return value;
}

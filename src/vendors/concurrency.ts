// Bounded concurrency for vendor calls that have no batch form (reads by id, a PUT per task): p-limit for
// a limit shared across calls (a vendor's one-at-a-time writes), and mapLimited for one list mapped in input order.

import pLimit from 'p-limit';
import type { TrafficPolicy } from '../transport/policy.js';

export { pLimit };

/**
 * Reads by id (`task`, `nodes`, `_entities`) one GraphQL request may have in flight to one backend. A plain
 * script sends all of a request's reads at once; 8 made a 50-alias query wait three vendor round trips.
 * The process-wide bound stays the backend's socket pool (`maxConnections`), which this never exceeds.
 */
export const DEFAULT_READ_CONCURRENCY = 16;

/** The read setting of a backend's traffic policy: `<BACKEND>_READ_CONCURRENCY` / `TASKHUB_READ_CONCURRENCY`. */
export interface ReadPolicy { readConcurrency: number }

export const readConcurrencyOf = (policy: TrafficPolicy & Partial<ReadPolicy>): number =>
  Math.max(1, Math.min(policy.readConcurrency ?? DEFAULT_READ_CONCURRENCY, policy.maxConnections));

/**
 * `fn` over `items` with at most `limit` in flight; results in input order. `limit` workers take the next
 * item as one finishes: p-limit's queue costs a few promises and closures per item, ~2 KB of garbage per
 * vendor read (a 50-task read by id made 100 KB of it).
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}

/**
 * The read every adapter without a batch read shares: each distinct id that `isValid` accepts is fetched
 * once, at most `limit` at a time, and the answers come back in request order, one per id asked: the task,
 * null (no such task, or an id that cannot be one: nothing is sent for it), or that id's Error.
 */
export async function fetchEach<T>(
  ids: readonly string[], limit: number, isValid: (id: string) => boolean, fetchOne: (id: string) => Promise<T | null>,
): Promise<Array<T | null | Error>> {
  const distinct = [...new Set(ids)].filter(isValid);
  const fetched = await mapLimited(distinct, limit,
    (id) => fetchOne(id).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
  const byId = new Map(distinct.map((id, i) => [id, fetched[i]!] as const));
  return ids.map((id) => byId.get(id) ?? null);
}

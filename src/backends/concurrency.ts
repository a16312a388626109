// Bounded concurrency for vendor calls that have no batch form (reads by id, SuperOffice's PUT per task).
// p-limit does the queueing; this adds the one shape every adapter needs: map in input order.

import pLimit from 'p-limit';

export { pLimit };

/** `fn` over `items` with at most `limit` in flight; results in input order. */
export function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const run = pLimit(Math.max(1, limit));
  return Promise.all(items.map((item) => run(() => fn(item))));
}

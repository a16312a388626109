// One page of a job's results, for both stores: results are stored as JSON by input index, and a page is
// read window by window, because while a job runs (or with a kind asked for) some indexes have nothing to
// give. Whether another page follows is known by reading on to the next such result, so `hasNextPage` is
// false on the last page instead of leading a client to an empty one.

import type { ItemResult } from '../batch/plan.js';
import { kindOf } from './store.js';
import type { ResultKind, ResultPage } from './store.js';

/** The least read at a time (and what is first read to find the result after a full page). */
const MIN_WINDOW = 100;
/** Every further read doubles, up to this, so a long stretch with nothing to give (a running job's
 *  unanswered tail, sparse failures) takes a few reads, not one per hundred items. */
const MAX_WINDOW = 5_000;

/** `read(from, to)` gives the stored JSON of indexes [from, to), null or undefined where there is none. */
export type ReadResults = (from: number, to: number) => Promise<ReadonlyArray<string | null | undefined>>;

export async function collectPage(total: number, from: number, limit: number, only: ResultKind | undefined, read: ReadResults): Promise<ResultPage> {
  const results: ItemResult[] = [];
  let window = MIN_WINDOW;
  for (let i = from; i < total;) {
    const size = Math.min(total - i, Math.max(limit - results.length, window));
    window = Math.min(window * 2, MAX_WINDOW);
    const stored = await read(i, i + size);
    for (let j = 0; j < stored.length; j++) {
      const json = stored[j];
      if (json === null || json === undefined) continue;
      if (results.length === limit && only === undefined) return { results, next: i + j };
      const r = JSON.parse(json) as ItemResult;
      if (only !== undefined && kindOf(r) !== only) continue;
      if (results.length === limit) return { results, next: i + j };
      results.push(r);
    }
    i += stored.length;
  }
  return { results, next: null };
}

// One page of a job's results, for both stores: results are stored as JSON by input index, and a page is
// read window by window, because while a job runs (or with a kind asked for) some indexes have nothing to
// give. Whether another page follows is known by reading on to the next such result, in a short window, so
// `hasNextPage` is false on the last page instead of leading a client to an empty one.

import type { ItemResult } from '../batch/plan.js';
import { kindOf } from './store.js';
import type { ResultKind, ResultPage } from './store.js';

/** Indexes read to find the result after a full page (and the least read at a time). */
const LOOK_AHEAD = 100;

/** `read(from, to)` gives the stored JSON of indexes [from, to), null or undefined where there is none. */
export type ReadResults = (from: number, to: number) => Promise<ReadonlyArray<string | null | undefined>>;

export async function collectPage(total: number, from: number, limit: number, only: ResultKind | undefined, read: ReadResults): Promise<ResultPage> {
  const results: ItemResult[] = [];
  for (let i = from; i < total;) {
    const size = Math.min(total - i, results.length === limit ? LOOK_AHEAD : Math.max(limit - results.length, LOOK_AHEAD));
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

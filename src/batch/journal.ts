// The hook a batch run reports its vendor writes to, so that a replay after a crash knows what was sent.
// The engine calls it around every vendor write call; batch jobs and the Redis journal implement it.

import type { ItemResult } from './plan.js';

/** What a batch run records as it goes, so that a replay after a crash knows what was sent.
 *  Indexes are positions in the batch's input items. */
export interface BatchJournal {
  /** Before a vendor write call carrying these items. Awaited; if it rejects, the call is not made and
   *  those items end BACKEND_UNAVAILABLE (retryable: true). */
  sending(indexes: readonly number[]): Promise<void>;
  /** After the reply: the items' final results (ItemResult from src/batch/plan.ts, or its successor). */
  settled(results: readonly ItemResult[]): Promise<void>;
}

export const NO_JOURNAL: BatchJournal = {
  sending: async () => {},
  settled: async () => {},
};

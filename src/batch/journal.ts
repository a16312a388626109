// The batch journal hook: what a batch run records as it goes, so that a replay after a crash knows which
// items were sent to a vendor and which were settled. The engine hands one to every adapter's write path,
// mapping the adapter's own positions to input indexes (src/batch/engine.ts); the memory and Redis
// implementations live beside it, and batch jobs use them. NO_JOURNAL records nothing.

import type { ItemResult } from './plan.js';
import type { OutcomeError } from '../domain.js';
import { outcomeError } from '../domain.js';

/** What a batch run records as it goes, so that a replay after a crash knows what was sent.
 *  Indexes are positions in the batch's input items. */
export interface BatchJournal {
  /** Before a vendor write call carrying these items. Awaited; if it rejects, the call is not made and
   *  those items end BACKEND_UNAVAILABLE (retryable: true). */
  sending(indexes: readonly number[]): Promise<void>;
  /** After the reply: the items' final results (ItemResult from src/batch/plan.ts, or its successor). */
  settled(results: readonly ItemResult[]): Promise<void>;
}

export const NO_JOURNAL: BatchJournal = Object.freeze({
  sending: async () => {},
  settled: async () => {},
});

/**
 * For an adapter's write path, just before one vendor write call: true when the journal recorded the
 * items as being sent, false when it could not (then the call must not be made; see `notJournaled`).
 */
export async function journalSending(journal: BatchJournal, positions: readonly number[]): Promise<boolean> {
  try {
    await journal.sending(positions);
    return true;
  } catch {
    return false;
  }
}

/** The outcome of an item whose write call was not made because the journal could not record it. */
export const notJournaled = (backend: string): OutcomeError =>
  outcomeError('BACKEND_UNAVAILABLE', `${backend} update not sent: the batch journal could not record it; sending it again is safe`,
    { retryable: true });

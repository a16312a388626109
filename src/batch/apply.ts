// One backend's share of a batch, written once for every vendor: validate (once), hand the valid updates to
// the adapter's write path, map the adapter's positions back to the caller's (for outcomes and the
// journal), and answer any position the adapter left without an outcome. Adapters only send and interpret;
// the bookkeeping around them is here.

import type { UpdateOutcome } from '../domain.js';
import { outcomeError } from '../domain.js';
import { outcomeFromError } from '../errors.js';
import type { BackendAdapter } from '../vendors/adapter.js';
import type { Logger } from '../logger.js';
import { NO_JOURNAL } from './journal.js';
import type { BatchJournal } from './journal.js';

export interface ApplyOptions {
  signal?: AbortSignal;
  /** Records each vendor write call; its indexes are positions in the `updates` given. */
  journal?: BatchJournal;
  logger?: Pick<Logger, 'error'>;
}

/** A journal that receives positions of a subset (`toIndex[position]`) and records the caller's indexes. */
export function remapJournal(journal: BatchJournal, toIndex: readonly number[], logger?: Pick<Logger, 'error'>): BatchJournal {
  if (journal === NO_JOURNAL) return journal;
  return {
    sending: (positions) => journal.sending(positions.map((p) => toIndex[p]!)),
    // A result the journal cannot keep changes nothing the client sees; a replay then treats the item as
    // sent but unsettled, the cautious reading. So it is logged, not propagated into the write path.
    settled: (results) => journal.settled(results.map((r) => ({ ...r, index: toIndex[r.index]! })))
      .catch((err: unknown) => { logger?.error({ err }, 'batch journal could not record settled results'); }),
  };
}

/**
 * Validates every update (INVALID_INPUT, never sent), then sends the valid ones. For callers that did not
 * validate already (the batch engine validates while planning and calls `sendValidated`).
 */
export async function applyUpdates<U>(adapter: BackendAdapter<U>, updates: readonly U[], opts: ApplyOptions = {}): Promise<UpdateOutcome[]> {
  const out: UpdateOutcome[] = new Array(updates.length);
  const valid: number[] = [];
  updates.forEach((u, i) => {
    const problem = adapter.validateUpdate(u);
    if (problem === null) valid.push(i);
    else out[i] = outcomeError('INVALID_INPUT', problem, { retryable: false });
  });
  const sent = await sendValidated(adapter, valid.map((i) => updates[i]!), {
    ...opts, journal: remapJournal(opts.journal ?? NO_JOURNAL, valid, opts.logger),
  });
  valid.forEach((i, k) => { out[i] = sent[k]!; });
  return out;
}

/**
 * Sends already-validated updates (no duplicate ids) through the adapter and returns exactly one outcome
 * per update, in order. The one place a position left without an outcome (an adapter bug: a hole, a wrong
 * count, a throw) gets one: masked, logged, and OUTCOME_UNKNOWN where a resend could apply it twice.
 */
export async function sendValidated<U>(adapter: BackendAdapter<U>, updates: readonly U[], opts: ApplyOptions = {}): Promise<UpdateOutcome[]> {
  if (updates.length === 0) return [];
  const journal = opts.journal ?? NO_JOURNAL;
  let sent: ReadonlyArray<UpdateOutcome | undefined> = [];
  let failure: unknown;
  try {
    sent = await adapter.sendUpdates(updates, opts.signal, journal);
    if (sent.length !== updates.length) {
      failure = new Error(`${adapter.backend} adapter returned ${sent.length} outcomes for ${updates.length} items`);
      sent = [];
    }
  } catch (err) {
    failure = err;
  }
  // Not reported to the journal as settled: a replay then reads these items as sent but unsettled, which is
  // as much as is known about them.
  let unanswered = 0;
  const fallback = outcomeFromError(failure, adapter.backend, { idempotent: adapter.idempotentWrites });
  const outcomes = updates.map((_, i) => sent[i] ?? (unanswered++, fallback));
  if (unanswered > 0) {
    opts.logger?.error({ err: failure, backend: adapter.backend, items: unanswered }, 'adapter left items without an outcome; answered as failed');
  }
  return outcomes;
}

// The contract between the facade and one vendor. Each vendor folder under src/vendors/ implements it in
// its client.ts; resolvers and the batch engine see only this. Adding a vendor = one folder (its module
// descriptor, src/vendors/vendor.ts) and one line in the registry (src/vendors/index.ts).
// What is the same for every vendor (validation order, index bookkeeping, the journal's indexes, an
// outcome for every item) is written once around the adapter, in src/batch/apply.ts.

import type { Backend, DomainTask, OutcomeError, UpdateOutcome } from '../domain.js';
import type { BatchJournal } from '../batch/journal.js';
import type { HttpObserver } from '../transport/vendor-transport.js';
import type { TrafficPolicy } from '../transport/policy.js';
import type { VendorBudget } from '../transport/budget.js';
import type { ReadPolicy } from './concurrency.js';
import type { TokenStore } from './token-store.js';
import type { TaskLocks } from './task-locks.js';

export interface TaskListSlice {
  /** Tasks in the vendor's own list order, starting at the requested offset. */
  tasks: DomainTask[];
  /**
   * True when no task follows these; false when the vendor said or showed that one does (a next-page
   * link, a row read beyond the limit). hasNextPage is this answer, so it must hold either way: a slice
   * shorter than the limit is done.
   */
  done: boolean;
}

/** `U` is the vendor's update type, the one its GraphQL update input is parsed into. */
export interface BackendAdapter<U = unknown> {
  readonly backend: Backend;
  /** False when a write must never be sent twice (actions that must not repeat): no retries, lost replies are OUTCOME_UNKNOWN. */
  readonly idempotentWrites: boolean;

  /** Whether `id` can be a native id of this vendor; checked before any call. */
  isValidNativeId(id: string): boolean;

  /**
   * One entry per id, in the order given: the task, `null` when the vendor says it does not exist, or a
   * BackendError for that id. Fetches each id once; batched where the vendor allows, otherwise at a bounded
   * concurrency. Rejects only on programming errors.
   */
  getTasks(ids: readonly string[], signal?: AbortSignal): Promise<Array<DomainTask | null | Error>>;

  /**
   * Up to `limit` tasks starting at position `offset` of the vendor's list (0-based, in the vendor's own
   * stable order), and whether more follow, in as few vendor calls as the vendor allows: ask for one row
   * more than `limit` in the same call rather than a call for it. Throws a BackendError when the vendor fails.
   */
  listTasks(offset: number, limit: number, signal?: AbortSignal): Promise<TaskListSlice>;

  /** Everything checkable without the vendor. A message saying what is wrong, or null when valid. */
  validateUpdate(update: U): string | null;

  /**
   * Optional, for dry runs: what the vendor would answer to `update` given the task as it is now (e.g. an
   * action the task does not offer), or null when nothing the task says stands in the way.
   */
  checkUpdate?(update: U, current: DomainTask): OutcomeError | null;

  /**
   * Sends updates that passed `validateUpdate` (no duplicate ids) and returns one outcome per update, in the
   * same order; `UPDATED` only for items the vendor confirmed. Around every vendor write call it calls
   * `journal.sending(positions)` first (and makes no call when that fails: `journalSending`) and
   * `journal.settled(...)` with what the reply decided; positions are indexes into `updates`.
   * Call it through src/batch/apply.ts, which answers any position left without an outcome.
   */
  sendUpdates(updates: readonly U[], signal: AbortSignal | undefined, journal: BatchJournal): Promise<ReadonlyArray<UpdateOutcome | undefined>>;

  /** A cheap authenticated read, for /ready. Throws a BackendError when the vendor cannot be used. */
  ping(signal?: AbortSignal): Promise<void>;

  /** Closes pools. */
  close(): Promise<void>;
}

/** What every client constructor takes besides its vendor's own settings. */
export interface ClientCommon {
  baseUrl: string;
  /** Traffic policy; `readConcurrency` defaults to DEFAULT_READ_CONCURRENCY. */
  policy: TrafficPolicy & Partial<ReadPolicy>;
  observer?: HttpObserver;
  /** Rate budget for this vendor: taken before every request, paused on a 429 with a retry hint. */
  budget?: VendorBudget;
  /** Where a vendor with OAuth tokens keeps them (shared by replicas with Redis); minted locally when absent. */
  tokens?: TokenStore;
  /** Locks that order writes to one task across replicas (vendors whose writes need them); none: in process only. */
  taskLocks?: TaskLocks;
}

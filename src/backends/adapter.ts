// The contract between the facade and one vendor. Each vendor folder (zuora/, ibm-bpm/, k2/,
// superoffice/) implements it in its client.ts; resolvers and the batch engine see only this.
// Adding a vendor = one folder implementing this, one schema file, one line in registry.ts.

import type { Backend, DomainTask, OutcomeError, UpdateByBackend, UpdateOutcome } from '../domain.js';
import type { HttpObserver } from '../transport/vendor-transport.js';
import type { TrafficPolicy } from '../transport/policy.js';
import type { VendorBudget } from '../transport/budget.js';

export interface TaskListSlice {
  /** Tasks in the vendor's own list order, starting at the requested offset. */
  tasks: DomainTask[];
  /** True when no task follows these. */
  done: boolean;
}

export interface BackendAdapter<B extends Backend = Backend> {
  readonly backend: B;
  /** False when a write must never be sent twice (K2 actions): no retries, lost replies are OUTCOME_UNKNOWN. */
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
   * stable order). Throws a BackendError when the vendor fails.
   */
  listTasks(offset: number, limit: number, signal?: AbortSignal): Promise<TaskListSlice>;

  /** The native id an update targets. */
  nativeIdOf(update: UpdateByBackend[B]): string;

  /** Everything checkable without the vendor. A message saying what is wrong, or null when valid. */
  validateUpdate(update: UpdateByBackend[B]): string | null;

  /**
   * Optional, for dry runs: what the vendor would answer to `update` given the task as it is now (e.g. a K2
   * action the task does not offer), or null when nothing the task says stands in the way.
   */
  checkUpdate?(update: UpdateByBackend[B], current: DomainTask): OutcomeError | null;

  /**
   * Sends already-validated updates (no duplicate ids) and returns exactly one outcome per update, in the
   * same order. Never throws: every failure is an outcome. `UPDATED` only for items the vendor confirmed.
   */
  applyUpdates(updates: ReadonlyArray<UpdateByBackend[B]>, signal?: AbortSignal): Promise<UpdateOutcome[]>;

  /** A cheap authenticated read, for /ready. Throws a BackendError when the vendor cannot be used. */
  ping(signal?: AbortSignal): Promise<void>;

  /** Closes pools. */
  close(): Promise<void>;
}

/** What every client constructor takes besides its vendor's own settings. */
export interface ClientCommon {
  baseUrl: string;
  policy: TrafficPolicy;
  observer?: HttpObserver;
  /** Rate budget for this vendor: taken before every request, paused on a 429 with a retry hint. */
  budget?: VendorBudget;
}

// Where keyed batch runs and their journals are kept: in process (run-store-memory.ts) or on Redis
// (../redis/run-store-redis.ts, shared by every replica). A run is keyed by a run id (a digest of the
// caller and its idempotency key; a job id for batch jobs) and holds, per input index, either "a vendor
// call carrying this item was started" or the item's final result. One replica at a time holds a run's
// lease and renews it while it works; when the holder dies the lease lapses and the next claim takes the
// run over from its journal. Batch jobs use the same store, keyed by job id.

import type { ItemResult } from './plan.js';

/** One item of a run's journal. */
export type JournalEntry =
  | { state: 'SENDING' }
  /** `recovered`: the result was produced for, or taken over from, an earlier holder that died. */
  | { state: 'SETTLED'; result: ItemResult; recovered: boolean };

export type ClaimOutcome =
  /** A new run: the caller holds the lease and runs it. */
  | 'claimed'
  /** The run exists but its holder's lease lapsed (crash, lost Redis): the caller holds it now and resumes it. */
  | 'taken-over'
  /** Another holder is running it: wait and ask again. */
  | 'running'
  /** Finished: read the stored results. */
  | 'done'
  /** The id is held by a different input. */
  | 'conflict';

/** The store could not be used (Redis unreachable); nothing was recorded by the failed call. */
export class RunStoreUnavailableError extends Error {
  override readonly name = 'RunStoreUnavailableError';
  readonly code = 'RUN_STORE_UNAVAILABLE';
}

/** The caller's lease on the run lapsed or was taken over: it must not start another vendor call. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  readonly code = 'LEASE_LOST';
}

export interface RunStore {
  /** Named in messages to clients and operators ("Redis", "memory"). */
  readonly name: string;
  /** How long a lease lasts without renewal. */
  readonly leaseMs: number;
  /** Atomically: create the run, or find it done, held, abandoned or held by another input. */
  claim(runId: string, fingerprint: string, owner: string, total: number): Promise<ClaimOutcome>;
  /** Extends the lease; false when `owner` no longer holds it. */
  renew(runId: string, owner: string): Promise<boolean>;
  /** Records the items as in flight, only while `owner` holds the lease (else LeaseLostError). */
  markSending(runId: string, owner: string, indexes: readonly number[]): Promise<void>;
  /** Records final results (ignored when `owner` lost the lease: the new holder answers those items). */
  record(runId: string, owner: string, entries: ReadonlyArray<SettledEntry>): Promise<void>;
  /** Records the remaining results, marks the run done and drops the lease. False when the lease was lost. */
  finish(runId: string, owner: string, entries: ReadonlyArray<SettledEntry>): Promise<boolean>;
  /** Drops the lease without finishing: the next claim resumes the run from its journal. */
  release(runId: string, owner: string): Promise<void>;
  /** The journal, one entry (or undefined: never started) per index 0..total-1. */
  read(runId: string, total: number): Promise<Array<JournalEntry | undefined>>;
  close?(): Promise<void>;
}

export interface SettledEntry { result: ItemResult; recovered: boolean }

/** Journal entries travel as short JSON strings: "S" for in flight, else the settled entry. */
export const encodeEntry = (e: SettledEntry): string => JSON.stringify(e.recovered ? { r: e.result, rec: 1 } : { r: e.result });

export function decodeEntry(raw: string | null | undefined): JournalEntry | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (raw === 'S') return { state: 'SENDING' };
  const parsed = JSON.parse(raw) as { r: ItemResult; rec?: 1 };
  return { state: 'SETTLED', result: parsed.r, recovered: parsed.rec === 1 };
}

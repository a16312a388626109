// Where batch jobs live: the job record, its input items and one result per item, by input index. The
// runner reads and writes a chunk at a time, so neither the store's callers nor the store's API ever hold
// a whole job's results. In memory (one process) or in Redis (every replica); both answer to this.

import type { TaskUpdate } from '../domain.js';
import type { ItemResult } from '../batch/plan.js';

export const JOB_STATES = ['QUEUED', 'RUNNING', 'COMPLETED', 'CANCELLED', 'FAILED'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const isFinished = (state: JobState): boolean => state === 'COMPLETED' || state === 'CANCELLED' || state === 'FAILED';

export interface JobCounts {
  /** Items with a result. */
  done: number;
  succeeded: number;
  accepted: number;
  failed: number;
}

export interface JobRecord {
  /** The store's id (a UUID); the GraphQL id wraps it. */
  id: string;
  /** Who started it (a digest of the API key): nobody else sees it. */
  owner: string;
  state: JobState;
  total: number;
  dryRun: boolean;
  counts: JobCounts;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Set by cancelBatchUpdateJob; the runner stops before its next chunk. */
  cancelRequested: boolean;
}

export interface NewJob {
  owner: string;
  dryRun: boolean;
  items: readonly TaskUpdate[];
  /** Results decided before any vendor call (invalid or duplicate items), by input index. */
  decided: ReadonlyArray<ItemResult | undefined>;
  /** The same owner and key give the same job (while it is kept); the key reused with an input of another
   *  fingerprint is refused. Without a key no fingerprint is computed: it is only ever compared. */
  idempotency?: { key: string; fingerprint: string };
}

export interface JobChunk {
  items: TaskUpdate[];
  /** By position in the chunk; undefined where the item has no result yet. */
  results: Array<ItemResult | undefined>;
  /** Input indexes recorded as sent whose results were never recorded (a worker died mid-call). */
  inFlight: ReadonlySet<number>;
}

export interface ResultPage {
  /** Results in input order from the first index ≥ `from`, skipping items without one yet. */
  results: ItemResult[];
  /** The index to continue from, or null when no later item has a result (of the kind asked for). */
  next: number | null;
}

/** The counter a result is counted in; a results page may ask for one kind only. */
export type ResultKind = Exclude<keyof JobCounts, 'done'>;

export interface JobStore {
  /** Creates the job, or returns the one already made for this owner and key (`created: false`).
   *  Throws IdempotencyConflictError when that key was used with a different input. */
  create(job: NewJob): Promise<{ job: JobRecord; created: boolean }>;
  get(id: string): Promise<JobRecord | null>;
  /** Items [from, to) with what is recorded about them. */
  chunk(id: string, from: number, to: number): Promise<JobChunk>;
  /** The worker `worker` runs the job from now on; an earlier holder can no longer journal (below). */
  claim(id: string, worker: string): Promise<void>;
  /** Journal: these items are about to be sent (only writes that must never be repeated are recorded).
   *  Throws JobLostError when `worker` no longer holds the job: then it must not send. */
  sending(id: string, indexes: readonly number[], worker: string): Promise<void>;
  /**
   * Records results (an index already answered keeps its first result) and updates the counts. `recorded`,
   * when given, is called with the results that were new, before the promise resolves: what to count.
   */
  settle(id: string, results: readonly ItemResult[], recorded?: (fresh: readonly ItemResult[]) => void): Promise<JobRecord>;
  update(id: string, patch: Partial<Pick<JobRecord, 'state' | 'startedAt' | 'finishedAt' | 'cancelRequested'>>): Promise<JobRecord>;
  /**
   * A change of state made only when the job is in one of `from`, in one step: a worker starting the job and
   * a cancel answering it at once, or two of either, cannot both make it. The record after, or null when its
   * state was another (the other made the step).
   */
  transition(id: string, from: readonly JobState[], patch: JobStep): Promise<JobRecord | null>;
  /**
   * The job is in the queue: it is kept, whatever its TTL, until it ends (then TTL more). A job stored but
   * never queued still expires, so a start that failed between the two leaves nothing forever.
   */
  queued(id: string): Promise<void>;
  /** Up to `limit` results from index `from` on, in input order; with `only`, results of that kind alone. */
  results(id: string, from: number, limit: number, only?: ResultKind): Promise<ResultPage>;
  close(): Promise<void>;
}

/** A change of state, with the time that goes with it. */
export type JobStep = Pick<JobRecord, 'state'> & Partial<Pick<JobRecord, 'startedAt' | 'finishedAt'>>;

export class JobNotFoundError extends Error {
  override readonly name = 'JobNotFoundError';
}

/** The worker was replaced (its lock expired and another took the job over): it stops without sending. */
export class JobLostError extends Error {
  override readonly name = 'JobLostError';
}

export const kindOf = (r: ItemResult): ResultKind =>
  (r.outcome.kind === 'UPDATED' ? 'succeeded' : r.outcome.kind === 'ACCEPTED' ? 'accepted' : 'failed');

/** Counts one result into `counts` (mutates). */
export function countInto(counts: JobCounts, r: ItemResult): void {
  counts.done += 1;
  counts[kindOf(r)] += 1;
}

export const emptyCounts = (): JobCounts => ({ done: 0, succeeded: 0, accepted: 0, failed: 0 });

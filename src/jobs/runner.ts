// Works one batch job: a chunk of items at a time through the same engine as batchUpdateTasks (plan →
// dispatch → merge, the same per-vendor rules), so memory stays flat whatever the job's size. Before
// each chunk it honours a cancel request; before sending, it journals the items whose writes must never
// be repeated (a vendor's non-idempotent writes), so that a worker taking over after a crash answers those
// OUTCOME_UNKNOWN instead of sending them again. Items already answered are never sent again; everything else is.

import { randomUUID } from 'node:crypto';
import type { TaskUpdate } from '../domain.js';
import { outcomeError } from '../domain.js';
import type { BatchEngine } from '../batch/engine.js';
import type { BatchJournal } from '../batch/journal.js';
import type { ItemResult } from '../batch/plan.js';
import type { Registry } from '../registry.js';
import type { Logger } from '../logger.js';
import { createLoaders } from '../loaders.js';
import { withTightHeapGrowth } from '../heap-growth.js';
import { JobLostError, isFinished } from './store.js';
import type { JobRecord, JobState, JobStore } from './store.js';
import type { ProgressBus } from './progress.js';

export interface JobObserver {
  onJobState?(state: JobState): void;
  onJobItems?(results: readonly ItemResult[]): void;
}

export interface RunnerDeps {
  store: JobStore;
  engine: BatchEngine;
  registry: Registry;
  bus: ProgressBus;
  logger: Logger;
  observer?: JobObserver;
  /** Aborts vendor writes in flight (a shutdown out of time); stopping between chunks is `work`'s signal. */
  writeSignal?: AbortSignal;
  /** False when the store is shared and durable (Redis): a store error then leaves the job as it is for a
   *  retry (the queue runs it again) instead of failing it. */
  failOnStoreError?: boolean;
  /** Items per engine run. Large enough to keep every vendor's calls full, small enough to cancel soon. */
  chunkSize?: number;
}

export const DEFAULT_CHUNK_SIZE = 1000;

const now = () => new Date().toISOString();

export class JobRunner {
  private readonly active = new Set<string>();
  private readonly chunkSize: number;
  private readonly writeSignal: AbortSignal;

  constructor(private readonly deps: RunnerDeps) {
    this.chunkSize = deps.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.writeSignal = deps.writeSignal ?? new AbortController().signal;
  }

  /**
   * Runs the job to its end, or until `signal` aborts: then the chunks being sent are finished and
   * recorded, and the job stays RUNNING for another worker to continue. A job this process already runs
   * is not run twice.
   */
  async work(id: string, signal: AbortSignal): Promise<void> {
    if (this.active.has(id)) return;
    this.active.add(id);
    try {
      await withTightHeapGrowth(() => this.workOnce(id, signal));
    } finally {
      this.active.delete(id);
    }
  }

  private async workOnce(id: string, signal: AbortSignal): Promise<void> {
    const { store, logger } = this.deps;
    let job = await store.get(id);
    if (!job || isFinished(job.state)) return;
    if (job.state === 'QUEUED') {
      // Started in one step with the check that it is still QUEUED. Lost: a cancel answered it meanwhile
      // (cancelQueued), or another worker started it; either way nothing is left for this one.
      const started = await store.transition(id, ['QUEUED'], { state: 'RUNNING', startedAt: now() });
      if (!started) return;
      job = started;
      this.changed(job, 'RUNNING');
    } else {
      logger.info({ jobId: id, done: job.counts.done, total: job.total }, 'batch job taken over: continuing from its journal');
    }
    // Claimed only by the worker that started it or found it running (a worker that died, or stalled):
    // an earlier holder can no longer journal a write, so it cannot send one.
    const worker = randomUUID();
    await store.claim(id, worker);
    // The chunk started last; every chunk before it is done. The next one starts when this one is nearly
    // settled, so at most two are in flight, and each stop or error waits for it first: nothing is answered
    // CANCELLED or failed while it may still be being sent.
    let running: ChunkRun | undefined;
    try {
      for (let from = 0; from < job.total; from += this.chunkSize) {
        // A chunk that failed is not followed: its error (awaited here) ends the job's run.
        if ((await running?.nearlySettled) === 'failed') await running!.done;
        if (signal.aborted) return await running?.done;
        const to = Math.min(job.total, from + this.chunkSize);
        const current = await store.get(id);
        if (!current) return await running?.done;
        if (current.cancelRequested) {
          await running?.done;
          await this.answerRest(job, from, 'cancelled');
          return this.finish(id, 'CANCELLED');
        }
        const before = running;
        running = this.startChunk(job, from, to, worker);
        await before?.done;
      }
      await running?.done;
      if (signal.aborted) return;
      const last = await store.get(id);
      await this.finish(id, last?.cancelRequested ? 'CANCELLED' : 'COMPLETED');
    } catch (err) {
      await running?.done.catch(() => {});
      if (signal.aborted) return;
      if (err instanceof JobLostError) {
        logger.warn({ jobId: id }, 'batch job taken over by another worker; this one stops without sending');
        return;
      }
      if (this.deps.failOnStoreError === false) {
        logger.warn({ err, jobId: id }, 'batch job paused: its store did not answer; the queue retries it');
        throw err;
      }
      logger.error({ err, jobId: id }, 'batch job failed; items without a result are answered as unavailable');
      try {
        await this.answerRest(job, 0, 'failed');
      } finally {
        await this.finish(id, 'FAILED');
      }
    }
  }

  /**
   * A cancelled job no worker has started: every item is answered CANCELLED now, rather than when a worker
   * frees up (behind large jobs, hours later). Nothing of it was sent, and none will be: a worker that takes
   * the job meanwhile reads the cancel request before its first chunk, and finds every item answered.
   */
  async cancelQueued(id: string): Promise<void> {
    const job = await this.deps.store.get(id);
    if (!job || job.state !== 'QUEUED' || !job.cancelRequested) return;
    await this.answerRest(job, 0, 'cancelled');
    await this.finish(id, 'CANCELLED');
  }

  /** Starts items [from, to): `done` when they are all answered (and progress published), `nearlySettled`
   *  when all but the chunk's tail are (or the chunk ended some other way; it never rejects). */
  private startChunk(job: JobRecord, from: number, to: number, worker: string): ChunkRun {
    let nearly!: (how: ChunkEnd) => void;
    const nearlySettled = new Promise<ChunkEnd>((resolve) => { nearly = resolve; });
    const done = this.workChunk(job, from, to, worker, () => nearly('nearly')).then(() => this.deps.bus.publish(job.id));
    done.then(() => nearly('done'), () => nearly('failed'));
    return { nearlySettled, done };
  }

  private async workChunk(job: JobRecord, from: number, to: number, worker: string, nearly: () => void): Promise<void> {
    const { store, engine, registry } = this.deps;
    const chunk = await store.chunk(job.id, from, to);
    const recovered: ItemResult[] = [];
    const send: Array<{ index: number; item: TaskUpdate }> = [];
    chunk.items.forEach((item, k) => {
      const index = from + k;
      if (chunk.results[k]) return;
      if (chunk.inFlight.has(index) && !this.idempotent(item)) recovered.push(lostReply(this.named(index, item)));
      else send.push({ index, item });
    });
    if (recovered.length) await this.settle(job.id, recovered);
    if (send.length === 0) return;
    // The engine calls the journal around every vendor write call, with positions in `send`: items whose
    // writes must not repeat are recorded as in flight just before their call, and each call's results as
    // soon as it answers.
    let lost: JobLostError | undefined;
    // Positions in `send` whose results the journal recorded as their calls answered (or, once the job is
    // lost, would have: the chunk then ends by throwing, before this is read for anything but the count).
    const recorded = new Set<number>();
    const countSettled = countdown(send.length - tailSize(send.length), recorded, nearly);
    const journal: BatchJournal = {
      sending: async (positions) => {
        const indexes = positions.map((p) => send[p]!).filter((s) => !this.idempotent(s.item)).map((s) => s.index);
        if (indexes.length === 0) return;
        try {
          await store.sending(job.id, indexes, worker);
        } catch (err) {
          if (err instanceof JobLostError) lost = err;
          throw err;
        }
      },
      settled: async (settled) => {
        if (!lost) await store.settle(job.id, settled.map((r) => kept(r, send[r.index]!.index)), this.count);
        countSettled(settled.map((r) => r.index));
      },
    };
    const results = await engine.run(send.map((s) => s.item), {
      dryRun: job.dryRun, loaders: createLoaders(registry, this.writeSignal), signal: this.writeSignal, journal,
    });
    // Items this worker could not journal were not sent; the worker now holding the job sends them.
    if (lost) throw lost;
    // What the journal has not recorded yet (outcomes decided without a call, such as a duplicate) is
    // recorded now; the store keeps an item's first result, so this is about cost, not correctness: at
    // 1,000 results a chunk, sending each twice doubled the job's writes to Redis.
    const rest = results.flatMap((r, k) => (recorded.has(k) ? [] : [kept(r, send[k]!.index)]));
    if (rest.length) await store.settle(job.id, rest, this.count);
  }

  /** Answers every item from `from` on that has no result yet: cancelled, or the job failed. */
  private async answerRest(job: JobRecord, from: number, why: 'cancelled' | 'failed'): Promise<void> {
    for (let start = from; start < job.total; start += this.chunkSize) {
      const chunk = await this.deps.store.chunk(job.id, start, Math.min(job.total, start + this.chunkSize));
      const answers: ItemResult[] = [];
      chunk.items.forEach((item, k) => {
        const index = start + k;
        if (chunk.results[k]) return;
        const named = this.named(index, item);
        if (chunk.inFlight.has(index)) answers.push(lostReply(named));
        else answers.push(why === 'cancelled' ? cancelled(named) : notSent(named));
      });
      if (answers.length) await this.settle(job.id, answers);
    }
  }

  private async settle(id: string, results: readonly ItemResult[]): Promise<void> {
    await this.deps.store.settle(id, results, this.count);
  }

  /** Counts the results a settle recorded: not those another worker, or a cancel, answered first. */
  private readonly count = (fresh: readonly ItemResult[]): void => {
    if (fresh.length > 0) this.deps.observer?.onJobItems?.(fresh);
  };

  /** Ends the job unless something else ended it first (a cancel and a worker may both try): once. */
  private async finish(id: string, state: JobState): Promise<void> {
    const job = await this.deps.store.transition(id, ['QUEUED', 'RUNNING'], { state, finishedAt: now() });
    if (job) this.changed(job, state);
  }

  private changed(job: JobRecord, state: JobState): void {
    this.deps.observer?.onJobState?.(state);
    this.deps.bus.publish(job.id);
    this.deps.logger.info({ jobId: job.id, state, total: job.total, ...job.counts }, 'batch job state');
  }

  private named(index: number, item: TaskUpdate): Named {
    return { index, item, nativeId: this.deps.registry.vendor(item.backend)?.nativeIdOf(item.update as never) ?? '' };
  }

  private idempotent(item: TaskUpdate): boolean {
    return this.deps.registry.get(item.backend)?.idempotentWrites ?? true;
  }
}

/** A chunk being worked: see JobRunner.startChunk. */
interface ChunkRun { nearlySettled: Promise<ChunkEnd>; done: Promise<void> }

/** How `nearlySettled` came about: the chunk's tail is all that is left, or it ended (well or not). */
type ChunkEnd = 'nearly' | 'done' | 'failed';

/**
 * Items of a chunk still unanswered when the next chunk starts. A chunk's end is where the vendors'
 * pipelines drained: the slowest vendor's last writes ran alone (a vendor that reads each task before
 * writing it had no reads beside them), then the next chunk began with reads and no writes, about one
 * extra round trip per chunk.
 * Starting the next chunk while a tenth of this one is still to answer hides that: ~100 of 1,000 items are
 * still queued behind the write limits, several round trips of work, which is longer than the next chunk
 * needs to be read from the store, planned and get its first reads answered. A tenth, not more, so that
 * two chunks at most are ever in memory and a cancel still stops within about one chunk.
 */
const tailSize = (sent: number): number => Math.max(1, Math.floor(sent / 10));

/** Adds reported positions to `seen`, and calls `then` once it holds `target` of them (at once when `target` ≤ 0). */
function countdown(target: number, seen: Set<number>, then: () => void): (positions: readonly number[]) => void {
  if (target <= 0) then();
  return (positions) => {
    for (const p of positions) seen.add(p);
    if (seen.size >= target) then();
  };
}

/**
 * What a job keeps of a result, at its input index: not the task a vendor's reply carried. Results are kept
 * for days, when that copy is stale anyway (`TaskUpdated.task` reads the task back when asked, as it does
 * for vendors whose reply carries none), and at 100,000 items those copies were most of a job's memory.
 */
const kept = (r: ItemResult, index: number): ItemResult =>
  ({ ...r, index, outcome: r.outcome.kind === 'UPDATED' ? { kind: 'UPDATED' } : r.outcome });

/** An item and the task id its vendor module reads from it (as planning did). */
interface Named { index: number; item: TaskUpdate; nativeId: string }

const result = ({ index, item, nativeId }: Named, outcome: ItemResult['outcome']): ItemResult =>
  ({ index, backend: item.backend, nativeId, outcome });

/** Recorded as sent, never answered: the worker sending it died or the job stopped. Never resent. */
const lostReply = (n: Named) => result(n, outcomeError('OUTCOME_UNKNOWN',
  `${n.item.backend} may have applied this update: it was being sent when the replica running the job stopped; check the task before retrying`,
  { retryable: false }));

const cancelled = (n: Named) => result(n, outcomeError('CANCELLED',
  'not sent: the job was cancelled before this item was sent', { retryable: true }));

const notSent = (n: Named) => result(n, outcomeError('BACKEND_UNAVAILABLE',
  'not sent: the batch job failed before this item was sent', { retryable: true }));

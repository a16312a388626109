// Batch jobs in this process (no TASKHUB_REDIS_URL): lost on restart, as the README says. Items and results are
// kept as JSON text, one string each, which is several times smaller than the objects and gives
// readers copies they cannot change. A job is dropped TTL after it finished (or after it was created,
// while it has not finished).

import { randomUUID } from 'node:crypto';
import type { TaskUpdate } from '../domain.js';
import type { ItemResult } from '../batch/plan.js';
import { IdempotencyConflictError } from '../batch/idempotency.js';
import { JobLostError, JobNotFoundError, countInto, emptyCounts, isFinished } from './store.js';
import type { JobChunk, JobRecord, JobState, JobStep, JobStore, NewJob, ResultKind, ResultPage } from './store.js';
import { collectPage } from './result-page.js';

interface Entry {
  job: JobRecord;
  /** As JSON text, like the results (a fraction of the objects' size). Dropped when the job finishes: only
   *  the results are read after that. */
  items: readonly string[];
  results: Array<string | undefined>;
  inFlight: Set<number>;
  worker: string;
  /** The owner-and-key index entry, and the input's fingerprint, of a job started with a key. */
  idempotency: { key: string; fingerprint: string } | undefined;
  expiresAt: number;
}

export class MemoryJobStore implements JobStore {
  private readonly jobs = new Map<string, Entry>();
  private readonly byKey = new Map<string, string>();

  constructor(private readonly ttlMs: number, private readonly now = Date.now) {}

  async create(spec: NewJob): Promise<{ job: JobRecord; created: boolean }> {
    this.sweep();
    const idempotency = spec.idempotency && { key: `${spec.owner}\u0000${spec.idempotency.key}`, fingerprint: spec.idempotency.fingerprint };
    const existing = idempotency && this.jobs.get(this.byKey.get(idempotency.key) ?? '');
    if (idempotency && existing) {
      if (existing.idempotency?.fingerprint !== idempotency.fingerprint) {
        throw new IdempotencyConflictError('idempotencyKey was already used with a different input; use a new key for a new job');
      }
      return { job: { ...existing.job }, created: false };
    }
    const job: JobRecord = {
      id: randomUUID(), owner: spec.owner, state: 'QUEUED', total: spec.items.length, dryRun: spec.dryRun,
      counts: emptyCounts(), createdAt: new Date(this.now()).toISOString(), startedAt: null, finishedAt: null,
      cancelRequested: false,
    };
    const results: Array<string | undefined> = new Array(spec.items.length).fill(undefined);
    spec.decided.forEach((r, i) => {
      if (!r) return;
      results[i] = JSON.stringify(r);
      countInto(job.counts, r);
    });
    this.jobs.set(job.id, {
      job, items: spec.items.map((i) => JSON.stringify(i)), results, inFlight: new Set(), worker: '', idempotency, expiresAt: this.now() + this.ttlMs,
    });
    if (idempotency) this.byKey.set(idempotency.key, job.id);
    return { job: { ...job, counts: { ...job.counts } }, created: true };
  }

  async get(id: string): Promise<JobRecord | null> {
    this.sweep();
    const e = this.jobs.get(id);
    return e ? copy(e.job) : null;
  }

  async chunk(id: string, from: number, to: number): Promise<JobChunk> {
    const e = this.entry(id);
    return {
      items: e.items.slice(from, to).map((s) => JSON.parse(s) as TaskUpdate),
      results: e.results.slice(from, to).map((s) => (s === undefined ? undefined : JSON.parse(s) as ItemResult)),
      inFlight: new Set([...e.inFlight].filter((i) => i >= from && i < to)),
    };
  }

  async claim(id: string, worker: string): Promise<void> {
    this.entry(id).worker = worker;
  }

  async sending(id: string, indexes: readonly number[], worker: string): Promise<void> {
    const e = this.entry(id);
    if (e.worker !== worker) throw new JobLostError(`batch job ${id} is now run by another worker`);
    for (const i of indexes) e.inFlight.add(i);
  }

  async settle(id: string, results: readonly ItemResult[], recorded?: (fresh: readonly ItemResult[]) => void): Promise<JobRecord> {
    const e = this.entry(id);
    const fresh: ItemResult[] = [];
    for (const r of results) {
      e.inFlight.delete(r.index);
      if (e.results[r.index] !== undefined) continue;
      e.results[r.index] = JSON.stringify(r);
      countInto(e.job.counts, r);
      fresh.push(r);
    }
    recorded?.(fresh);
    return copy(e.job);
  }

  async update(id: string, patch: Partial<Pick<JobRecord, 'state' | 'startedAt' | 'finishedAt' | 'cancelRequested'>>): Promise<JobRecord> {
    const e = this.entry(id);
    Object.assign(e.job, patch);
    if (isFinished(e.job.state)) {
      e.expiresAt = this.now() + this.ttlMs;
      e.items = [];
      e.inFlight.clear();
    }
    return copy(e.job);
  }

  /** Nothing to do: an unfinished job is never swept from memory. */
  async queued(): Promise<void> {}

  async transition(id: string, from: readonly JobState[], patch: JobStep): Promise<JobRecord | null> {
    // One turn of the event loop: nothing else runs between the check and the change.
    if (!from.includes(this.entry(id).job.state)) return null;
    return this.update(id, patch);
  }

  async results(id: string, from: number, limit: number, only?: ResultKind): Promise<ResultPage> {
    const { results } = this.entry(id);
    return collectPage(results.length, from, limit, only, async (a, b) => results.slice(a, b));
  }

  async close(): Promise<void> {}

  private entry(id: string): Entry {
    const e = this.jobs.get(id);
    if (!e) throw new JobNotFoundError(`no batch job ${id}`);
    return e;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, e] of this.jobs) {
      // A job is kept while it is queued or runs (in this process), and TTL after it finishes.
      if (e.expiresAt > now || !isFinished(e.job.state)) continue;
      this.jobs.delete(id);
      if (e.idempotency) this.byKey.delete(e.idempotency.key);
    }
  }
}

const copy = (job: JobRecord): JobRecord => ({ ...job, counts: { ...job.counts } });

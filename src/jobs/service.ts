// The batch jobs API the schema calls: start (validate, plan, store, queue), read, cancel, follow. Jobs
// belong to the client that started them: another API key sees no such job.

import type { TaskUpdate } from '../domain.js';
import type { Registry } from '../registry.js';
import { planBatch } from '../batch/plan.js';
import type { ItemResult, RefuseItem } from '../batch/plan.js';
import { fingerprintOf } from '../batch/idempotency.js';
import { isFinished } from './store.js';
import type { JobRecord, JobStore, ResultKind, ResultPage } from './store.js';
import type { JobQueue } from './queue.js';
import type { ProgressBus } from './progress.js';
import type { JobObserver, JobRunner } from './runner.js';

export interface StartJob {
  items: readonly TaskUpdate[];
  dryRun: boolean;
  idempotencyKey?: string;
  /** Items the caller may not send (write scopes): decided at once, like invalid items. */
  refuse?: RefuseItem;
}

/** While a followed job runs, an event at least this often even when nothing changed. */
export const HEARTBEAT_MS = 1_000;

export class BatchJobs {
  constructor(
    readonly store: JobStore,
    readonly bus: ProgressBus,
    private readonly queue: JobQueue,
    readonly runner: JobRunner,
    private readonly registry: Registry,
    private readonly observer: JobObserver = {},
    /** Closes what the jobs alone use (Redis connections), after the queue stops. */
    private readonly release: () => Promise<void> = async () => {},
  ) {}

  async start(owner: string, spec: StartJob): Promise<JobRecord> {
    // Validation and in-job duplicates are decided once, over the whole job, before anything is sent:
    // the runner's chunks then never see the same task twice.
    const plan = planBatch(spec.items, this.registry, spec.refuse);
    const decided: Array<ItemResult | undefined> = plan.decided;
    // The fingerprint (a canonical JSON and a hash of every item: ~10% of taking 100,000 items in) only
    // serves to refuse a key reused with another input, so a job without a key skips it.
    const { job, created } = await this.store.create({
      owner, dryRun: spec.dryRun, items: spec.items, decided,
      ...(spec.idempotencyKey === undefined ? {} : {
        idempotency: { key: spec.idempotencyKey, fingerprint: fingerprintOf({ items: spec.items, dryRun: spec.dryRun }) },
      }),
    });
    if (created) this.observer.onJobState?.('QUEUED');
    // Queued again when the same key finds its job still QUEUED: the store and the queue are two writes, and
    // a start that failed between them (Redis dropped, the replica died) left a job nobody would run. The
    // queue takes a job id once, so a job that is queued already is not queued twice.
    if (created || job.state === 'QUEUED') {
      await this.queue.enqueue(job.id);
      // Best effort: the job is queued and will run, so the start must not fail now (a client without a key
      // would send it again, and a second job would repeat its non-idempotent writes). Missed, the job keeps the expiry
      // of its creation, which only a queue longer than the TTL reaches.
      await this.store.queued(job.id).catch(() => undefined);
    }
    return job;
  }

  async get(owner: string, id: string): Promise<JobRecord | null> {
    const job = await this.store.get(id);
    return job && job.owner === owner ? job : null;
  }

  /** Null when the owner has no such job. A finished job is returned as it is. */
  async cancel(owner: string, id: string): Promise<JobRecord | null> {
    const job = await this.get(owner, id);
    if (!job || isFinished(job.state) || job.cancelRequested) return job;
    const updated = await this.store.update(id, { cancelRequested: true });
    this.bus.publish(id);
    // Read after the request is stored: a worker that starts the job from here on sees it before sending.
    if (updated.state !== 'QUEUED') return updated;
    await this.runner.cancelQueued(id);
    return (await this.store.get(id)) ?? updated;
  }

  async results(owner: string, id: string, from: number, limit: number, only?: ResultKind): Promise<ResultPage | null> {
    const job = await this.get(owner, id);
    return job ? this.store.results(id, from, limit, only) : null;
  }

  /**
   * The job now, then on every change and at least every HEARTBEAT_MS, until it finishes (the last
   * value is the finished job) or `signal` aborts.
   */
  async *follow(owner: string, id: string, signal: AbortSignal): AsyncGenerator<JobRecord> {
    let job = await this.get(owner, id);
    if (!job) return;
    let wake: (() => void) | undefined;
    let changed = false;
    const unsubscribe = this.bus.subscribe(id, () => { changed = true; wake?.(); });
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      yield job;
      while (!isFinished(job.state) && !signal.aborted) {
        if (!changed) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, HEARTBEAT_MS);
            wake = () => { clearTimeout(timer); resolve(); };
          });
        }
        changed = false;
        wake = undefined;
        if (signal.aborted) return;
        job = await this.get(owner, id);
        if (!job) return;
        yield job;
      }
    } finally {
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.bus.close();
    await this.store.close();
    await this.release();
  }
}

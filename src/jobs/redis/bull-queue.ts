// Jobs on BullMQ: every replica runs a Worker, so whichever is free takes the next job. A worker holds a
// job by a lock it renews every LOCK_MS / 2; when the replica dies the lock lapses, the stalled-job check
// (every STALLED_CHECK_MS, on every replica) puts the job back, and another worker continues it from the
// journal. Take-over therefore happens within about LOCK_MS + STALLED_CHECK_MS of the crash.
// The BullMQ job carries only the taskhub job id: items and results are in the job store.

import { Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobQueue } from '../queue.js';
import type { JobRunner } from '../runner.js';
import type { JobStore } from '../store.js';
import { isFinished } from '../store.js';
import type { Logger } from '../../logger.js';
import { resolvesWithin } from '../../shared/resolves-within.js';

export const QUEUE_NAME = 'taskhub-batch-jobs';
export const LOCK_MS = 5_000;
export const STALLED_CHECK_MS = 2_000;
const CLOSE_GRACE_MS = 5_000;

interface Payload { id: string }

export class BullJobQueue implements JobQueue {
  private readonly queue: Queue<Payload>;
  private readonly worker: Worker<Payload>;

  constructor(
    queueConnection: Redis, workerConnection: Redis, runner: JobRunner, store: JobStore, concurrency: number, private readonly logger: Logger,
  ) {
    this.queue = new Queue<Payload>(QUEUE_NAME, { connection: queueConnection, prefix: 'taskhub:bull' });
    this.worker = new Worker<Payload>(QUEUE_NAME, async (job: Job<Payload>, _token?: string, signal?: AbortSignal) => {
      await runner.work(job.data.id, signal ?? new AbortController().signal);
      const after = await store.get(job.data.id);
      // Stopped before the end (this replica is shutting down, or lost the job): fail this attempt, so
      // BullMQ puts the job back at once for another worker instead of marking it done.
      if (after && !isFinished(after.state)) throw new Error('worker stopped before the job finished; another worker continues it');
    }, {
      connection: workerConnection, prefix: 'taskhub:bull', concurrency,
      lockDuration: LOCK_MS, stalledInterval: STALLED_CHECK_MS,
      // A job may be taken over any number of times: the journal makes each take-over safe.
      maxStalledCount: 1_000,
    });
    this.worker.on('lockRenewalFailed', (ids: string[]) => {
      logger.warn({ jobIds: ids }, 'batch job lock not renewed: stopping them here, another worker takes them over');
      for (const id of ids) this.worker.cancelJob(id, 'lock lost');
    });
    // Without a listener BullMQ writes the Queue's errors with console.error, whole: a refused AUTH then
    // prints the command and its arguments, the Redis password among them. The logger scrubs secrets. While
    // Redis is away both retry several times a second: the first error is logged, then one every 30 s.
    const quietly = (what: string) => {
      let last = 0;
      return (err: Error) => {
        if (Date.now() - last < 30_000) return;
        last = Date.now();
        logger.warn({ err }, `batch job ${what}: redis error (further ones within 30 s are not logged)`);
      };
    };
    this.worker.on('error', quietly('worker'));
    this.queue.on('error', quietly('queue'));
  }

  async enqueue(jobId: string): Promise<void> {
    await this.queue.add('batch', { id: jobId }, {
      jobId, attempts: 100_000, backoff: { type: 'fixed', delay: 1_000 }, removeOnComplete: true, removeOnFail: true,
    });
  }

  async close(): Promise<void> {
    // Running jobs stop at their next chunk and go back to the queue for another replica.
    this.worker.cancelAllJobs('shutting down');
    // Closing waits on Redis (the worker's blocking call, the queue's QUIT), which can hang after Redis
    // restarted under it. Bounded twice: past CLOSE_GRACE_MS the worker is closed by force (its lock lapses
    // and another replica continues the job from the journal, as after a crash), and past twice that the
    // close gives up waiting: the caller then drops the connections, which ends whatever is still pending.
    if (!(await resolvesWithin(this.closeInOrder(), 2 * CLOSE_GRACE_MS))) {
      this.logger.warn('batch job queue did not close in time; its Redis connections are dropped');
    }
  }

  private async closeInOrder(): Promise<void> {
    if (!(await resolvesWithin(this.worker.close(), CLOSE_GRACE_MS))) {
      this.logger.warn('batch job worker did not close in time; closing it by force');
      await this.worker.close(true).catch(() => undefined);
    }
    await this.queue.close();
  }
}

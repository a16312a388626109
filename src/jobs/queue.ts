// Which worker runs a job. In process: up to `concurrency` jobs at once, the rest wait in order. The
// Redis queue (redis-queue.ts) does the same across replicas, and hands a dead worker's job to another.

import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { JobRunner } from './runner.js';
import type { Logger } from '../logger.js';

export interface JobQueue {
  /** Queues the job to run; a job id already queued or running is not queued again. */
  enqueue(jobId: string): Promise<void>;
  /** Stops taking jobs; jobs running now stop at their next chunk. */
  close(): Promise<void>;
}

export class MemoryJobQueue implements JobQueue {
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly stop = new AbortController();
  /** Jobs queued or running here. */
  private readonly queued = new Set<string>();

  constructor(private readonly runner: JobRunner, concurrency: number, private readonly logger: Logger) {
    this.limit = pLimit(concurrency);
    // Every vendor call of every running job listens to this one signal: many listeners are expected.
    setMaxListeners(0, this.stop.signal);
  }

  async enqueue(jobId: string): Promise<void> {
    if (this.queued.has(jobId)) return;
    this.queued.add(jobId);
    void this.limit(() => this.runner.work(jobId, this.stop.signal)).catch((err: unknown) => {
      this.logger.error({ err, jobId }, 'batch job worker failed');
    }).finally(() => this.queued.delete(jobId));
  }

  async close(): Promise<void> {
    this.stop.abort(new Error('shutting down'));
    this.limit.clearQueue();
  }
}

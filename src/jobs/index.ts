// Builds the batch jobs service for this process: in memory, or on Redis when TASKHUB_REDIS_URL is set.

import { BatchJobs } from './service.js';
import { MemoryJobStore } from './memory-store.js';
import { MemoryProgressBus } from './progress.js';
import { MemoryJobQueue } from './queue.js';
import { JobRunner } from './runner.js';
import { runnerDeps } from './deps.js';
import type { JobsDeps } from './deps.js';

/** Builds the jobs service once the app's pieces exist (createApp calls it). */
export type JobsFactory = (deps: JobsDeps) => BatchJobs;

export function createMemoryJobs(deps: JobsDeps): BatchJobs {
  const store = new MemoryJobStore(deps.config.jobs.ttlMs);
  const bus = new MemoryProgressBus();
  const runner = new JobRunner({ ...runnerDeps(deps), store, bus });
  const queue = new MemoryJobQueue(runner, deps.config.jobs.concurrency, deps.logger);
  return new BatchJobs(store, bus, queue, runner, deps.registry, deps.observer);
}

/**
 * On Redis when TASKHUB_REDIS_URL is set (durable, every replica works), else in this process. The Redis
 * module (BullMQ and ioredis, ~20 MB of resident memory once loaded) is imported only then.
 */
export async function loadJobsFactory(redisUrl: string | undefined): Promise<JobsFactory> {
  if (!redisUrl) return createMemoryJobs;
  const { createRedisJobs } = await import('./redis/index.js');
  return (deps) => createRedisJobs(redisUrl, deps);
}

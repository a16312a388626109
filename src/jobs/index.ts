// Builds the batch jobs service for this process: in memory, or on Redis when TASKHUB_REDIS_URL is set.

import { BatchJobs } from './service.js';
import { MemoryJobStore } from './memory-store.js';
import { MemoryProgressBus } from './progress.js';
import { MemoryJobQueue } from './queue.js';
import { JobRunner } from './runner.js';
import { runnerDeps } from './deps.js';
import type { JobsDeps } from './deps.js';
import { createRedisJobs } from './redis/index.js';

export function createMemoryJobs(deps: JobsDeps): BatchJobs {
  const store = new MemoryJobStore(deps.config.jobs.ttlMs);
  const bus = new MemoryProgressBus();
  const runner = new JobRunner({ ...runnerDeps(deps), store, bus });
  const queue = new MemoryJobQueue(runner, deps.config.jobs.concurrency, deps.logger);
  return new BatchJobs(store, bus, queue, runner, deps.registry, deps.observer);
}

/** On Redis when TASKHUB_REDIS_URL is set (durable, every replica works), else in this process. */
export function createJobs(deps: JobsDeps): BatchJobs {
  const { redisUrl } = deps.config;
  return redisUrl ? createRedisJobs(redisUrl, deps) : createMemoryJobs(deps);
}

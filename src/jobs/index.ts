// Builds the batch jobs service for this process: in memory, or on Redis when TASKHUB_REDIS_URL is set.

import type { Config } from '../config.js';
import type { Registry } from '../registry.js';
import type { Logger } from '../logger.js';
import type { BatchEngine } from '../batch/engine.js';
import { BatchJobs } from './service.js';
import { MemoryJobStore } from './memory-store.js';
import { MemoryProgressBus } from './progress.js';
import { MemoryJobQueue } from './queue.js';
import { JobRunner } from './runner.js';
import type { JobObserver } from './runner.js';

export interface JobsDeps {
  config: Readonly<Config>;
  registry: Registry;
  engine: BatchEngine;
  logger: Logger;
  observer?: JobObserver;
}

export function createMemoryJobs(deps: JobsDeps): BatchJobs {
  const store = new MemoryJobStore(deps.config.jobs.ttlMs);
  const bus = new MemoryProgressBus();
  const runner = new JobRunner({ store, bus, engine: deps.engine, registry: deps.registry, logger: deps.logger, ...(deps.observer ? { observer: deps.observer } : {}) });
  const queue = new MemoryJobQueue(runner, deps.config.jobs.concurrency, deps.logger);
  return new BatchJobs(store, bus, queue, runner, deps.registry, deps.observer);
}

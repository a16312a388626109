// Batch jobs on Redis (TASKHUB_REDIS_URL): the store, the BullMQ queue and workers, and progress over
// pub/sub. Four connections per replica: commands, the queue, the worker (BullMQ needs
// maxRetriesPerRequest: null on it: its blocking commands must wait, not fail) and the subscriber.

import { Redis } from 'ioredis';
import { BatchJobs } from '../service.js';
import { JobRunner } from '../runner.js';
import { runnerDeps } from '../deps.js';
import type { JobsDeps } from '../deps.js';
import { RedisJobStore } from './redis-store.js';
import { RedisProgressBus } from './redis-progress.js';
import { BullJobQueue } from './bull-queue.js';

export function createRedisJobs(redisUrl: string, deps: JobsDeps): BatchJobs {
  const connect = (name: string, blocking = false) => {
    const client = new Redis(redisUrl, {
      connectionName: `taskhub-jobs-${name}`,
      // Requests fail after one reconnect attempt while Redis is away (a clear error, not a hung request); BullMQ's own
      // connections must instead wait (its blocking commands), so they retry for ever.
      ...(blocking ? { maxRetriesPerRequest: null } : { commandTimeout: 5_000, maxRetriesPerRequest: 1 }),
      retryStrategy: (times: number) => Math.min(100 * times, 2_000),
    });
    // ioredis reconnects by itself; errors are logged by whoever uses the connection.
    client.on('error', () => {});
    return client;
  };
  const commands = connect('commands');
  const subscriber = connect('subscriber');
  const queueConnection = connect('queue', true);
  const workerConnection = connect('worker', true);
  const store = new RedisJobStore(commands, deps.config.jobs.ttlMs);
  const bus = new RedisProgressBus(commands, subscriber, deps.logger);
  const runner = new JobRunner({ ...runnerDeps(deps), store, bus, failOnStoreError: false });
  const queue = new BullJobQueue(queueConnection, workerConnection, runner, store, deps.config.jobs.concurrency, deps.logger);
  return new BatchJobs(store, bus, queue, runner, deps.registry, deps.observer, async () => {
    for (const c of [commands, subscriber, queueConnection, workerConnection]) c.disconnect();
  });
}

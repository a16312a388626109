// What the replicas share when TASKHUB_REDIS_URL is set, built once per process: the Redis connection
// and the stores on it. Unset: nothing (every store stays in process). Used by main.ts and the tests.

import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { RedisObserver } from './connection.js';
import { SharedRedis } from './connection.js';
import { RedisRunStore } from './run-store-redis.js';
import type { RunStore } from '../batch/run-store.js';

export interface SharedState {
  redis?: SharedRedis;
  runStore?: RunStore;
  close(): Promise<void>;
}

export async function connectSharedState(
  config: Pick<Config, 'redisUrl' | 'idempotencyTtlMs' | 'batchLeaseMs'>,
  logger: Logger,
  observer?: RedisObserver,
): Promise<SharedState> {
  if (!config.redisUrl) return { close: async () => undefined };
  const redis = new SharedRedis(config.redisUrl, logger, observer);
  // The process starts whether or not Redis answers yet: reads need no Redis, and it is picked up later.
  if (!(await redis.waitUntilUp(3_000))) logger.warn('redis: not reachable yet; keyed batches are refused until it is');
  return {
    redis,
    runStore: new RedisRunStore(redis, config.idempotencyTtlMs, config.batchLeaseMs),
    close: () => redis.close(),
  };
}

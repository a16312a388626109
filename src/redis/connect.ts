// The Redis half of the shared state, in a module of its own so that a process without TASKHUB_REDIS_URL
// never loads ioredis: shared-state.ts imports this only when the URL is set.

import type { Logger } from '../logger.js';
import type { RunStore } from '../batch/run-store.js';
import type { TokenStore } from '../vendors/token-store.js';
import { SharedRedis } from './connection.js';
import type { RedisObserver } from './connection.js';
import { RedisRunStore } from './run-store-redis.js';
import { RedisTokenStore } from './token-store-redis.js';
import { RedisTaskLocks } from './task-locks-redis.js';
import type { TaskLocks } from '../vendors/task-locks.js';

export interface RedisPieces {
  redis: SharedRedis;
  runStore: RunStore;
  /** An OAuth token store shared by every replica, for one tenant and client (`scope`). */
  tokenStore(scope: string): TokenStore;
  /** Task locks shared by every replica, for one tenant of one vendor (`scope`). */
  taskLocks(scope: string): TaskLocks;
}

export async function connectRedis(
  url: string, ttl: { idempotencyTtlMs: number; batchLeaseMs: number }, logger: Logger, observer?: RedisObserver,
): Promise<RedisPieces> {
  const redis = new SharedRedis(url, logger, observer);
  // The process starts whether or not Redis answers yet: reads need no Redis, and it is picked up later.
  if (!(await redis.waitUntilUp(3_000))) logger.warn('redis: not reachable yet; keyed batches are refused until it is');
  return {
    redis,
    runStore: new RedisRunStore(redis, ttl.idempotencyTtlMs, ttl.batchLeaseMs),
    tokenStore: (scope) => new RedisTokenStore(redis, scope),
    taskLocks: (scope) => new RedisTaskLocks(redis, scope, logger),
  };
}

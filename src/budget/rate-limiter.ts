// A backend's request rate (`<BACKEND>_MAX_REQUESTS_PER_SECOND`) on rate-limiter-flexible: counted in Redis
// when it is set, so the rate holds across replicas, with a per-process insurance limiter for when Redis
// does not answer; in process otherwise. connectSharedState imports this module only when some backend has
// a rate: most deployments set none, and the library is ~1.5 MB of heap.

import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { SharedRedis } from '../redis/connection.js';

export interface RateLimiter {
  /** 0 when a request may go now, else how long to wait (ms); rejects when no store answered. */
  take(key: string): Promise<number>;
}

export function createRateLimiter(perSecond: number, redis?: SharedRedis): RateLimiter {
  const memory = new RateLimiterMemory({ points: perSecond, duration: 1, keyPrefix: 'taskhub:rate' });
  const limiter = redis
    ? new RateLimiterRedis({
      storeClient: redis.client, points: perSecond, duration: 1, keyPrefix: 'taskhub:rate',
      rejectIfRedisNotReady: true, insuranceLimiter: memory,
    })
    : memory;
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return 0;
      } catch (rejection) {
        // A RateLimiterRes is "used up"; anything else is a store failure, for the caller to decide.
        if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
        throw rejection;
      }
    },
  };
}

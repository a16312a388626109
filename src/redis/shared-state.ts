// What the replicas share when TASKHUB_REDIS_URL is set, built once per process: the Redis connection,
// the run store (keyed batches and their journals), the vendor request budgets and OAuth tokens.
// Unset: the same pieces in process (budgets still apply, per replica). Used by main.ts and the tests.

import type { Config } from '../config.js';
import type { Backend } from '../domain.js';
import type { Logger } from '../logger.js';
import type { RedisObserver } from './connection.js';
import { SharedRedis } from './connection.js';
import { RedisRunStore } from './run-store-redis.js';
import { RedisTokenStore } from './token-store-redis.js';
import type { RunStore } from '../batch/run-store.js';
import { SharedVendorBudget } from '../budget/vendor-budget.js';
import type { TokenStore } from '../vendors/token-store.js';
import type { RegistryExtras } from '../registry.js';

export interface SharedState {
  redis?: SharedRedis;
  runStore?: RunStore;
  /** For createRegistry: budgets for every backend, and OAuth token stores when shared. */
  registryExtras: RegistryExtras;
  close(): Promise<void>;
}

export async function connectSharedState(
  config: Pick<Config, 'redisUrl' | 'idempotencyTtlMs' | 'batchLeaseMs' | 'maxRequestsPerSecond' | 'backends' | 'vendors'>,
  logger: Logger,
  observer?: RedisObserver,
): Promise<SharedState> {
  let redis: SharedRedis | undefined;
  if (config.redisUrl) {
    redis = new SharedRedis(config.redisUrl, logger, observer);
    // The process starts whether or not Redis answers yet: reads need no Redis, and it is picked up later.
    if (!(await redis.waitUntilUp(3_000))) logger.warn('redis: not reachable yet; keyed batches are refused until it is');
  }
  const budgets = {} as Record<Backend, SharedVendorBudget>;
  const tokenStores: Partial<Record<Backend, TokenStore>> = {};
  for (const vendor of config.vendors) {
    const { backend } = vendor;
    budgets[backend] = new SharedVendorBudget({ backend, perSecond: config.maxRequestsPerSecond[backend], logger, ...(redis ? { redis } : {}) });
    const settings = config.backends[backend];
    // One token per tenant and client: the scope is the base URL and who taskhub is there.
    if (redis && settings) {
      const who = vendor.settings.secrets(settings as never).identities.join('\n');
      tokenStores[backend] = new RedisTokenStore(redis, `${backend}\n${settings.baseUrl}\n${who}`);
    }
  }
  return {
    ...(redis ? { redis, runStore: new RedisRunStore(redis, config.idempotencyTtlMs, config.batchLeaseMs) } : {}),
    registryExtras: { budgets, tokenStores },
    close: async () => {
      for (const b of Object.values(budgets)) b.close();
      await redis?.close();
    },
  };
}

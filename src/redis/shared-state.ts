// What the replicas share when TASKHUB_REDIS_URL is set, built once per process: the Redis connection,
// the run store (keyed batches and their journals), the vendor request budgets, OAuth tokens and task locks.
// Unset: the same pieces in process (budgets still apply, per replica). Used by main.ts and the tests.

import type { Config } from '../config.js';
import type { Backend } from '../domain.js';
import type { Logger } from '../logger.js';
import type { RedisObserver, SharedRedis } from './connection.js';
import type { RunStore } from '../batch/run-store.js';
import { SharedVendorBudget } from '../budget/vendor-budget.js';
import type { TokenStore } from '../vendors/token-store.js';
import type { TaskLocks } from '../vendors/task-locks.js';
import type { RegistryExtras } from '../registry.js';
import { loadJobsFactory } from '../jobs/index.js';
import type { JobsFactory } from '../jobs/index.js';

export interface SharedState {
  redis?: SharedRedis;
  runStore?: RunStore;
  /** For createRegistry: budgets for every backend, and OAuth token stores when shared. */
  registryExtras: RegistryExtras;
  /** For createApp: batch jobs on this Redis, or in process. */
  createJobs: JobsFactory;
  close(): Promise<void>;
}

export async function connectSharedState(
  config: Pick<Config, 'redisUrl' | 'idempotencyTtlMs' | 'batchLeaseMs' | 'maxRequestsPerSecond' | 'backends' | 'vendors'>,
  logger: Logger,
  observer?: RedisObserver,
): Promise<SharedState> {
  const shared = config.redisUrl
    ? await (await import('./connect.js')).connectRedis(config.redisUrl, config, logger, observer)
    : undefined;
  const redis = shared?.redis;
  // rate-limiter-flexible loads only where some backend has a rate: most deployments set none.
  const createRateLimiter = config.vendors.some((v) => config.maxRequestsPerSecond[v.backend] !== undefined)
    ? (await import('../budget/rate-limiter.js')).createRateLimiter
    : undefined;
  const budgets = {} as Record<Backend, SharedVendorBudget>;
  const tokenStores: Partial<Record<Backend, TokenStore>> = {};
  const taskLocks: Partial<Record<Backend, TaskLocks>> = {};
  for (const vendor of config.vendors) {
    const { backend } = vendor;
    const perSecond = config.maxRequestsPerSecond[backend];
    const limiter = perSecond === undefined ? undefined : createRateLimiter!(perSecond, redis);
    budgets[backend] = new SharedVendorBudget({ backend, limiter, logger, ...(redis ? { redis } : {}) });
    const settings = config.backends[backend];
    // One token per tenant and client: the scope is the base URL and who taskhub is there.
    if (shared && settings) {
      const who = vendor.settings.secrets(settings as never).identities.join('\n');
      tokenStores[backend] = shared.tokenStore(`${backend}\n${settings.baseUrl}\n${who}`);
      // A task is the same task for every client of the tenant: the base URL is the scope.
      taskLocks[backend] = shared.taskLocks(`${backend}\n${settings.baseUrl}`);
    }
  }
  return {
    ...(shared ? { redis: shared.redis, runStore: shared.runStore } : {}),
    registryExtras: { budgets, tokenStores, taskLocks },
    createJobs: await loadJobsFactory(config.redisUrl),
    close: async () => {
      for (const b of Object.values(budgets)) b.close();
      await redis?.close();
    },
  };
}

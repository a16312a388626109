// The configured backends: one adapter per configured vendor module, in the registry's order (the order
// lists are merged in). Built once from the configuration; names no vendor.

import type { Backend } from './domain.js';
import type { BackendAdapter } from './vendors/adapter.js';
import type { HttpObserver } from './transport/vendor-transport.js';
import type { AnyVendorModule } from './vendors/vendor.js';
import type { Config } from './config.js';
import type { VendorBudget } from './transport/budget.js';
import type { TokenStore } from './vendors/token-store.js';
import type { TaskLocks } from './vendors/task-locks.js';

export class Registry {
  private readonly adapters: ReadonlyMap<Backend, BackendAdapter>;

  /** `vendors` are every module the schema is built for; `adapters` are those configured here. */
  constructor(readonly vendors: readonly AnyVendorModule[], adapters: readonly BackendAdapter[]) {
    this.adapters = new Map(adapters.map((a) => [a.backend, a]));
  }

  /** The vendor module of a backend value, configured or not. */
  vendor(backend: Backend): AnyVendorModule | undefined {
    return this.vendors.find((v) => v.backend === backend);
  }

  get(backend: Backend): BackendAdapter | undefined {
    return this.adapters.get(backend);
  }

  /** Every backend value, configured or not, in merge order. */
  backends(): Backend[] {
    return this.vendors.map((v) => v.backend);
  }

  /** Configured adapters in merge order. */
  all(): BackendAdapter[] {
    return this.vendors.flatMap((v) => this.adapters.get(v.backend) ?? []);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all().map((a) => a.close()));
  }
}

export interface RegistryExtras {
  /** Per-backend request budgets (rate limits, 429 pauses), shared by replicas when Redis is set. */
  budgets?: Partial<Record<Backend, VendorBudget>>;
  /** Per-backend OAuth token stores (shared by replicas when Redis is set); vendors without tokens ignore them. */
  tokenStores?: Partial<Record<Backend, TokenStore>>;
  /** Per-backend task locks (shared by replicas when Redis is set); vendors that need none ignore them. */
  taskLocks?: Partial<Record<Backend, TaskLocks>>;
}

export function createRegistry(config: Pick<Config, 'vendors' | 'backends' | 'traffic'>, observer?: HttpObserver, extras: RegistryExtras = {}): Registry {
  const adapters = config.vendors.flatMap((vendor) => {
    const settings = config.backends[vendor.backend];
    if (!settings) return [];
    const budget = extras.budgets?.[vendor.backend];
    const tokens = extras.tokenStores?.[vendor.backend];
    const taskLocks = extras.taskLocks?.[vendor.backend];
    const adapter: BackendAdapter = vendor.createAdapter(settings, {
      baseUrl: settings.baseUrl, policy: config.traffic[vendor.backend]!, ...(observer ? { observer } : {}),
      ...(budget ? { budget } : {}), ...(tokens ? { tokens } : {}), ...(taskLocks ? { taskLocks } : {}),
    });
    return [adapter];
  });
  return new Registry(config.vendors, adapters);
}

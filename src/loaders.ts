// One DataLoader per backend per GraphQL request: every id is fetched once per request however many
// fields, aliases or `nodes` entries ask for it, and ids asked for in the same tick go out together
// (the adapter batches them where the vendor allows, or fetches them at a bounded concurrency).

import DataLoader from 'dataloader';
import type { Backend, DomainTask } from './domain.js';
import type { Registry } from './registry.js';

export type TaskLoader = DataLoader<string, DomainTask | null>;
export type Loaders = Partial<Record<Backend, TaskLoader>>;

export function createLoaders(registry: Registry, signal: AbortSignal): Loaders {
  const loaders: Loaders = {};
  for (const adapter of registry.all()) {
    loaders[adapter.backend] = new DataLoader<string, DomainTask | null>(
      async (ids) => {
        // An id that cannot exist is answered without a call: it is data, never URL syntax.
        const valid = ids.filter((id) => adapter.isValidNativeId(id));
        const fetched = valid.length ? await adapter.getTasks(valid, signal) : [];
        if (fetched.length !== valid.length) {
          throw new Error(`${adapter.backend} adapter returned ${fetched.length} results for ${valid.length} ids`);
        }
        const byId = new Map(valid.map((id, i) => [id, fetched[i]!]));
        return ids.map((id) => (byId.has(id) ? byId.get(id)! : null));
      },
      { maxBatchSize: 100, name: `${adapter.backend}.tasks` },
    );
  }
  return loaders;
}

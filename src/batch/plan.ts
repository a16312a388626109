// Step 1 of a batch: decide, without calling any vendor, what happens to each item. Items that are
// invalid, duplicated or aimed at an unconfigured backend get their outcome here; the rest are grouped by
// backend, keeping their input index so outcomes land where they belong whatever the vendors do.

import type { Backend, TaskUpdate, UpdateOutcome } from '../domain.js';
import { outcomeError } from '../domain.js';
import type { Registry } from '../registry.js';
import type { BackendAdapter } from '../vendors/adapter.js';

export interface ItemResult {
  index: number;
  backend: Backend;
  nativeId: string;
  outcome: UpdateOutcome;
}

export interface PlannedItem {
  /** Position in the batch's input items. */
  index: number;
  nativeId: string;
  update: unknown;
}

/** One backend's valid items, in input order, with the adapter they go to (looked up once, here). */
export interface PlannedGroup {
  adapter: BackendAdapter;
  items: PlannedItem[];
}

export interface BatchPlan {
  /** Outcomes decided during planning, by input index; `undefined` for items still to be sent. */
  decided: Array<ItemResult | undefined>;
  /** Items to send, grouped by backend. */
  groups: Map<Backend, PlannedGroup>;
}

/**
 * A caller's veto on an item, decided before anything else (e.g. the credential has no write scope for its
 * backend): the outcome to give it, or undefined to go on. `where` is `items[3].<field>`, for the message.
 */
export type RefuseItem = (item: TaskUpdate, where: string) => UpdateOutcome | undefined;

/**
 * The same task twice in one batch: the first occurrence is sent, later ones are refused as
 * INVALID_INPUT. Sending both would leave the result to the vendor's internal ordering (one bulk
 * call, or two racing PUTs), so the only deterministic choices are "merge" or "refuse", and
 * merging could silently drop half of an action pair.
 */
export function planBatch(items: readonly TaskUpdate[], registry: Registry, refuse?: RefuseItem): BatchPlan {
  const decided: Array<ItemResult | undefined> = new Array(items.length).fill(undefined);
  const groups = new Map<Backend, PlannedGroup>();
  const firstIndex = new Map<string, number>();

  items.forEach((item, index) => {
    const { backend } = item;
    const vendor = registry.vendor(backend);
    if (!vendor) throw new Error(`batch item ${index} names backend ${backend}, which no vendor module has`);
    const nativeId = vendor.nativeIdOf(item.update);
    const where = `items[${index}].${vendor.inputField}`;
    const decide = (outcome: UpdateOutcome) => { decided[index] = { index, backend, nativeId, outcome }; };

    const refused = refuse?.(item, where);
    if (refused) return decide(refused);
    const adapter = registry.get(backend);
    if (!adapter) {
      return decide(outcomeError('BACKEND_NOT_CONFIGURED',
        `${where}: backend ${backend} is not configured on this taskhub`, { retryable: false }));
    }
    // The one validation of the item: adapters are handed only items that passed it.
    const problem = adapter.validateUpdate(item.update);
    if (problem) return decide(outcomeError('INVALID_INPUT', `${where}: ${problem}`, { retryable: false }));

    const key = `${backend}\u0000${nativeId}`;
    const first = firstIndex.get(key);
    if (first !== undefined) {
      return decide(outcomeError('INVALID_INPUT',
        `${where}: task ${nativeId} is already updated by items[${first}] of this batch; send further changes to it in a later batch`,
        { retryable: false }));
    }
    firstIndex.set(key, index);
    let group = groups.get(backend);
    if (!group) groups.set(backend, (group = { adapter, items: [] }));
    group.items.push({ index, nativeId, update: item.update });
  });
  return { decided, groups };
}

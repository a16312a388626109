// Step 1 of a batch: decide, without calling any vendor, what happens to each item. Items that are
// invalid, duplicated or aimed at an unconfigured backend get their outcome here; the rest are grouped by
// backend, keeping their input index so outcomes land where they belong whatever the vendors do.

import type { Backend, TaskUpdate, UpdateByBackend, UpdateOutcome } from '../domain.js';
import { outcomeError } from '../domain.js';
import type { Registry } from '../registry.js';

export interface ItemResult {
  index: number;
  backend: Backend;
  nativeId: string;
  outcome: UpdateOutcome;
}

export interface PlannedItem<B extends Backend = Backend> {
  index: number;
  backend: B;
  nativeId: string;
  update: UpdateByBackend[B];
}

export interface BatchPlan {
  /** Outcomes decided during planning, by input index; `undefined` for items still to be sent. */
  decided: Array<ItemResult | undefined>;
  /** Items to send, grouped by backend, each group in input order. */
  groups: Map<Backend, PlannedItem[]>;
}

/**
 * A caller's veto on an item, decided before anything else (e.g. the credential has no write scope for its
 * backend): the outcome to give it, or undefined to go on. `where` is `items[3].k2`, for the message.
 */
export type RefuseItem = (item: TaskUpdate, where: string) => UpdateOutcome | undefined;

/** Input field names, for messages that say where the problem is (`items[3].k2`). */
export const INPUT_FIELD: Record<Backend, string> = {
  ZUORA: 'zuora', IBM_BPM: 'ibmBpm', K2: 'k2', SUPEROFFICE: 'superOffice',
};

export const nativeIdOfUpdate = (item: TaskUpdate): string =>
  item.backend === 'K2' ? item.update.serialNumber : item.update.id;

/**
 * The same task twice in one batch: the first occurrence is sent, later ones are refused as
 * INVALID_INPUT. Sending both would leave the result to the vendor's internal ordering (one Zuora or IBM
 * call, or two racing SuperOffice PUTs), so the only deterministic choices are "merge" or "refuse", and
 * merging could silently drop half of a K2 action pair.
 */
export function planBatch(items: readonly TaskUpdate[], registry: Registry, refuse?: RefuseItem): BatchPlan {
  const decided: Array<ItemResult | undefined> = new Array(items.length).fill(undefined);
  const groups = new Map<Backend, PlannedItem[]>();
  const firstIndex = new Map<string, number>();

  items.forEach((item, index) => {
    const { backend } = item;
    const nativeId = nativeIdOfUpdate(item);
    const where = `items[${index}].${INPUT_FIELD[backend]}`;
    const decide = (outcome: UpdateOutcome) => { decided[index] = { index, backend, nativeId, outcome }; };

    const refused = refuse?.(item, where);
    if (refused) return decide(refused);
    const adapter = registry.get(backend);
    if (!adapter) {
      return decide(outcomeError('BACKEND_NOT_CONFIGURED',
        `${where}: backend ${backend} is not configured on this taskhub`, { retryable: false }));
    }
    const problem = adapter.validateUpdate(item.update as never);
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
    if (!group) groups.set(backend, (group = []));
    group.push({ index, backend, nativeId, update: item.update });
  });
  return { decided, groups };
}

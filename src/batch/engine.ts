// batchUpdateTasks: plan → dispatch → merge. Backends run concurrently (each adapter chunks and
// parallelises within its vendor's rules); outcomes are placed by input index, so vendor ordering never
// matters. Every item ends with exactly one outcome, whatever an adapter does: a wrong count or a throw
// is turned into per-item errors here, and logged, because it is a bug.

import type { Backend, DomainTask, UpdateOutcome } from '../domain.js';
import { notFoundMessage, outcomeFromError } from '../errors.js';
import { outcomeError } from '../domain.js';
import type { TaskUpdate } from '../domain.js';
import type { Registry } from '../registry.js';
import type { Loaders } from '../loaders.js';
import type { Logger } from '../logger.js';
import { nativeIdOfUpdate, planBatch } from './plan.js';
import type { ItemResult, PlannedItem, RefuseItem } from './plan.js';

export interface RunOptions {
  dryRun: boolean;
  loaders: Loaders;
  signal: AbortSignal;
  /** Items the caller may not send (access scopes): they get this outcome and are never sent. */
  refuse?: RefuseItem;
  /**
   * Hears outcomes as they become final: the items decided by planning, then each backend's items when that
   * backend is done (for `results @stream`). The returned list stays the one complete answer.
   */
  onSettled?: (results: readonly ItemResult[]) => void;
}

export interface BatchObserver {
  onBatch?(event: { results: readonly ItemResult[]; durationMs: number; dryRun: boolean }): void;
}

export class BatchEngine {
  constructor(private readonly registry: Registry, private readonly logger: Logger, private readonly observer: BatchObserver = {}) {}

  async run(items: readonly TaskUpdate[], opts: RunOptions): Promise<ItemResult[]> {
    const started = performance.now();
    const results = await this.runPlanned(items, opts);
    this.observer.onBatch?.({ results, durationMs: performance.now() - started, dryRun: opts.dryRun });
    return results;
  }

  private async runPlanned(items: readonly TaskUpdate[], opts: RunOptions): Promise<ItemResult[]> {
    const plan = planBatch(items, this.registry, opts.refuse);
    const results = plan.decided;
    opts.onSettled?.(results.filter((r): r is ItemResult => r !== undefined));
    await Promise.all([...plan.groups].map(async ([backend, group]) => {
      const outcomes = opts.dryRun
        ? await this.lookUp(backend, group, opts)
        : await this.dispatch(backend, group, opts);
      group.forEach((item, i) => {
        results[item.index] = { index: item.index, backend, nativeId: item.nativeId, outcome: worded(outcomes[i]!, backend, item.nativeId) };
      });
      if (!opts.dryRun) for (const item of group) opts.loaders[backend]?.clear(item.nativeId);
      opts.onSettled?.(group.map((item) => results[item.index]!));
    }));
    return results.map((r, index) => r ?? this.missing(index, items[index]!));
  }

  private async dispatch(backend: Backend, group: PlannedItem[], opts: RunOptions): Promise<UpdateOutcome[]> {
    const adapter = this.registry.get(backend)!;
    try {
      const outcomes = await adapter.applyUpdates(group.map((g) => g.update) as never, opts.signal);
      if (outcomes.length === group.length) return outcomes;
      throw new Error(`${backend} adapter returned ${outcomes.length} outcomes for ${group.length} items`);
    } catch (err) {
      this.logger.error({ err, backend }, 'adapter broke its contract; items answered as failed');
      const outcome = outcomeFromError(err, backend, { idempotent: adapter.idempotentWrites });
      return group.map(() => outcome);
    }
  }

  /** dryRun: what would be sent is validated (planning did that) and looked up; nothing is written. */
  private async lookUp(backend: Backend, group: PlannedItem[], opts: RunOptions): Promise<UpdateOutcome[]> {
    const loader = opts.loaders[backend]!;
    const adapter = this.registry.get(backend)!;
    const found = await loader.loadMany(group.map((g) => g.nativeId));
    return found.map((task, i): UpdateOutcome => {
      if (task instanceof Error) return outcomeFromError(task, backend, { idempotent: true });
      if (task === null) return outcomeError('NOT_FOUND', notFoundMessage(backend, group[i]!.nativeId));
      // What the task itself rules out (a K2 action it does not offer) fails here as it would when sent.
      return adapter.checkUpdate?.(group[i]!.update as never, task) ?? { kind: 'UPDATED', task: task as DomainTask };
    });
  }

  private missing(index: number, item: TaskUpdate): ItemResult {
    this.logger.error({ index }, 'batch item left without an outcome');
    return { index, backend: item.backend, nativeId: nativeIdOfUpdate(item), outcome: outcomeFromError(new Error('no outcome'), item.backend, { idempotent: false }) };
  }
}

/** NOT_FOUND says the same thing for every vendor, in a run and in a dry run. */
function worded(outcome: UpdateOutcome, backend: Backend, nativeId: string): UpdateOutcome {
  return outcome.kind === 'ERROR' && outcome.code === 'NOT_FOUND' ? { ...outcome, message: notFoundMessage(backend, nativeId) } : outcome;
}

// batchUpdateTasks: plan → dispatch → merge. Backends run concurrently (each adapter chunks and
// parallelises within its vendor's rules); outcomes are placed by input index, so vendor ordering never
// matters. The engine owns the index bookkeeping: planning keeps each item's input index, each backend's
// share goes through src/batch/apply.ts (which answers every position, whatever the adapter does), and the
// journal the caller passed sees input indexes.

import type { Backend, DomainTask, UpdateOutcome } from '../domain.js';
import { notFoundMessage, outcomeFromError } from '../errors.js';
import { outcomeError } from '../domain.js';
import type { TaskUpdate } from '../domain.js';
import type { Registry } from '../registry.js';
import type { Loaders } from '../loaders.js';
import type { Logger } from '../logger.js';
import { planBatch } from './plan.js';
import type { ItemResult, PlannedGroup, RefuseItem } from './plan.js';
import { remapJournal, sendValidated } from './apply.js';
import { NO_JOURNAL } from './journal.js';
import type { BatchJournal } from './journal.js';

export interface RunOptions {
  dryRun: boolean;
  loaders: Loaders;
  signal: AbortSignal;
  /** Told before and after every vendor write call, by input index (dry runs write nothing). */
  journal?: BatchJournal;
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
    await Promise.all([...plan.groups.values()].map(async (group) => {
      const { adapter, items: planned } = group;
      const outcomes = opts.dryRun ? await this.lookUp(group, opts) : await sendValidated(adapter, planned.map((p) => p.update), {
        signal: opts.signal,
        journal: remapJournal(opts.journal ?? NO_JOURNAL, planned.map((p) => p.index), this.logger),
        logger: this.logger,
      });
      planned.forEach((item, i) => {
        results[item.index] = { index: item.index, backend: adapter.backend, nativeId: item.nativeId, outcome: worded(outcomes[i]!, adapter.backend, item.nativeId) };
      });
      if (!opts.dryRun) for (const item of planned) opts.loaders[adapter.backend]?.clear(item.nativeId);
      opts.onSettled?.(planned.map((item) => results[item.index]!));
    }));
    // Planning decides or groups every item, so this is complete; a hole would be a bug in this file.
    return results.map((r, index) => r ?? this.missing(index));
  }

  /** dryRun: what would be sent is validated (planning did that) and looked up; nothing is written. */
  private async lookUp({ adapter, items }: PlannedGroup, opts: RunOptions): Promise<UpdateOutcome[]> {
    const backend: Backend = adapter.backend;
    const loader = opts.loaders[backend]!;
    const found = await loader.loadMany(items.map((g) => g.nativeId));
    return found.map((task, i): UpdateOutcome => {
      if (task instanceof Error) return outcomeFromError(task, backend, { idempotent: true });
      if (task === null) return outcomeError('NOT_FOUND', notFoundMessage(backend, items[i]!.nativeId));
      // What the task itself rules out (an action it does not offer) fails here as it would when sent.
      return adapter.checkUpdate?.(items[i]!.update, task) ?? { kind: 'UPDATED', task: task as DomainTask };
    });
  }

  private missing(index: number): never {
    throw new Error(`batch item ${index} was neither decided nor planned`);
  }
}

/** NOT_FOUND says the same thing for every vendor, in a run and in a dry run. */
function worded(outcome: UpdateOutcome, backend: Backend, nativeId: string): UpdateOutcome {
  return outcome.kind === 'ERROR' && outcome.code === 'NOT_FOUND' ? { ...outcome, message: notFoundMessage(backend, nativeId) } : outcome;
}

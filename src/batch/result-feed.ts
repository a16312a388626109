// The results of one batch as they settle, for `results @stream`: the engine reports each backend's items
// when that backend finishes (RunOptions.onSettled), and the feed hands them out in input order, each as
// soon as it and every item before it are known. A list can only grow at its end, so order is kept by
// waiting, never by reordering; every item is still given exactly once. When the run ends, its final list
// fills anything not reported (a replayed idempotency key reports nothing until then).

import type { ItemResult } from './plan.js';

export class ResultFeed {
  private readonly slots: Array<ItemResult | undefined>;
  private wake: (() => void) | undefined;
  private failure: { error: unknown } | undefined;

  constructor(size: number) {
    this.slots = new Array<ItemResult | undefined>(size).fill(undefined);
  }

  /** Items that have their outcome now (indexes are input positions). Later reports of an index are ignored. */
  settle(results: readonly ItemResult[]): void {
    for (const r of results) if (r.index >= 0 && r.index < this.slots.length) this.slots[r.index] ??= r;
    this.wake?.();
  }

  /** The run's final results (fills every slot), or its failure. */
  finish(run: Promise<readonly ItemResult[]>): void {
    run.then((all) => this.settle(all), (error: unknown) => { this.failure = { error }; this.wake?.(); });
  }

  /** Yields results in input order, each as soon as it and all before it are settled. */
  async *inOrder(): AsyncGenerator<ItemResult> {
    for (let i = 0; i < this.slots.length; i++) {
      while (this.slots[i] === undefined) {
        if (this.failure) throw this.failure.error;
        await new Promise<void>((resolve) => { this.wake = resolve; });
      }
      yield this.slots[i]!;
    }
  }
}

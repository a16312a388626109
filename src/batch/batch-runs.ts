// Runs a keyed batch exactly once across calls, replicas and crashes, over a RunStore:
// - the first call claims the key (with its input fingerprint) and holds a lease it renews while it works;
// - a concurrent duplicate, on any replica, waits for the stored answer and never sends;
// - a replay after the run finished gets the stored answer;
// - a replay after the holder died (its lease lapsed) takes the run over: recorded items are answered
//   from the journal, in-flight items are resent only to idempotent writes (the engine decides, through
//   `Recovery`), non-idempotent in-flight items become OUTCOME_UNKNOWN, the rest are sent.
// The journal given to the engine records in-flight items before each vendor call and results after it.

import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { pause } from '../transport/abort-fanout.js';
import type { BatchJournal } from './journal.js';
import type { ItemResult } from './plan.js';
import type { JournalEntry, RunStore, SettledEntry } from './run-store.js';
import { IdempotencyConflictError } from './idempotency.js';

/** What an interrupted earlier run left: results it recorded, items whose vendor call it had started. */
export interface Recovery {
  settled: ReadonlyMap<number, ItemResult>;
  inFlight: ReadonlySet<number>;
}

export interface RunAnswer {
  results: ItemResult[];
  /** The stored answer of an earlier call: this call sent nothing. */
  replayed: boolean;
  /** Indexes whose outcome comes from (or was decided by) an interrupted earlier run. */
  recovered: number[];
}

export type Execute = (journal: BatchJournal, recovery: Recovery | undefined) => Promise<ItemResult[]>;

export interface BatchRunsOptions {
  logger: Logger;
  /** How often a waiting duplicate asks whether the run finished (or its holder died). */
  pollMs?: number;
}

export class BatchRuns {
  private readonly pollMs: number;

  constructor(readonly store: RunStore, private readonly opts: BatchRunsOptions) {
    this.pollMs = opts.pollMs ?? 100;
  }

  /**
   * The answer for run `runId` with input `fingerprint`. Throws IdempotencyConflictError for another input
   * under the same id, RunStoreUnavailableError when the store cannot be used before anything was sent.
   * `signal` stops waiting for a concurrent duplicate (the client went away); it never stops a run.
   */
  async run(runId: string, fingerprint: string, total: number, execute: Execute, signal?: AbortSignal): Promise<RunAnswer> {
    const owner = randomUUID();
    let delay = this.pollMs;
    for (;;) {
      const claim = await this.store.claim(runId, fingerprint, owner, total);
      switch (claim) {
        case 'conflict':
          throw new IdempotencyConflictError('idempotencyKey was already used with a different input; use a new key for a new batch');
        case 'done':
          return storedAnswer(await this.store.read(runId, total));
        case 'claimed':
          return this.execute(runId, owner, total, execute, undefined);
        case 'taken-over': {
          const recovery = recoveryFrom(await this.store.read(runId, total));
          this.opts.logger.warn({ runId, settled: recovery.settled.size, inFlight: recovery.inFlight.size },
            'batch: taking over a run whose holder stopped renewing its lease');
          return this.execute(runId, owner, total, execute, recovery);
        }
        case 'running':
          await sleep(delay, signal);
          delay = Math.min(delay * 2, 1_000);
      }
    }
  }

  private async execute(runId: string, owner: string, total: number, execute: Execute, recovery: Recovery | undefined): Promise<RunAnswer> {
    const { store } = this;
    const { logger } = this.opts;
    const recoveredSet = new Set<number>(recovery ? [...recovery.settled.keys(), ...recovery.inFlight] : []);
    const entry = (result: ItemResult): SettledEntry => ({ result, recovered: recoveredSet.has(result.index) });
    const renewal = this.keepLease(runId, owner);
    const journal: BatchJournal = {
      sending: (indexes) => store.markSending(runId, owner, indexes),
      // A result that cannot be recorded is still true: the client gets it. A replay after a crash then
      // sees the item as in flight, which is the safe side (OUTCOME_UNKNOWN for non-idempotent writes, a resend otherwise).
      settled: (results) => store.record(runId, owner, results.map(entry)).catch((err: unknown) => {
        logger.warn({ err, runId }, 'batch: could not record results in the journal');
      }),
    };
    let results: ItemResult[];
    try {
      results = await execute(journal, recovery);
    } catch (err) {
      renewal.stop();
      // The journal keeps what was sent; the next call with this key resumes from it.
      await store.release(runId, owner).catch(() => undefined);
      throw err;
    }
    renewal.stop();
    try {
      if (!(await store.finish(runId, owner, results.map(entry)))) {
        logger.warn({ runId }, 'batch: lease lost before the answer was stored; a replay will resume from the journal');
      }
    } catch (err) {
      logger.warn({ err, runId }, 'batch: could not store the answer; a replay will resume from the journal');
    }
    if (results.length !== total) throw new Error(`batch answered ${results.length} of ${total} items`);
    return { results, replayed: false, recovered: [...recoveredSet].sort((a, b) => a - b) };
  }

  /** Renews the lease at a third of its length; a failed renewal is retried at the next tick. */
  private keepLease(runId: string, owner: string) {
    const timer = setInterval(() => {
      this.store.renew(runId, owner).then((held) => {
        if (!held) this.opts.logger.warn({ runId }, 'batch: lease lost while running; further vendor calls are refused');
      }, (err: unknown) => this.opts.logger.warn({ err, runId }, 'batch: lease renewal failed'));
    }, Math.max(100, Math.floor(this.store.leaseMs / 3)));
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }
}

function storedAnswer(entries: Array<JournalEntry | undefined>): RunAnswer {
  const results: ItemResult[] = [];
  const recovered: number[] = [];
  entries.forEach((e, i) => {
    if (e?.state !== 'SETTLED') throw new Error(`stored batch answer has no result for item ${i}`);
    results.push(e.result);
    if (e.recovered) recovered.push(i);
  });
  return { results, replayed: true, recovered };
}

function recoveryFrom(entries: Array<JournalEntry | undefined>): Recovery {
  const settled = new Map<number, ItemResult>();
  const inFlight = new Set<number>();
  entries.forEach((e, i) => {
    if (e?.state === 'SETTLED') settled.set(i, e.result);
    else if (e?.state === 'SENDING') inFlight.add(i);
  });
  return { settled, inFlight };
}

/** Waits `ms`; rejects with the signal's reason when it aborts first. */
async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!(await pause(ms, signal))) throw signal!.reason;
}

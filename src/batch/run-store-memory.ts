// The run store of a single process (no TASKHUB_REDIS_URL): the same claims, leases and journal as the
// Redis store, in a Map. A crash loses it with the process, so here it guards against concurrent and
// repeated calls only. Bounded by stored items, not runs: one run may hold a thousand results. When full,
// the oldest runs go first, so a replay older than that is sent again; the README says so.

import type { ClaimOutcome, JournalEntry, RunStore, SettledEntry } from './run-store.js';
import { LeaseLostError } from './run-store.js';

interface Run {
  fingerprint: string;
  done: boolean;
  owner: string | undefined;
  leaseUntil: number;
  expiresAt: number;
  entries: Map<number, JournalEntry>;
  weight: number;
}

export class MemoryRunStore implements RunStore {
  readonly name = 'memory';
  private readonly runs = new Map<string, Run>();
  private weight = 0;

  constructor(
    private readonly ttlMs: number,
    readonly leaseMs = 12_000,
    private readonly maxWeight = 100_000,
    private readonly now = Date.now,
  ) {}

  async claim(runId: string, fingerprint: string, owner: string, total: number): Promise<ClaimOutcome> {
    this.sweep(total);
    const now = this.now();
    const run = this.runs.get(runId);
    if (!run) {
      const weight = Math.max(1, total);
      this.runs.set(runId, { fingerprint, done: false, owner, leaseUntil: now + this.leaseMs, expiresAt: now + this.ttlMs, entries: new Map(), weight });
      this.weight += weight;
      return 'claimed';
    }
    if (run.fingerprint !== fingerprint) return 'conflict';
    if (run.done) return 'done';
    if (run.owner !== undefined && run.leaseUntil > now) return 'running';
    run.owner = owner;
    run.leaseUntil = now + this.leaseMs;
    return 'taken-over';
  }

  async renew(runId: string, owner: string): Promise<boolean> {
    const run = this.held(runId, owner);
    if (run) run.leaseUntil = this.now() + this.leaseMs;
    return run !== undefined;
  }

  async markSending(runId: string, owner: string, indexes: readonly number[]): Promise<void> {
    const run = this.held(runId, owner);
    if (!run) throw new LeaseLostError('this replica no longer holds the batch');
    for (const i of indexes) run.entries.set(i, { state: 'SENDING' });
  }

  async record(runId: string, owner: string, entries: ReadonlyArray<SettledEntry>): Promise<void> {
    const run = this.held(runId, owner);
    if (run) for (const e of entries) run.entries.set(e.result.index, { state: 'SETTLED', ...e });
  }

  async finish(runId: string, owner: string, entries: ReadonlyArray<SettledEntry>): Promise<boolean> {
    const run = this.held(runId, owner);
    if (!run) return false;
    for (const e of entries) run.entries.set(e.result.index, { state: 'SETTLED', ...e });
    run.done = true;
    run.owner = undefined;
    return true;
  }

  async release(runId: string, owner: string): Promise<void> {
    const run = this.held(runId, owner);
    if (run) run.owner = undefined;
  }

  async read(runId: string, total: number): Promise<Array<JournalEntry | undefined>> {
    const run = this.runs.get(runId);
    return Array.from({ length: total }, (_, i) => run?.entries.get(i));
  }

  private held(runId: string, owner: string): Run | undefined {
    const run = this.runs.get(runId);
    return run && run.owner === owner && run.leaseUntil > this.now() ? run : undefined;
  }

  /** Drops expired runs, then the oldest until `incoming` items fit. */
  private sweep(incoming: number) {
    const now = this.now();
    // Map keeps insertion order and every run has the same TTL: expired ones are at the front.
    for (const [id, run] of this.runs) {
      if (run.expiresAt > now && this.weight + incoming <= this.maxWeight) break;
      // A run being worked on is never dropped under its holder; it goes once finished.
      if (run.expiresAt > now && !run.done && run.owner !== undefined && run.leaseUntil > now) continue;
      this.runs.delete(id);
      this.weight -= run.weight;
    }
  }
}

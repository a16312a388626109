// One writer per task across replicas, for vendors whose write is a read followed by a PUT of the whole
// record with no version (ETag) to guard it: two replicas changing different fields of one task at once
// would each write back the other's old value. With Redis the locks are shared by every replica
// (src/redis/task-locks-redis.ts); in one process there is no other replica to wait for, and the adapter's
// own per-task turn orders its callers.

import type { LimitFunction } from 'p-limit';
import { pause } from '../transport/abort-fanout.js';

export interface TaskLock {
  /**
   * Still this caller's, with time to spare: false once the store said another holds it (a lease that
   * lapsed, a store restarted empty) or renewals stopped reaching the store for a third of the lease.
   */
  held(): boolean;
  /** Gives it back; never throws. */
  release(): Promise<void>;
}

export interface TaskLocks {
  /**
   * Takes `key` if no replica holds it: the lock, or null when another holds it. With the store unreachable
   * it answers at once with a lock that orders nothing: writes go on without it, as reads and unkeyed
   * batches do without Redis.
   */
  tryLock(key: string): Promise<TaskLock | null>;
}

/** A lock that keeps no one out: no other replica, or no store to ask. */
export const NO_LOCK: TaskLock = Object.freeze({ held: () => true, release: () => Promise.resolve() });

/** No other replica: nothing to wait for. */
export const PROCESS_LOCAL_LOCKS: TaskLocks = Object.freeze({ tryLock: () => Promise.resolve(NO_LOCK) });

export interface LockPauses { firstMs: number; maxMs: number }

const PAUSES: LockPauses = { firstMs: 20, maxMs: 500 };

/**
 * Runs `fn` holding `key`, inside one slot of `slots` (which bounds how many locks a replica holds at once).
 * A lock another replica holds is not waited for in the slot: the slot is given back and the try queued
 * again after a growing pause, so a task held elsewhere never holds up this replica's other writes. When
 * `signal` ends a pause, rejects with `cancelled()`; nothing was sent then.
 */
export async function withTaskLock<T>(
  locks: TaskLocks, key: string, slots: LimitFunction, signal: AbortSignal | undefined,
  cancelled: () => Error, fn: (lock: TaskLock) => Promise<T>, pauses: LockPauses = PAUSES,
): Promise<T> {
  const busy = Symbol('busy');
  let wait = pauses.firstMs;
  for (;;) {
    const outcome = await slots(async () => {
      if (signal?.aborted) throw cancelled();
      const lock = await locks.tryLock(key);
      if (!lock) return busy;
      try {
        return { value: await fn(lock) };
      } finally {
        // Not awaited: the outcome is known, and a Redis that hangs must not hold the slot or the answer.
        void lock.release();
      }
    });
    if (outcome !== busy) return outcome.value;
    if (!(await pause(wait / 2 + Math.random() * wait, signal))) throw cancelled();
    wait = Math.min(wait * 2, pauses.maxMs);
  }
}

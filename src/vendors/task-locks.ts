// One writer per task across replicas, for vendors whose write is a read followed by a PUT of the whole
// record with no version (ETag) to guard it: two replicas changing different fields of one task at once
// would each write back the other's old value. With Redis the lock is shared by every replica
// (src/redis/task-locks-redis.ts); in one process there is no other replica to wait for, and the adapter's
// own per-task turn orders its callers.

/** Gives the lock back; never throws. */
export type TaskUnlock = () => Promise<void>;

export interface TaskLocks {
  /**
   * Resolves once this caller holds `key` among all replicas that share the store. Rejects only when `signal`
   * ends the wait (nothing has been sent then). When the store cannot be reached it resolves at once: writes
   * without a shared store go on, as reads and unkeyed batches do without Redis.
   */
  lock(key: string, signal?: AbortSignal): Promise<TaskUnlock>;
}

const unlocked: TaskUnlock = () => Promise.resolve();

/** No other replica: nothing to wait for. */
export const PROCESS_LOCAL_LOCKS: TaskLocks = Object.freeze({ lock: () => Promise.resolve(unlocked) });

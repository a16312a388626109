// Task locks shared by every replica of one Redis: `SET NX PX` with an owner token, kept alive while held
// (one timer renews every lock this replica holds, in one pipeline) and released by a script that deletes
// only its own token. A replica that dies leaves its locks to expire after LEASE_MS. A caller that finds
// the lock taken waits, asking again with a growing pause, until it is free or its signal ends the wait.
// Redis unreachable: the caller goes on without the lock (TaskLocks' contract), and that is logged.

import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import type { TaskLocks, TaskUnlock } from '../vendors/task-locks.js';
import type { SharedRedis } from './connection.js';

export interface TaskLockTimings {
  /** How long a lock outlives a replica that stopped renewing it. */
  leaseMs: number;
  /** Pauses between two tries for a taken lock grow from `firstWaitMs` to `maxWaitMs`. */
  firstWaitMs: number;
  maxWaitMs: number;
}

export const TASK_LOCK_TIMINGS: TaskLockTimings = { leaseMs: 15_000, firstWaitMs: 20, maxWaitMs: 500 };

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type Scripted = Record<'thLockRenew' | 'thLockRelease', (key: string, ...args: string[]) => Promise<unknown>>;

export class RedisTaskLocks implements TaskLocks {
  private readonly prefix: string;
  /** Lock key → owner token, for every lock this replica holds now. */
  private readonly held = new Map<string, string>();
  private renewer: NodeJS.Timeout | undefined;
  private lastWarned = 0;

  /** `scope` tells tenants apart (backend and base URL); only its digest is in the keys. */
  constructor(
    private readonly redis: SharedRedis, scope: string, private readonly logger: Logger,
    private readonly timings: TaskLockTimings = TASK_LOCK_TIMINGS,
  ) {
    this.prefix = `taskhub:task-lock:${createHash('sha256').update(scope).digest('hex').slice(0, 24)}:`;
    redis.client.defineCommand('thLockRenew', { numberOfKeys: 1, lua: RENEW });
    redis.client.defineCommand('thLockRelease', { numberOfKeys: 1, lua: RELEASE });
  }

  async lock(key: string, signal?: AbortSignal): Promise<TaskUnlock> {
    const lockKey = this.prefix + key;
    const owner = randomUUID();
    let pause = this.timings.firstWaitMs;
    for (;;) {
      signal?.throwIfAborted();
      let taken: string | null;
      try {
        taken = await this.redis.run('task-lock', (r) => r.set(lockKey, owner, 'PX', this.timings.leaseMs, 'NX'));
      } catch (err) {
        this.warnUnlocked(err);
        return () => Promise.resolve();
      }
      if (taken === 'OK') return this.hold(lockKey, owner);
      await sleep(pause / 2 + Math.random() * pause, undefined, signal ? { signal } : {});
      pause = Math.min(pause * 2, this.timings.maxWaitMs);
    }
  }

  private hold(lockKey: string, owner: string): TaskUnlock {
    this.held.set(lockKey, owner);
    this.renewer ??= setInterval(() => this.renew(), Math.max(1, Math.floor(this.timings.leaseMs / 3))).unref();
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.held.delete(lockKey);
      if (this.held.size === 0 && this.renewer) { clearInterval(this.renewer); this.renewer = undefined; }
      // A release that does not reach Redis leaves the lock to expire with its lease.
      await this.redis.run('task-lock', (r) => (r as unknown as Scripted).thLockRelease(lockKey, owner)).catch(() => undefined);
    };
  }

  private renew(): void {
    if (this.held.size === 0) return;
    const pipeline = this.redis.client.pipeline();
    for (const [lockKey, owner] of this.held) (pipeline as unknown as Scripted).thLockRenew(lockKey, owner, String(this.timings.leaseMs));
    // A renewal that fails is tried again on the next tick; past the lease, another replica may go ahead.
    pipeline.exec().catch(() => undefined);
  }

  private warnUnlocked(err: unknown): void {
    const now = Date.now();
    if (now - this.lastWarned < 30_000) return;
    this.lastWarned = now;
    this.logger.warn({ err }, 'redis: unreachable, so task writes go on without the lock that orders them across replicas');
  }
}

// Task locks shared by every replica of one Redis: `SET NX PX` with an owner token, kept alive while held
// (one timer renews every lock this replica holds, in one pipeline) and released by a script that deletes
// only its own token. A replica that dies leaves its locks to expire after the lease. A holder whose
// renewals find the key gone, or stop being answered for a third of the lease, knows it no longer holds
// the lock (TaskLock.held), and sends nothing under it.
// Redis not answering: the caller goes on without the lock (TaskLocks' contract), and that is logged.

import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { TaskLock, TaskLocks } from '../vendors/task-locks.js';
import { NO_LOCK } from '../vendors/task-locks.js';
import type { SharedRedis } from './connection.js';
import { ownedKeyCommands } from './owned-keys.js';
import type { OwnedKeyCommands } from './owned-keys.js';
import type { Redis } from 'ioredis';

/** How long a lock outlives a replica that stopped renewing it. */
export const TASK_LOCK_LEASE_MS = 15_000;

interface Held {
  owner: string;
  /** When the lease ends, as of the last answered renewal (or the taking). */
  until: number;
  /** A renewal found the key gone or another's. */
  lost: boolean;
}

export class RedisTaskLocks implements TaskLocks {
  private readonly prefix: string;
  /** Lock key → what this replica knows of its hold, for every lock it holds now. */
  private readonly held = new Map<string, Held>();
  private renewer: NodeJS.Timeout | undefined;
  private lastWarned = 0;

  /** `scope` tells tenants apart (backend and base URL); only its digest is in the keys. */
  constructor(
    private readonly redis: SharedRedis, scope: string, private readonly logger: Logger,
    private readonly leaseMs = TASK_LOCK_LEASE_MS, private readonly now = Date.now,
  ) {
    this.prefix = `taskhub:task-lock:${createHash('sha256').update(scope).digest('hex').slice(0, 24)}:`;
    ownedKeyCommands(redis.client);
  }

  async tryLock(key: string): Promise<TaskLock | null> {
    // Known not to answer (the connection's heartbeat): no command to wait out for every write.
    if (!this.redis.up) return this.unlocked();
    const lockKey = this.prefix + key;
    const owner = randomUUID();
    const asked = this.now();
    let taken: string | null;
    try {
      taken = await this.redis.run('task-lock', (r) => r.set(lockKey, owner, 'PX', this.leaseMs, 'NX'));
    } catch (err) {
      // A SET that timed out may still run when Redis wakes: delete it then (commands of one connection run
      // in order), or it would keep the task locked for a lease with nobody holding it.
      void this.release(lockKey, owner);
      return this.unlocked(err);
    }
    return taken === 'OK' ? this.hold(lockKey, { owner, until: asked + this.leaseMs, lost: false }) : null;
  }

  private hold(lockKey: string, entry: Held): TaskLock {
    this.held.set(lockKey, entry);
    this.renewer ??= setInterval(() => this.renew(), Math.max(1, Math.floor(this.leaseMs / 3))).unref();
    let released = false;
    return {
      held: () => !entry.lost && entry.until - this.now() > this.leaseMs / 3,
      release: async () => {
        if (released) return;
        released = true;
        if (this.held.get(lockKey) === entry) this.held.delete(lockKey);
        if (this.held.size === 0 && this.renewer) { clearInterval(this.renewer); this.renewer = undefined; }
        await this.release(lockKey, entry.owner);
      },
    };
  }

  private renew(): void {
    const entries = [...this.held];
    if (entries.length === 0) return;
    const sent = this.now();
    const pipeline = this.redis.client.pipeline();
    for (const [lockKey, { owner }] of entries) (pipeline as unknown as OwnedKeyCommands).thRenewOwned(lockKey, owner, this.leaseMs);
    // An unanswered renewal is tried again on the next tick; past a third of the lease the holder stops
    // trusting its lock (held() false), before another replica can take it.
    pipeline.exec().then((replies) => {
      replies?.forEach(([err, renewed], i) => {
        const entry = entries[i]![1];
        if (err) return;
        if (renewed === 1) entry.until = sent + this.leaseMs;
        else entry.lost = true;
      });
    }, () => undefined);
  }

  /** Deletes the key if it still holds `owner`; a release that does not reach Redis lets the lease end it. */
  private release(lockKey: string, owner: string): Promise<void> {
    return this.redis.run('task-lock', (r) => (r as Redis & OwnedKeyCommands).thDeleteOwned(lockKey, owner))
      .then(() => undefined, () => undefined);
  }

  private unlocked(err?: unknown): TaskLock {
    const now = this.now();
    if (now - this.lastWarned >= 30_000) {
      this.lastWarned = now;
      this.logger.warn({ err }, 'redis: not answering, so task writes go on without the lock that orders them across replicas');
    }
    return NO_LOCK;
  }
}

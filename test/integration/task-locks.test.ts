// Writes to one SuperOffice task ordered across replicas: two "replicas" (two clients, each with its own
// Redis connection and task locks) over one real redis-server and one SuperOffice emulator, which is the
// judge of what was really written. Then the lock itself: a holder that dies, a long hold, a lock lost
// under its holder, many waiters, and Redis gone or hung.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Redis } from 'ioredis';
import { applyUpdates } from '../../src/batch/apply.js';
import { SharedRedis } from '../../src/redis/connection.js';
import type { RedisObserver } from '../../src/redis/connection.js';
import { RedisTaskLocks } from '../../src/redis/task-locks-redis.js';
import { PROCESS_LOCAL_LOCKS } from '../../src/vendors/task-locks.js';
import type { TaskLocks } from '../../src/vendors/task-locks.js';
import type { SuperOfficeTaskUpdate } from '../../src/vendors/superoffice/model.js';
import { startRedis } from '../support/redis.js';
import type { TestRedis } from '../support/redis.js';
import { useSuperOffice } from '../support/superoffice.js';

const logger = pino({ level: 'silent' });
const { setup } = useSuperOffice();
let redis: TestRedis;
let admin: Redis;
const connections: SharedRedis[] = [];

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  for (const c of connections) await c.close();
  admin?.disconnect();
  await redis?.close();
});

/** A replica's own connection and locks, as main.ts builds them (with a shorter command timeout). */
async function replicaLocks(leaseMs?: number, url = redis.url, observer: RedisObserver = {}): Promise<RedisTaskLocks> {
  const shared = new SharedRedis(url, logger, observer, { commandTimeoutMs: 500, connectTimeoutMs: 500 });
  connections.push(shared);
  await shared.waitUntilUp(5_000);
  return new RedisTaskLocks(shared, 'SUPEROFFICE\nhttp://tenant', logger, leaseMs);
}

/** Two replicas' clients against one emulator; each answers one of two batches sent at once. */
async function twoReplicas(locks: [TaskLocks, TaskLocks]) {
  const { emu, client: a } = await setup({ latencyMs: 150 }, { taskLocks: locks[0] });
  const { client: b } = await setup({ latencyMs: 150 }, { baseUrl: emu.tenantUrl, taskLocks: locks[1] });
  return { emu, a, b };
}

const lockKeys = () => admin.keys('taskhub:task-lock:*');
async function until(what: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  for (const end = Date.now() + ms; !(await what());) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SuperOffice writes to one task from two replicas at once', () => {
  it('without a shared lock the second PUT writes back the first one\'s old value (what the lock prevents)', async () => {
    const { emu, a, b } = await twoReplicas([PROCESS_LOCAL_LOCKS, PROCESS_LOCAL_LOCKS]);
    await Promise.all([
      applyUpdates(a, [{ id: '108', description: 'from replica a' }]),
      applyUpdates(b, [{ id: '108', response: 'from replica b' }]),
    ]);
    const t = emu.tasks.get(108)!;
    expect([t.Description, t.Response]).not.toEqual(['from replica a', 'from replica b']);
  });

  it('with the Redis lock both changes are kept, each confirmed, and no lock is left behind', async () => {
    const { emu, a, b } = await twoReplicas([await replicaLocks(), await replicaLocks()]);
    const [ra, rb] = await Promise.all([
      applyUpdates(a, [{ id: '108', description: 'from replica a' }, { id: '105', state: 'Failed' }]),
      applyUpdates(b, [{ id: '108', response: 'from replica b' }, { id: '105', request: 'from replica b' }]),
    ]);
    expect([...ra, ...rb].map((o) => o!.kind)).toEqual(['UPDATED', 'UPDATED', 'UPDATED', 'UPDATED']);
    expect(emu.tasks.get(108)).toMatchObject({ Description: 'from replica a', Response: 'from replica b' });
    expect(emu.tasks.get(105)).toMatchObject({ State: 'Failed', Request: 'from replica b' });
    // Released as each write ends (not awaited by the write), so within a moment of the last.
    await until(async () => (await lockKeys()).length === 0);
  });

  it('a write of all four fields (no read) still waits for another replica\'s read and PUT', async () => {
    const { emu, a, b } = await twoReplicas([await replicaLocks(), await replicaLocks()]);
    const full: SuperOfficeTaskUpdate = { id: '102', state: 'Started', description: 'full b', response: 'full b', request: 'full b' };
    const partial = applyUpdates(a, [{ id: '102', description: 'partial a' }]);
    await until(() => emu.server.count('GET', /BatchTask\/102$/) === 1); // a holds the lock and is reading
    await Promise.all([partial, applyUpdates(b, [full])]);
    // b's PUT came after a's whole read-and-PUT: all of b's values stand.
    expect(emu.tasks.get(102)).toMatchObject({ Description: 'full b', Response: 'full b', Request: 'full b' });
  });

  it('writes waiting for tasks held elsewhere hold no slot: a free task goes first, the waiters end with their caller, unsent', async () => {
    const holder = await replicaLocks();
    const held = await Promise.all(Array.from({ length: 12 }, (_, i) => holder.tryLock(String(120 + i))));
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      // One write slot: nine read-and-PUTs may hold locks at once, fewer than the twelve waiting.
      const { emu, client } = await setup({ extraTasks: 40 }, { taskLocks: await replicaLocks(), writeConcurrency: 1 });
      const waiting = held.map((_, i) => ({ id: String(120 + i), description: 'waits' }));
      const outcomes = await applyUpdates(client, [...waiting, { id: '101', description: 'free' }], { signal: AbortSignal.timeout(3_000) });
      expect(outcomes.at(-1)).toMatchObject({ kind: 'UPDATED' });
      for (const o of outcomes.slice(0, 12)) expect(o).toMatchObject({ kind: 'ERROR', code: 'BACKEND_UNAVAILABLE', retryable: true });
      expect(emu.server.requests.filter((r) => /BatchTask\/1[23]\d$/.test(r.path))).toHaveLength(0);
      // One abort listener for all twelve waits, not one each.
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      await Promise.all(held.map((l) => l!.release()));
    }
  });

  it('a lock lost between the read and the PUT sends no PUT: BACKEND_UNAVAILABLE, retryable', async () => {
    const { emu, client } = await setup({ latencyMs: 600 }, { taskLocks: await replicaLocks(300) });
    const outcome = applyUpdates(client, [{ id: '103', description: 'never' }]);
    await until(() => emu.server.count('GET', /BatchTask\/103$/) === 1);
    await admin.del(await lockKeys()); // as a Redis restarted without persistence would
    expect((await outcome)[0]).toMatchObject({ kind: 'ERROR', code: 'BACKEND_UNAVAILABLE', retryable: true, message: expect.stringMatching(/lock/) });
    expect(emu.server.count('PUT')).toBe(0);
  });
});

describe('the Redis task lock', () => {
  it('is held by one caller at a time, across connections', async () => {
    const [x, y] = [await replicaLocks(), await replicaLocks()];
    const lock = await x.tryLock('k1');
    expect(lock?.held()).toBe(true);
    expect(await y.tryLock('k1')).toBeNull();
    await lock!.release();
    const again = await y.tryLock('k1');
    expect(again?.held()).toBe(true);
    await again!.release();
  });

  it('is kept past its lease while its holder lives, and freed by its lease when the holder dies', async () => {
    // A lease of 1.5 s (renewed every 0.5 s): a loaded machine's pauses of a few hundred ms do not end it.
    const [x, y] = [await replicaLocks(1_500), await replicaLocks(1_500)];
    const lock = await x.tryLock('k2');
    await new Promise((r) => setTimeout(r, 3_500));
    // More than two leases later the renewals still hold it.
    expect(lock!.held()).toBe(true);
    expect(await y.tryLock('k2')).toBeNull();
    await lock!.release();
    // A holder that stops renewing (a replica killed): the key outlives it by its lease, then y gets it.
    await admin.set(`${prefixOf(y)}k3`, 'a dead replica', 'PX', 300);
    expect(await y.tryLock('k3')).toBeNull();
    await new Promise((r) => setTimeout(r, 400));
    await (await y.tryLock('k3'))!.release();
  });

  it('with Redis gone, a caller goes on without the lock', async () => {
    const gone = await startRedis();
    const locks = await replicaLocks(undefined, gone.url);
    await gone.close();
    const lock = await locks.tryLock('k4');
    expect(lock?.held()).toBe(true);
    await lock!.release();
  });

  it('with Redis hung, a caller goes on without the lock, and leaves none behind when Redis wakes', async () => {
    const hung = await startRedis();
    const watcher = new Redis(hung.url);
    try {
      let failed = 0;
      const locks = await replicaLocks(undefined, hung.url, { onError: (op) => { if (op === 'task-lock') failed++; } });
      hung.freeze();
      // Before the heartbeat notices: the SET times out (and may still run when Redis wakes).
      expect((await locks.tryLock('k5'))?.held()).toBe(true);
      // Once it has noticed: no command at all, so no wait for one to time out.
      await until(() => !(connections.at(-1)!.up), 5_000);
      const failedBefore = failed;
      expect((await locks.tryLock('k6'))?.held()).toBe(true);
      expect(failed).toBe(failedBefore);
      hung.thaw();
      await until(() => connections.at(-1)!.up, 5_000);
      await new Promise((r) => setTimeout(r, 200));
      expect(await watcher.keys('taskhub:task-lock:*')).toEqual([]);
    } finally {
      hung.thaw();
      watcher.disconnect();
      await hung.close();
    }
  });
});

/** The key prefix a RedisTaskLocks uses (private; read for the dead-holder case). */
const prefixOf = (locks: RedisTaskLocks): string => (locks as unknown as { prefix: string }).prefix;

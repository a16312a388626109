// Writes to one SuperOffice task ordered across replicas: two "replicas" (two clients, each with its own
// Redis connection and task locks) over one real redis-server and one SuperOffice emulator, which is the
// judge of what was really written. Then the lock itself: a holder that dies, a long hold, a wait given up,
// and Redis gone.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { applyUpdates } from '../../src/batch/apply.js';
import { SharedRedis } from '../../src/redis/connection.js';
import { RedisTaskLocks } from '../../src/redis/task-locks-redis.js';
import type { TaskLockTimings } from '../../src/redis/task-locks-redis.js';
import { PROCESS_LOCAL_LOCKS } from '../../src/vendors/task-locks.js';
import type { TaskLocks } from '../../src/vendors/task-locks.js';
import { startRedis } from '../support/redis.js';
import type { TestRedis } from '../support/redis.js';
import { useSuperOffice } from '../support/superoffice.js';

const logger = pino({ level: 'silent' });
const { setup } = useSuperOffice();
let redis: TestRedis;
const connections: SharedRedis[] = [];

beforeAll(async () => { redis = await startRedis(); });
afterAll(async () => {
  for (const c of connections) await c.close();
  await redis?.close();
});

/** A replica's own connection and locks, as main.ts builds them. */
async function replicaLocks(timings?: TaskLockTimings, url = redis.url): Promise<RedisTaskLocks> {
  const shared = new SharedRedis(url, logger, {}, { commandTimeoutMs: 500, connectTimeoutMs: 500 });
  connections.push(shared);
  await shared.waitUntilUp(5_000);
  return new RedisTaskLocks(shared, 'SUPEROFFICE\nhttp://tenant', logger, timings);
}

/** Two replicas' clients against one emulator; each answers one of two batches sent at once. */
async function twoReplicas(locks: [TaskLocks, TaskLocks]) {
  const { emu, client: a } = await setup({ latencyMs: 150 }, { taskLocks: locks[0] });
  const { client: b } = await setup({ latencyMs: 150 }, { baseUrl: emu.tenantUrl, taskLocks: locks[1] });
  return { emu, a, b };
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

  it('with the Redis lock both changes are kept, each confirmed', async () => {
    const { emu, a, b } = await twoReplicas([await replicaLocks(), await replicaLocks()]);
    const [ra, rb] = await Promise.all([
      applyUpdates(a, [{ id: '108', description: 'from replica a' }, { id: '105', state: 'Failed' }]),
      applyUpdates(b, [{ id: '108', response: 'from replica b' }, { id: '105', request: 'from replica b' }]),
    ]);
    expect([...ra, ...rb].map((o) => o!.kind)).toEqual(['UPDATED', 'UPDATED', 'UPDATED', 'UPDATED']);
    expect(emu.tasks.get(108)).toMatchObject({ Description: 'from replica a', Response: 'from replica b' });
    expect(emu.tasks.get(105)).toMatchObject({ State: 'Failed', Request: 'from replica b' });
  });

  it('a write of all four fields (no read) still waits for another replica\'s read and PUT', async () => {
    const { emu, a, b } = await twoReplicas([await replicaLocks(), await replicaLocks()]);
    const full = { id: '102', state: 'Started' as const, description: 'full b', response: 'full b', request: 'full b' };
    const partial = applyUpdates(a, [{ id: '102', description: 'partial a' }]);
    await new Promise((r) => setTimeout(r, 50)); // a holds the lock and is reading
    await Promise.all([partial, applyUpdates(b, [full])]);
    // b's PUT came after a's whole read-and-PUT: all of b's values stand.
    expect(emu.tasks.get(102)).toMatchObject({ Description: 'full b', Response: 'full b', Request: 'full b' });
  });

  it('a wait given up by the caller sends nothing and answers BACKEND_UNAVAILABLE, retryable', async () => {
    const holder = await replicaLocks();
    const unlock = await holder.lock('103');
    try {
      const { emu, client } = await setup({}, { taskLocks: await replicaLocks() });
      const [outcome] = await applyUpdates(client, [{ id: '103', description: 'never' }], { signal: AbortSignal.timeout(300) });
      expect(outcome).toMatchObject({ kind: 'ERROR', code: 'BACKEND_UNAVAILABLE', retryable: true });
      expect(emu.server.requests).toHaveLength(0);
    } finally {
      await unlock();
    }
  });
});

describe('the Redis task lock', () => {
  const quick: TaskLockTimings = { leaseMs: 400, firstWaitMs: 10, maxWaitMs: 50 };

  it('is held by one caller at a time, across connections', async () => {
    const [x, y] = [await replicaLocks(quick), await replicaLocks(quick)];
    const order: string[] = [];
    const unlockX = await x.lock('k1');
    const second = y.lock('k1').then((unlock) => { order.push('y'); return unlock; });
    await new Promise((r) => setTimeout(r, 150));
    order.push('x releases');
    await unlockX();
    await (await second)();
    expect(order).toEqual(['x releases', 'y']);
  });

  it('is kept past its lease while its holder lives, and freed by its lease when the holder dies', async () => {
    const [x, y] = [await replicaLocks(quick), await replicaLocks(quick)];
    const unlock = await x.lock('k2');
    // Three leases later the renewals still hold it.
    await expect(y.lock('k2', AbortSignal.timeout(1_200))).rejects.toThrow();
    await unlock();
    // A holder that stops renewing (a replica killed): the key outlives it by one lease, then y gets it.
    const client = connections.at(-1)!.client;
    await client.set(`${keyPrefixOf(y)}k3`, 'a dead replica', 'PX', 300);
    const t0 = Date.now();
    await (await y.lock('k3', AbortSignal.timeout(3_000)))();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
  });

  it('with Redis gone, a caller goes on at once instead of waiting', async () => {
    const gone = await startRedis();
    const locks = await replicaLocks(quick, gone.url);
    await gone.close();
    const unlock = await locks.lock('k4', AbortSignal.timeout(2_000));
    await unlock();
  });
});

/** The key prefix a RedisTaskLocks uses (private; read for the dead-holder case). */
const keyPrefixOf = (locks: RedisTaskLocks): string => (locks as unknown as { prefix: string }).prefix;

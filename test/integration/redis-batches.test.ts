// Keyed batches shared through a real redis-server by two facades in this process ("replicas", each with
// its own emulators, so what each one sent is visible), and what happens while Redis is away.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { startRedis } from '../support/redis.js';
import type { TestRedis } from '../support/redis.js';

const PAYLOAD = BATCH.replace('succeeded accepted failed', 'succeeded accepted failed replayed recovered');
const writesOf = (h: Harness) =>
  h.vendors.zuora.server.count('PUT') + h.vendors.ibmBpm.server.count('PUT') + h.vendors.k2.server.count('POST') + h.vendors.superOffice.server.count('PUT');

const ITEMS = [
  { zuora: { id: '2771', name: 'shared' } },
  { k2: { serialNumber: '12_8', action: 'Approve' } },
  { superOffice: { id: '103', description: 'shared' } },
];

let redis: TestRedis;
let a: Harness;
let b: Harness;

beforeAll(async () => {
  redis = await startRedis();
  const env = { TASKHUB_REDIS_URL: redis.url };
  [a, b] = await Promise.all([startHarness({ env }), startHarness({ env })]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await redis?.close();
});

const batch = (h: Harness, items: unknown[], idempotencyKey?: string) =>
  h.gql(PAYLOAD, { input: { items, ...(idempotencyKey ? { idempotencyKey } : {}) } }).then((r) => r.body.data.batchUpdateTasks);

describe('idempotency keys across replicas', () => {
  it('a replay on another replica gets the stored answer and sends nothing', async () => {
    const first = await batch(a, ITEMS, 'across-1');
    expect(first).toMatchObject({ replayed: false, recovered: [] });
    expect(first.results.map((r: any) => r.__typename)).toEqual(['TaskUpdated', 'TaskUpdated', 'TaskUpdated']);
    const before = writesOf(b);
    const again = await batch(b, ITEMS, 'across-1');
    expect(again).toMatchObject({ replayed: true, recovered: [], succeeded: first.succeeded, accepted: first.accepted });
    expect(again.results.map((r: any) => r.__typename)).toEqual(first.results.map((r: any) => r.__typename));
    expect(writesOf(b)).toBe(before);
  });

  it('concurrent duplicates on two replicas: one sends, the other waits for its answer', async () => {
    const [ra, rb] = await Promise.all([batch(a, ITEMS, 'across-2'), batch(b, ITEMS, 'across-2')]);
    expect([ra.replayed, rb.replayed].sort()).toEqual([false, true]);
    expect(a.vendors.k2.server.count('POST') + b.vendors.k2.server.count('POST')).toBe(2); // across-1 and across-2 once each
  });
});

describe('Redis hung', () => {
  // A frozen server keeps its connections open: only an unanswered command shows it, so /ready must not
  // trust the connection's state alone.
  it('/ready says "redis":"down" within a few seconds of Redis hanging, and "up" once it answers again', async () => {
    const url = await a.listen();
    const redisState = async () => ((await (await fetch(`${url}/ready`)).json()) as { redis?: string }).redis;
    const until = async (want: string) => {
      for (let i = 0; i < 100; i++) { if (await redisState() === want) return true; await new Promise((r) => setTimeout(r, 100)); }
      return false;
    };
    expect(await redisState()).toBe('up');
    redis.freeze();
    try {
      expect(await until('down')).toBe(true);
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/taskhub_redis_up 0/);
    } finally {
      redis.thaw();
    }
    expect(await until('up')).toBe(true);
  });
});

describe('Redis unreachable', () => {
  it('refuses keyed batches without sending, keeps reads and unkeyed batches going, and recovers without a restart', async () => {
    await redis.stop();
    try {
      const before = writesOf(a);
      const keyed = await batch(a, ITEMS, 'while-down');
      expect(keyed.results).toHaveLength(3);
      for (const r of keyed.results) {
        expect(r).toMatchObject({ __typename: 'BackendUnavailable', code: 'BACKEND_UNAVAILABLE', retryable: true });
        expect(r.message).toMatch(/Redis/);
      }
      expect(writesOf(a)).toBe(before);

      const unkeyed = await batch(a, [{ zuora: { id: '2771', name: 'no key' } }]);
      expect(unkeyed.results[0].__typename).toBe('TaskUpdated');
      const read = await a.gql('{ task(backend: ZUORA, nativeId: "2771") { name } }');
      expect(read.body.data.task.name).toBeTruthy();

      const url = await a.listen();
      const ready = await fetch(`${url}/ready`);
      expect(await ready.json()).toMatchObject({ redis: 'down' });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/taskhub_redis_errors_total\{op="claim"\} [1-9]/);
      expect(metrics).toMatch(/taskhub_redis_up 0/);
    } finally {
      await redis.start();
    }
    // Picked up again by the background reconnect: no restart.
    let answer: any;
    for (let i = 0; i < 100; i++) {
      answer = await batch(a, ITEMS, 'after-down');
      if (answer.results[0].__typename !== 'BackendUnavailable') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(answer).toMatchObject({ replayed: false });
    expect(answer.results[0].__typename).toBe('TaskUpdated');
  });
});

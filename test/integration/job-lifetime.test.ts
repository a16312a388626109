// How long a batch job, its results and its idempotency key are kept: TTL after the job finishes, and
// never less while it is queued or runs. A key that lapsed while its job lived would let the same key start
// a second job, sending every K2 action again; a job that lapsed mid-run would lose its results.
// Also: a start that failed between storing the job and queueing it is healed by sending it again, and the
// Redis password never reaches a log, BullMQ's own error printing included.

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { TaskUpdate } from '../../src/domain.js';
import { MemoryJobStore } from '../../src/jobs/memory-store.js';
import { RedisJobStore } from '../../src/jobs/redis/redis-store.js';
import type { JobStore } from '../../src/jobs/store.js';
import { BatchJobs } from '../../src/jobs/service.js';
import { MemoryProgressBus } from '../../src/jobs/progress.js';
import type { JobQueue } from '../../src/jobs/queue.js';
import type { JobRunner } from '../../src/jobs/runner.js';
import type { Registry } from '../../src/registry.js';
import { useRedis } from '../support/redis.js';
import { startReplica } from '../support/replica.js';

const { server: redisServer, client: redis } = useRedis();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const items = (n: number): TaskUpdate[] => Array.from({ length: n }, (_, i) => ({ backend: 'K2', update: { serialNumber: `${i + 1}_1`, action: 'Approve' } }));
const spec = (key: string, n = 4) => ({ owner: 'o', dryRun: false, items: items(n), decided: [], idempotency: { key, fingerprint: `fp-${n}` } });
const result = (index: number) => ({ index, backend: 'K2' as const, nativeId: `${index + 1}_1`, outcome: { kind: 'UPDATED' as const } });

describe.each([
  ['in memory', (ttlMs: number): JobStore => new MemoryJobStore(ttlMs)],
  ['in Redis', (ttlMs: number): JobStore => new RedisJobStore(redis(), ttlMs)],
])('a job %s', (_where, makeStore) => {
  it('keeps its idempotency key TTL after it finishes, however long after its creation that is', async () => {
    const store = makeStore(800);
    const { job } = await store.create(spec(`late-finish-${_where}`));
    await sleep(500);
    await store.update(job.id, { state: 'COMPLETED', finishedAt: new Date().toISOString() });
    await sleep(500);
    // 1,000 ms after creation, 500 after the end: the key still names the finished job.
    const again = await store.create(spec(`late-finish-${_where}`));
    expect(again).toMatchObject({ created: false, job: { id: job.id, state: 'COMPLETED' } });
  });

  it('is kept, with its key, while it runs longer than TTL', async () => {
    const store = makeStore(600);
    const { job } = await store.create(spec(`long-run-${_where}`, 8));
    await store.update(job.id, { state: 'RUNNING', startedAt: new Date().toISOString() });
    for (let i = 0; i < 8; i++) { await sleep(150); await store.settle(job.id, [result(i)]); }
    // 1,200 ms after creation, still running: found, and its key still leads to it, not to a second job.
    expect(await store.get(job.id)).toMatchObject({ state: 'RUNNING', counts: { done: 8 } });
    expect(await store.create(spec(`long-run-${_where}`, 8))).toMatchObject({ created: false, job: { id: job.id } });
    expect((await store.results(job.id, 0, 10)).results).toHaveLength(8);
  });
});

describe('in Redis, a job waiting in the queue', () => {
  it('is kept, with its key, however long it waits; then expires TTL after it ends', async () => {
    const store = new RedisJobStore(redis(), 400);
    const { job } = await store.create(spec('long-queue'));
    await store.queued(job.id);
    await sleep(700);
    // Past its TTL in the queue: still there for the worker, and its key still leads to it.
    expect(await store.get(job.id)).toMatchObject({ state: 'QUEUED' });
    expect(await store.create(spec('long-queue'))).toMatchObject({ created: false, job: { id: job.id } });
    await store.transition(job.id, ['QUEUED'], { state: 'RUNNING', startedAt: new Date().toISOString() });
    await store.transition(job.id, ['RUNNING'], { state: 'COMPLETED', finishedAt: new Date().toISOString() });
    for (const key of [...await redis().keys(`taskhub:job:{${job.id}}:*`), 'taskhub:jobkey:o:long-queue']) {
      expect(await redis().pttl(key), key).toBeGreaterThan(0);
    }
  });

  it('stored but never queued (its queueing failed) still expires', async () => {
    const store = new RedisJobStore(redis(), 300);
    const { job } = await store.create(spec('never-queued'));
    await sleep(500);
    expect(await store.get(job.id)).toBeNull();
  });
});

describe('in Redis, nothing a job leaves is kept forever', () => {
  it('every key of a running job, and its idempotency key, has an expiry', async () => {
    const store = new RedisJobStore(redis(), 60_000);
    const { job } = await store.create(spec('expiry-everywhere'));
    await store.update(job.id, { state: 'RUNNING', startedAt: new Date().toISOString() });
    await store.sending(job.id, [1], '');
    await store.settle(job.id, [result(0)]);
    const keys = [...await redis().keys(`taskhub:job:{${job.id}}:*`), 'taskhub:jobkey:o:expiry-everywhere'];
    expect(keys.length).toBeGreaterThanOrEqual(4);
    for (const key of keys) expect(await redis().pttl(key), key).toBeGreaterThan(0);
  });
});

describe('a start that stored its job but could not queue it', () => {
  it('is queued when the same key is sent again', async () => {
    const queued: string[] = [];
    let failNext = true;
    const queue: JobQueue = {
      async enqueue(id) { if (failNext) { failNext = false; throw new Error('Redis connection lost'); } queued.push(id); },
      async close() {},
    };
    const jobs = new BatchJobs(new MemoryJobStore(60_000), new MemoryProgressBus(), queue, {} as JobRunner, {} as Registry);
    const start = () => jobs.start('o', { items: [], dryRun: false, idempotencyKey: 'gap' });
    await expect(start()).rejects.toThrow(/connection lost/);
    const job = await start();
    expect(job.state).toBe('QUEUED');
    expect(queued).toEqual([job.id]);
  });
});

describe('the in-process queue', () => {
  // A resend of a QUEUED job queues it again (above): the queue, not the caller, keeps it from running twice.
  it('runs a job id once however often it is queued', async () => {
    const { MemoryJobQueue } = await import('../../src/jobs/queue.js');
    const runs: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const runner = { work: async (id: string) => { runs.push(id); await held; } } as unknown as JobRunner;
    const queue = new MemoryJobQueue(runner, 2, { error: () => {} } as never);
    await queue.enqueue('a');
    await queue.enqueue('a');
    await sleep(20);
    await queue.enqueue('a');
    release();
    await sleep(20);
    expect(runs).toEqual(['a']);
    await queue.close();
  });
});

describe('the Redis password', () => {
  it('is never printed when Redis refuses it, by taskhub or by BullMQ', async () => {
    const locked = new Redis(redisServer().url);
    await locked.config('SET', 'requirepass', 'right-Pw-7c1d');
    locked.disconnect();
    const replica = await startReplica({ TASKHUB_REDIS_URL: `redis://:Wrong-Pw-93ab@127.0.0.1:${redisServer().port}` });
    try {
      await sleep(3000);
      expect(replica.output()).toMatch(/redis/i);
      expect(replica.output()).not.toContain('Wrong-Pw-93ab');
      // BullMQ retries several times a second: its errors are logged once per 30 s, not each time.
      expect(replica.output().match(/batch job (worker|queue): redis error/g)?.length ?? 0).toBeLessThanOrEqual(2);
    } finally {
      await replica.kill();
      const admin = new Redis(redisServer().url, { password: 'right-Pw-7c1d' });
      await admin.config('SET', 'requirepass', '');
      admin.disconnect();
    }
  });
});

// Cancelling a job that is still waiting for a worker answers it at once, in memory and across replicas
// over Redis: behind a large job it would otherwise stay QUEUED until a worker frees up (hours, behind a
// 100,000-item job). Nothing of it is sent, then or later. A worker taking the job at the same moment ends
// it no second time.

import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchEngine } from '../../src/batch/engine.js';
import type { TaskUpdate } from '../../src/domain.js';
import { MemoryJobStore } from '../../src/jobs/memory-store.js';
import { MemoryProgressBus } from '../../src/jobs/progress.js';
import { RedisJobStore } from '../../src/jobs/redis/redis-store.js';
import { JobRunner } from '../../src/jobs/runner.js';
import type { JobState, JobStore } from '../../src/jobs/store.js';
import type { Registry } from '../../src/registry.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { JOB_FIELDS, applied, generatedIds, k2Sends, mixedItems } from '../support/jobs.js';
import { startRedis } from '../support/redis.js';
import type { TestRedis } from '../support/redis.js';

const EXTRA = 1200;
const START = `mutation($input: BatchUpdateJobInput!) { startBatchUpdateJob(input: $input) { ${JOB_FIELDS} } }`;
const GET = `query($id: ID!) { batchUpdateJob(id: $id) { ${JOB_FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelBatchUpdateJob(id: $id) { ${JOB_FIELDS} } }`;
const RESULTS = `query($id: ID!) { batchUpdateJob(id: $id) { results(first: 500) { edges { node {
  __typename ... on TaskUpdateOutcome { index } ... on TaskUpdateError { code retryable } } } } } }`;

let redis: TestRedis;
beforeAll(async () => { redis = await startRedis(); });
afterAll(async () => { await redis?.close(); });

describe.each([['in memory', false], ['over Redis', true]])('a queued job cancelled %s', (_where, shared) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ extraTasks: EXTRA, env: {
      TASKHUB_JOB_CONCURRENCY: '1', TASKHUB_FIRST_BYTE_TIMEOUT_MS: '30000', TASKHUB_TOTAL_TIMEOUT_MS: '60000',
      ...(shared ? { TASKHUB_REDIS_URL: redis.url } : {}),
    } });
  });
  afterAll(() => h?.close());

  it('is CANCELLED in the answer to the cancel, every item CANCELLED and never sent, while the job ahead still runs', async () => {
    const ids = generatedIds(h.vendors, EXTRA);
    h.vendors.setLatency(40);
    try {
      const ahead = (await h.gql(START, { input: { items: mixedItems(ids, 1200, `ahead-${shared}`) } })).body.data.startBatchUpdateJob;
      const waiting = mixedItems(ids, 40, `waiting-${shared}`, 400);
      const queued = (await h.gql(START, { input: { items: waiting } })).body.data.startBatchUpdateJob;
      expect(queued.state).toBe('QUEUED');

      const cancel = await h.gql(CANCEL, { id: queued.id });
      expect(cancel.body.errors).toBeUndefined();
      expect(cancel.body.data.cancelBatchUpdateJob).toMatchObject({ state: 'CANCELLED', done: 40, failed: 40 });
      expect((await h.gql(GET, { id: ahead.id })).body.data.batchUpdateJob.state).not.toBe('COMPLETED');

      const results = (await h.gql(RESULTS, { id: queued.id })).body.data.batchUpdateJob.results.edges.map((e: { node: unknown }) => e.node);
      expect(results).toHaveLength(40);
      for (const r of results) expect(r).toMatchObject({ __typename: 'TaskUpdateCancelled', code: 'CANCELLED', retryable: true });

      // The job ahead runs to its end; the cancelled one never runs after it.
      for (let i = 0; i < 600; i++) {
        if ((await h.gql(GET, { id: ahead.id })).body.data.batchUpdateJob.state === 'COMPLETED') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 500));
      expect((await h.gql(GET, { id: queued.id })).body.data.batchUpdateJob.state).toBe('CANCELLED');
      for (const item of waiting) {
        expect(applied(h.vendors, item, `waiting-${shared}`)).toBe(false);
        if ('k2' in item) expect(k2Sends(h.vendors, item.k2.serialNumber)).toBe(0);
      }
    } finally {
      h.vendors.setLatency(0);
    }
  }, 120_000);
});

describe.each([
  ['in memory', (): JobStore => new MemoryJobStore(60_000)],
  ['in Redis', (): JobStore => new RedisJobStore(new Redis(redis.url), 60_000)],
])('a cancel and a worker reaching a queued job at once (%s)', (_where, makeStore) => {
  it('end it once: one CANCELLED and each item counted once (the jobs metrics), never back to RUNNING', async () => {
    const inner = makeStore();
    // Results recorded 20 ms late (a Redis answering slowly), so both sides answer the items.
    const store: JobStore = Object.assign(Object.create(inner) as JobStore, {
      settle: async (...args: Parameters<JobStore['settle']>) => {
        await new Promise((r) => setTimeout(r, 20));
        return inner.settle(...args);
      },
    });
    const items: TaskUpdate[] = [1, 2, 3].map((n) => ({ backend: 'K2', update: { serialNumber: `${n}_1`, action: 'Approve' } }));
    // Nothing is sent: the cancel is requested before either starts, so the engine is never called.
    const registry = { vendor: () => undefined, get: () => undefined } as unknown as Registry;
    for (let round = 0; round < 10; round++) {
      const { job } = await store.create({ owner: 'o', dryRun: false, items, decided: [] });
      await store.update(job.id, { cancelRequested: true });
      const states: JobState[] = [];
      let counted = 0;
      const runner = new JobRunner({
        store, engine: {} as BatchEngine, registry, bus: new MemoryProgressBus(), logger: pino({ level: 'silent' }),
        observer: { onJobState: (state) => states.push(state), onJobItems: (results) => { counted += results.length; } },
      });
      await Promise.all([runner.cancelQueued(job.id), runner.work(job.id, new AbortController().signal)]);
      expect(states.filter((s) => s === 'CANCELLED'), states.join(' ')).toHaveLength(1);
      expect(counted).toBe(3);
      expect(states.at(-1)).toBe('CANCELLED');
      expect(await store.get(job.id)).toMatchObject({ state: 'CANCELLED', counts: { done: 3 } });
    }
    if (inner instanceof RedisJobStore) ((inner as unknown as { redis: Redis }).redis).disconnect();
  });
});

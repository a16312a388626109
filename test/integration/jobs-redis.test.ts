// Batch jobs on a real redis-server, shared by two replicas (two apps over one Redis and one set of
// emulators, each on its own port): a job started on one is seen, followed over SSE, cancelled and paged
// on the other; the idempotency key holds across replicas; workers on both share the work.

import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, redactorFor } from '../../src/config.js';
import { createRegistry } from '../../src/registry.js';
import { createApp } from '../../src/server.js';
import type { App } from '../../src/server.js';
import { createLogger } from '../../src/logger.js';
import { startEmbeddedBackends } from '../../src/embedded.js';
import type { EmbeddedBackends } from '../../src/embedded.js';
import { BatchEngine } from '../../src/batch/engine.js';
import { createRedisJobs } from '../../src/jobs/redis/index.js';
import { TEST_TRAFFIC_ENV } from '../support/harness.js';
import { startRedis } from '../support/redis.js';
import type { TestRedis } from '../support/redis.js';
import { JOB_FIELDS, allJobResults, applied, generatedIds, k2Sends, mixedItems, readSse } from '../support/jobs.js';

const EXTRA = 1500;
let redis: TestRedis;
let vendors: EmbeddedBackends;
let ids: ReturnType<typeof generatedIds>;
const replicas: Array<{ app: App; server: Server; url: string; close(): Promise<void> }> = [];
let used = 0;
const fresh = (size: number, tag: string) => {
  const items = mixedItems(ids, size, tag, used);
  used += Math.ceil(size / 4);
  return items;
};

async function startReplica() {
  const config = Object.freeze({ ...loadConfig({ ...TEST_TRAFFIC_ENV, TASKHUB_FIRST_BYTE_TIMEOUT_MS: '30000', TASKHUB_TOTAL_TIMEOUT_MS: '60000' }), backends: vendors.settings });
  const logger = createLogger({ level: 'warn', redact: redactorFor(config), destination: new Writable({ write(_c, _e, cb) { cb(); } }) });
  const registry = createRegistry(config);
  const jobs = createRedisJobs(redis.url, { config, registry, engine: new BatchEngine(registry, logger), logger });
  const app = createApp(config, registry, logger, { jobs });
  const server = createServer(app.yoga);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    app, server, url,
    async close() {
      await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
      await app.yoga.dispose();
      await jobs.close();
      await registry.close();
    },
  };
}

async function gql(replica: number, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(replicas[replica]!.url, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }),
  });
  return await res.json() as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

const START = `mutation($input: BatchUpdateJobInput!) { startBatchUpdateJob(input: $input) { ${JOB_FIELDS} } }`;
const GET = `query($id: ID!) { batchUpdateJob(id: $id) { ${JOB_FIELDS} } }`;
const PAGE = `query($id: ID!, $after: String) { batchUpdateJob(id: $id) { results(first: 1000, after: $after) {
  edges { node { __typename ... on TaskUpdateOutcome { index } ... on TaskUpdateError { code retryable } } }
  pageInfo { hasNextPage endCursor } } } }`;

async function waitFinished(replica: number, id: string, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = (await gql(replica, GET, { id })).data.batchUpdateJob;
    if (['COMPLETED', 'CANCELLED', 'FAILED'].includes(job.state)) return job;
    if (Date.now() > until) throw new Error(`job still ${job.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}


beforeAll(async () => {
  redis = await startRedis();
  vendors = await startEmbeddedBackends({ extraTasks: EXTRA });
  ids = generatedIds(vendors, EXTRA);
  replicas.push(await startReplica(), await startReplica());
}, 60_000);

afterAll(async () => {
  for (const r of replicas) await r.close();
  await vendors?.close();
  await redis?.close();
});

describe('batch jobs on Redis, two replicas', () => {
  it('runs a 2,000-item job started on one replica to COMPLETED; the other reads every result, each matching the vendors', async () => {
    const items = fresh(2000, 'redis-2000');
    const started = await gql(0, START, { input: { items } });
    expect(started.errors).toBeUndefined();
    const job = started.data.startBatchUpdateJob;
    const done = await waitFinished(1, job.id);
    expect(done).toMatchObject({ state: 'COMPLETED', total: 2000, done: 2000, failed: 0 });
    const results = await allJobResults((q, v) => gql(1, q, v), PAGE, job.id);
    expect(results.map((r) => r.index)).toEqual(items.map((_, i) => i));
    results.forEach((r, i) => {
      expect(['TaskUpdated', 'TaskUpdateAccepted']).toContain(r.__typename);
      expect(applied(vendors, items[i]!, 'redis-2000')).toBe(true);
    });
  }, 120_000);

  it('gives the same job for the same idempotency key on either replica', async () => {
    const items = fresh(8, 'redis-idem');
    const [a, b] = await Promise.all([
      gql(0, START, { input: { items, idempotencyKey: 'redis-key' } }),
      gql(1, START, { input: { items, idempotencyKey: 'redis-key' } }),
    ]);
    expect(a.data.startBatchUpdateJob.id).toBe(b.data.startBatchUpdateJob.id);
    await waitFinished(0, a.data.startBatchUpdateJob.id);
    for (const i of items) if ('k2' in i) expect(k2Sends(vendors, i.k2.serialNumber)).toBe(1);
    const other = await gql(1, START, { input: { items: items.slice(2), idempotencyKey: 'redis-key' } });
    expect(other.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('streams progress over SSE from the replica not running the job, and cancels from it mid-way', async () => {
    vendors.setLatency(30);
    try {
      const items = fresh(3000, 'redis-cancel');
      const job = (await gql(0, START, { input: { items } })).data.startBatchUpdateJob;
      const res = await fetch(replicas[1]!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: `subscription($id: ID!) { batchUpdateJobProgress(id: $id) { state done cancelRequested } }`, variables: { id: job.id } }),
      });
      let cancelled = false;
      const events = await readSse(res, (e) => {
        const p = e.data?.data?.batchUpdateJobProgress;
        if (p && p.done > 0 && !cancelled) {
          cancelled = true;
          void gql(1, `mutation($id: ID!) { cancelBatchUpdateJob(id: $id) { id } }`, { id: job.id });
        }
        return false;
      });
      const nexts = events.filter((e) => e.event === 'next').map((e) => e.data.data.batchUpdateJobProgress);
      expect(events.at(-1)?.event).toBe('complete');
      expect(nexts.at(-1)).toMatchObject({ state: 'CANCELLED', done: 3000, cancelRequested: true });
      const results = await allJobResults((q, v) => gql(0, q, v), PAGE, job.id);
      expect(results).toHaveLength(3000);
      const skipped = results.filter((r) => r.__typename === 'TaskUpdateCancelled');
      expect(skipped.length).toBeGreaterThan(0);
      for (const r of skipped) {
        expect(r).toMatchObject({ code: 'CANCELLED', retryable: true });
        expect(applied(vendors, items[r.index]!, 'redis-cancel')).toBe(false);
      }
      for (const r of results.filter((x) => x.__typename !== 'TaskUpdateCancelled')) {
        expect(applied(vendors, items[r.index]!, 'redis-cancel')).toBe(true);
      }
    } finally {
      vendors.setLatency(0);
    }
  }, 120_000);
});

describe('Redis unreachable', () => {
  it('answers a clear, retryable error naming Redis instead of queueing, and works again when Redis is back', async () => {
    await redis.stop();
    try {
      const res = await gql(0, START, { input: { items: fresh(4, 'redis-down') } });
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'JOBS_UNAVAILABLE', retryable: true } });
      expect(res.errors?.[0]?.message).toContain('Redis');
    } finally {
      await redis.start();
    }
    const back = await until(async () => {
      const res = await gql(1, START, { input: { items: fresh(4, 'redis-back') } });
      return res.errors ? undefined : res.data.startBatchUpdateJob;
    });
    expect((await waitFinished(0, back.id)).state).toBe('COMPLETED');
  }, 60_000);
});

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

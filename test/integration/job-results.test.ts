// Paging a job's results, the same in both stores (in memory, and on a real redis-server): input order, a
// cursor that continues where a page ended, `only` one kind of result (what a client reads after a large
// job: the failed items), and `next` null on the last page, so a client is not sent to an empty one.

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../../src/batch/plan.js';
import type { TaskUpdate } from '../../src/domain.js';
import { outcomeError } from '../../src/domain.js';
import { MemoryJobStore } from '../../src/jobs/memory-store.js';
import { RedisJobStore } from '../../src/jobs/redis/redis-store.js';
import type { JobStore, ResultKind } from '../../src/jobs/store.js';
import { collectPage } from '../../src/jobs/result-page.js';
import { useRedis } from '../support/redis.js';

const TOTAL = 1_000;
const { server: redisServer, client: redis } = useRedis();

const item = (i: number): TaskUpdate => ({ backend: 'ZUORA', update: { id: String(1000 + i), name: `item ${i}` } });

/** Item i's result: every 7th failed, every 5th (not failed) accepted, the rest succeeded. */
function resultOf(index: number): ItemResult {
  const base = { index, backend: 'ZUORA' as const, nativeId: String(1000 + index) };
  if (index % 7 === 3) return { ...base, outcome: outcomeError('BACKEND_UNAVAILABLE', `item ${index} failed`, { retryable: true }) };
  if (index % 5 === 1) return { ...base, outcome: { kind: 'ACCEPTED', message: 'sent, not confirmed' } };
  return { ...base, outcome: { kind: 'UPDATED' } };
}
const kindOfIndex = (i: number): ResultKind => (i % 7 === 3 ? 'failed' : i % 5 === 1 ? 'accepted' : 'succeeded');

/** Every page of `limit`, following `next`, as the GraphQL connection does. */
async function pageThrough(store: JobStore, id: string, limit: number, only?: ResultKind) {
  const indexes: number[] = [];
  let pages = 0;
  let from = 0;
  for (;;) {
    const page = await store.results(id, from, limit, only);
    pages++;
    expect(page.results.length).toBeLessThanOrEqual(limit);
    indexes.push(...page.results.map((r) => r.index));
    if (page.next === null) return { indexes, pages };
    // A page that says another follows is full, and the next one starts at a result it did not hold.
    expect(page.results).toHaveLength(limit);
    expect(page.next).toBeGreaterThan(page.results.at(-1)!.index);
    from = page.next;
  }
}

describe.each([
  ['in memory', () => new MemoryJobStore(60_000)],
  ['in Redis', () => new RedisJobStore(redis(), 60_000)],
])('job results %s', (_name, makeStore) => {
  async function jobWith(settled: (i: number) => boolean) {
    const store = makeStore();
    const { job } = await store.create({ owner: 'o', dryRun: false, items: Array.from({ length: TOTAL }, (_, i) => item(i)), decided: [] });
    const results = Array.from({ length: TOTAL }, (_, i) => i).filter(settled).map(resultOf);
    // Out of order, in pieces, as concurrent chunks record them.
    for (let k = 0; k < results.length; k += 97) await store.settle(job.id, results.slice(k, k + 97).reverse());
    return { store, id: job.id };
  }

  it('pages every result once, in input order, and the last page says nothing follows', async () => {
    const { store, id } = await jobWith(() => true);
    const { indexes, pages } = await pageThrough(store, id, 100);
    expect(indexes).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    expect(pages).toBe(10);
  });

  it.each(['failed', 'accepted', 'succeeded'] as const)('with only %s, pages exactly the results of that kind', async (kind) => {
    const { store, id } = await jobWith(() => true);
    const want = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => kindOfIndex(i) === kind);
    const { indexes, pages } = await pageThrough(store, id, 40, kind);
    expect(indexes).toEqual(want);
    expect(pages).toBe(Math.ceil(want.length / 40));
    const record = await store.get(id);
    expect(indexes).toHaveLength(record!.counts[kind]);
  });

  it('while a job runs, skips items without a result and ends where the recorded results end', async () => {
    // The first 600 items answered, then a gap, then 20 more (a second chunk in flight).
    const { store, id } = await jobWith((i) => i < 600 || (i >= 800 && i < 820));
    const all = await pageThrough(store, id, 250);
    expect(all.indexes).toEqual([...Array.from({ length: 600 }, (_, i) => i), ...Array.from({ length: 20 }, (_, i) => 800 + i)]);
    const failed = await pageThrough(store, id, 1000, 'failed');
    expect(failed.indexes).toEqual(all.indexes.filter((i) => kindOfIndex(i) === 'failed'));
    expect(failed.pages).toBe(1);
  });

  it('first: 0 gives an empty page that still says whether a result follows', async () => {
    const { store, id } = await jobWith((i) => i === 502); // a succeeded one
    expect(await store.results(id, 0, 0)).toEqual({ results: [], next: 502 });
    expect(await store.results(id, 503, 0)).toEqual({ results: [], next: null });
    expect(await store.results(id, 0, 0, 'failed')).toEqual({ results: [], next: null });
  });
});

describe('settling on Redis', () => {
  // Script calls of any kind (ioredis sends a script's text once per connection, then its SHA).
  const scriptCalls = async () => {
    const stats = await redis().info('commandstats');
    return ['eval', 'evalsha'].reduce((n, c) => n + Number(new RegExp(`cmdstat_${c}:calls=(\\d+)`).exec(stats)?.[1] ?? 0), 0);
  };

  it('results settled in one turn of the event loop are one script call, and each caller sees its results counted', async () => {
    const store = new RedisJobStore(redis(), 60_000);
    const { job } = await store.create({ owner: 'o', dryRun: false, items: Array.from({ length: 40 }, (_, i) => item(i)), decided: [] });
    const before = await scriptCalls();
    // Forty vendor calls answering together, one result each, as SuperOffice's do.
    const records = await Promise.all(Array.from({ length: 40 }, (_, i) => store.settle(job.id, [resultOf(i)])));
    expect((await scriptCalls()) - before).toBe(1);
    for (const r of records) expect(r.counts.done).toBe(40);
    const { indexes } = await pageThrough(store, job.id, 100);
    expect(indexes).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('an index two callers settle in one turn is recorded once, and reported as new to one of them', async () => {
    const store = new RedisJobStore(redis(), 60_000);
    const { job } = await store.create({ owner: 'o', dryRun: false, items: [item(0), item(1)], decided: [] });
    const fresh: number[] = [];
    const note = (results: readonly { index: number }[]) => { fresh.push(...results.map((r) => r.index)); };
    const [, after] = await Promise.all([store.settle(job.id, [resultOf(0)], note), store.settle(job.id, [resultOf(0), resultOf(1)], note)]);
    expect(after.counts.done).toBe(2);
    expect(fresh.sort()).toEqual([0, 1]);
  });

  it('a failed write fails every caller of that turn', async () => {
    const broken = new Redis(redisServer().url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    broken.on('error', () => {}); // the failures under test come back through settle; this keeps ioredis quiet
    const store = new RedisJobStore(broken, 60_000);
    const settled = Promise.allSettled([store.settle('no-connection', [resultOf(1)]), store.settle('no-connection', [resultOf(2)])]);
    expect((await settled).map((s) => s.status)).toEqual(['rejected', 'rejected']);
    broken.disconnect();
  });
});

describe('reading a page', () => {
  // 100,000 items, results only at 10 and 99,000: a polling client's page of a running job, or a page of
  // rare failures. One read per hundred items would be a thousand Redis round trips per page.
  const stored = new Map([[10, JSON.stringify(resultOf(10))], [99_000, JSON.stringify(resultOf(99_000))]]);
  const reads: Array<[number, number]> = [];
  const read = async (a: number, b: number) => { reads.push([a, b]); return Array.from({ length: b - a }, (_, j) => stored.get(a + j)); };

  it('reads a long stretch without results in a few growing windows', async () => {
    reads.length = 0;
    expect(await collectPage(100_000, 0, 1, undefined, read)).toMatchObject({ results: [{ index: 10 }], next: 99_000 });
    expect(reads.length).toBeLessThan(30);
    reads.length = 0;
    expect(await collectPage(100_000, 11, 5, undefined, read)).toMatchObject({ results: [{ index: 99_000 }], next: null });
    expect(reads.length).toBeLessThan(30);
    // Every index read once, none twice.
    const covered = reads.reduce((n, [a, b]) => n + (b - a), 0);
    expect(covered).toBe(100_000 - 11);
  });
});

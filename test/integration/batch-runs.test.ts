// BatchRuns over both run stores: the same contract in process and on a real redis-server. Claims,
// waits, replays, conflicts, and a take-over after the holder stopped renewing its lease.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { BatchRuns } from '../../src/batch/batch-runs.js';
import type { Execute, Recovery } from '../../src/batch/batch-runs.js';
import { IdempotencyConflictError } from '../../src/batch/idempotency.js';
import { MemoryRunStore } from '../../src/batch/run-store-memory.js';
import type { RunStore } from '../../src/batch/run-store.js';
import { LeaseLostError, RunStoreUnavailableError } from '../../src/batch/run-store.js';
import type { ItemResult } from '../../src/batch/plan.js';
import { RedisRunStore } from '../../src/redis/run-store-redis.js';
import { SharedRedis } from '../../src/redis/connection.js';
import { startRedis } from '../support/redis.js';
import type { TestRedis } from '../support/redis.js';

const logger = pino({ level: 'silent' });
const LEASE_MS = 1_000;

const result = (index: number, tag = 'ok'): ItemResult => ({
  index, backend: 'K2', nativeId: `${index}_1`, outcome: { kind: 'ACCEPTED', message: tag },
});
const answerAll = (total: number, tag = 'ok'): Execute => async () => Array.from({ length: total }, (_, i) => result(i, tag));

let redis: TestRedis;
let shared: SharedRedis;

beforeAll(async () => {
  redis = await startRedis();
  shared = new SharedRedis(redis.url, logger);
  await shared.waitUntilUp(5_000);
});
afterAll(async () => {
  await shared?.close();
  await redis?.close();
});

let n = 0;
const stores: Array<[string, () => RunStore]> = [
  ['memory', () => new MemoryRunStore(60_000, LEASE_MS)],
  ['Redis', () => new RedisRunStore(shared, 60_000, LEASE_MS, `test${++n}:`)],
];

describe.each(stores)('BatchRuns on the %s store', (_name, makeStore) => {
  it('runs once; a replay gets the stored answer and sends nothing', async () => {
    const runs = new BatchRuns(makeStore(), { logger, pollMs: 10 });
    let calls = 0;
    const exec: Execute = async (...a) => { calls++; return answerAll(3)(...a); };
    const first = await runs.run('r1', 'fp', 3, exec);
    const again = await runs.run('r1', 'fp', 3, exec);
    expect(calls).toBe(1);
    expect(first).toMatchObject({ replayed: false, recovered: [] });
    expect(again).toEqual({ results: first.results, replayed: true, recovered: [] });
  });

  it('makes a concurrent duplicate wait for the first, which alone runs', async () => {
    const runs = new BatchRuns(makeStore(), { logger, pollMs: 10 });
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const exec: Execute = async (...a) => { calls++; await gate; return answerAll(2)(...a); };
    const a = runs.run('r2', 'fp', 2, exec);
    const b = runs.run('r2', 'fp', 2, exec);
    await new Promise((r) => setTimeout(r, 50));
    release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(calls).toBe(1);
    expect(rb.results).toEqual(ra.results);
    expect([ra.replayed, rb.replayed].sort()).toEqual([false, true]);
  });

  it('refuses the same id with another input', async () => {
    const runs = new BatchRuns(makeStore(), { logger });
    await runs.run('r3', 'fp1', 1, answerAll(1));
    await expect(runs.run('r3', 'fp2', 1, answerAll(1))).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  it('a failed run keeps its journal and the next call resumes it', async () => {
    const runs = new BatchRuns(makeStore(), { logger, pollMs: 10 });
    await expect(runs.run('r4', 'fp', 2, async (journal) => {
      await journal.sending([0]);
      throw new Error('bug');
    })).rejects.toThrow('bug');
    let seen: Recovery | undefined;
    const again = await runs.run('r4', 'fp', 2, async (j, recovery) => { seen = recovery; return answerAll(2)(j, recovery); });
    expect([...seen!.inFlight]).toEqual([0]);
    expect(again.recovered).toEqual([0]);
  });

  it('takes over from a holder whose lease lapsed: recorded results, in-flight items, and a stale holder refused', async () => {
    const store = makeStore();
    const runs = new BatchRuns(store, { logger, pollMs: 20 });
    // A holder that claims, records, and then stops renewing (as if its process were killed).
    expect(await store.claim('r5', 'fp', 'dead-owner', 3)).toBe('claimed');
    await store.markSending('r5', 'dead-owner', [0, 1]);
    await store.record('r5', 'dead-owner', [{ result: result(0, 'from the dead holder'), recovered: false }]);

    let seen: Recovery | undefined;
    const started = Date.now();
    const answer = await runs.run('r5', 'fp', 3, async (journal, recovery) => {
      seen = recovery;
      await journal.sending([1, 2]);
      return [recovery!.settled.get(0)!, result(1, 'resent'), result(2, 'sent')];
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_MS - 100); // waited for the lease, not less
    expect([...seen!.settled.keys()]).toEqual([0]);
    expect([...seen!.inFlight]).toEqual([1]);
    expect(answer.recovered).toEqual([0, 1]);
    expect(answer.results.map((r) => (r.outcome as { message: string }).message)).toEqual(['from the dead holder', 'resent', 'sent']);
    // The dead holder, back from a pause, can neither send nor overwrite.
    await expect(store.markSending('r5', 'dead-owner', [2])).rejects.toBeInstanceOf(LeaseLostError);
    // A later replay carries the same answer, including which items were recovered.
    expect(await runs.run('r5', 'fp', 3, answerAll(3))).toMatchObject({ replayed: true, recovered: [0, 1] });
  });

  it('renews the lease while the run takes longer than the lease', async () => {
    const store = makeStore();
    const runs = new BatchRuns(store, { logger, pollMs: 20 });
    let calls = 0;
    const slow: Execute = async (j, r) => { calls++; await new Promise((res) => setTimeout(res, LEASE_MS * 2.5)); return answerAll(1)(j, r); };
    const [a, b] = await Promise.all([runs.run('r6', 'fp', 1, slow), new Promise((r) => setTimeout(r, 50)).then(() => runs.run('r6', 'fp', 1, slow))]);
    expect(calls).toBe(1);
    expect(b.results).toEqual(a.results);
  });
});

describe('Redis unreachable', () => {
  it('claims fail fast with an error naming Redis, and work again once it is back', async () => {
    const store = new RedisRunStore(shared, 60_000, LEASE_MS, 'down:');
    const runs = new BatchRuns(store, { logger });
    await redis.stop();
    const started = Date.now();
    await expect(runs.run('x', 'fp', 1, answerAll(1))).rejects.toBeInstanceOf(RunStoreUnavailableError);
    await expect(runs.run('x', 'fp', 1, answerAll(1))).rejects.toThrow(/Redis is unreachable/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await redis.start();
    expect(await shared.waitUntilUp(10_000)).toBe(true);
    expect((await runs.run('x', 'fp', 1, answerAll(1))).replayed).toBe(false);
  });
});

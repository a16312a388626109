// How a batch job's chunks follow each other, seen at the engine and at the vendor: the next chunk starts
// while the current one's tail is still being written (so a vendor's pipeline is not drained at every chunk
// boundary), never more than two at once, and a cancel seen at that point still waits for the chunk in
// flight and sends nothing after it. A runner with small chunks over one vendor's emulator, with latency,
// so that calls stay in flight long enough to be seen.

import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, redactorFor } from '../../src/config.js';
import { createRegistry } from '../../src/registry.js';
import type { Registry } from '../../src/registry.js';
import { createLogger } from '../../src/logger.js';
import type { Logger } from '../../src/logger.js';
import { startEmbeddedBackends } from '../../src/embedded.js';
import type { EmbeddedBackends } from '../../src/embedded.js';
import { BatchEngine } from '../../src/batch/engine.js';
import type { RunOptions } from '../../src/batch/engine.js';
import type { ItemResult } from '../../src/batch/plan.js';
import type { TaskUpdate } from '../../src/domain.js';
import { MemoryJobStore } from '../../src/jobs/memory-store.js';
import { MemoryProgressBus } from '../../src/jobs/progress.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { TEST_TRAFFIC_ENV } from '../support/harness.js';

const EXTRA = 4200;
const CHUNK = 300;
let vendors: EmbeddedBackends;
let registry: Registry;
let logger: Logger;
let soIds: string[];
let used = 0;

/** The real engine, counting the runs in flight at once (each run is one chunk). */
class CountingEngine extends BatchEngine {
  running = 0;
  peak = 0;
  override async run(items: readonly TaskUpdate[], opts: RunOptions): Promise<ItemResult[]> {
    this.peak = Math.max(this.peak, ++this.running);
    try {
      return await super.run(items, opts);
    } finally {
      this.running--;
    }
  }
}

/** `size` SuperOffice items over generated tasks no earlier test wrote. */
function fresh(size: number, tag: string): TaskUpdate[] {
  const ids = soIds.slice(used, used + size);
  if (ids.length < size) throw new Error(`only ${EXTRA} generated tasks: raise EXTRA`);
  used += size;
  return ids.map((id) => ({ backend: 'SUPEROFFICE', update: { id, description: `${tag} ${id}` } }));
}

const idOf = (item: TaskUpdate) => (item.update as { id: string }).id;
const requestsFor = (id: string) => vendors.superOffice.server.requests.filter((r) => r.path.endsWith(`/BatchTask/${id}`));

/** Breaks on its first run, before anything is sent (a chunk failing for a reason of taskhub's own). */
class FirstRunBreaks extends CountingEngine {
  private runs = 0;
  override async run(items: readonly TaskUpdate[], opts: RunOptions): Promise<ItemResult[]> {
    if (this.runs++ === 0) throw new Error('engine broke');
    return super.run(items, opts);
  }
}

async function runJob(items: TaskUpdate[], store = new MemoryJobStore(60_000), engine = new CountingEngine(registry, logger)) {
  const runner = new JobRunner({ store, engine, registry, bus: new MemoryProgressBus(), logger, chunkSize: CHUNK });
  const { job } = await store.create({ owner: 'test', dryRun: false, items, decided: [] });
  await runner.work(job.id, new AbortController().signal);
  const page = await store.results(job.id, 0, items.length);
  return { engine, record: await store.get(job.id), results: page.results };
}

beforeAll(async () => {
  vendors = await startEmbeddedBackends({ extraTasks: EXTRA });
  soIds = [...vendors.superOffice.tasks.keys()].map(String).slice(-EXTRA);
  const config = Object.freeze({
    ...loadConfig({ ...TEST_TRAFFIC_ENV, TASKHUB_FIRST_BYTE_TIMEOUT_MS: '30000', TASKHUB_TOTAL_TIMEOUT_MS: '60000' }),
    backends: { SUPEROFFICE: vendors.settings.SUPEROFFICE! },
  });
  logger = createLogger({ level: 'warn', redact: redactorFor(config), destination: new Writable({ write(_c, _e, cb) { cb(); } }) });
  registry = createRegistry(config);
}, 60_000);
afterAll(async () => {
  await registry?.close();
  await vendors?.close();
});
afterEach(() => { vendors.setLatency(0); });

describe('a batch job\'s chunks', () => {
  it('overlap: the next chunk\'s first call reaches the vendor before the last write of the one before it, two chunks at most', async () => {
    vendors.setLatency(20);
    const items = fresh(3 * CHUNK, 'overlap');
    const { engine, record, results } = await runJob(items);
    expect(record?.state).toBe('COMPLETED');
    expect(results.map((r) => r.index)).toEqual(items.map((_, i) => i));
    expect(results.every((r) => r.outcome.kind === 'UPDATED')).toBe(true);
    for (const item of items) expect(vendors.superOffice.tasks.get(Number(idOf(item)))?.Description).toBe(`overlap ${idOf(item)}`);
    expect(engine.peak).toBe(2);
    for (let from = CHUNK; from < items.length; from += CHUNK) {
      const lastPutBefore = Math.max(...items.slice(from - CHUNK, from).flatMap((i) => requestsFor(idOf(i)).filter((r) => r.method === 'PUT').map((r) => r.at)));
      const firstCallAfter = Math.min(...items.slice(from, from + CHUNK).flatMap((i) => requestsFor(idOf(i)).map((r) => r.at)));
      expect(firstCallAfter, `chunk at ${from}`).toBeLessThan(lastPutBefore);
    }
  }, 60_000);

  it('records each result in the store once: what the journal recorded as calls answered is not sent again at the chunk\'s end', async () => {
    const items = fresh(2 * CHUNK - 1, 'once');
    // The same task twice in the second chunk: the engine decides the second without a call (a duplicate),
    // which only the chunk's end records.
    items.push({ backend: 'SUPEROFFICE', update: { id: idOf(items[CHUNK]!), description: 'again' } });
    const store = new MemoryJobStore(60_000);
    const settle = store.settle.bind(store);
    const writes = new Map<number, number>();
    store.settle = async (id, settled) => {
      for (const r of settled) writes.set(r.index, (writes.get(r.index) ?? 0) + 1);
      return settle(id, settled);
    };
    const { record, results } = await runJob(items, store);
    expect(record?.state).toBe('COMPLETED');
    expect(results).toHaveLength(items.length);
    expect(results[items.length - 1]!.outcome).toMatchObject({ kind: 'ERROR', code: 'INVALID_INPUT' });
    expect([...writes.keys()].sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
    expect([...writes.values()].every((n) => n === 1)).toBe(true);
  });

  it('cancel seen while a chunk is in flight: that chunk is finished and kept, nothing after it is sent, the rest CANCELLED', async () => {
    vendors.setLatency(20);
    const items = fresh(4 * CHUNK, 'cancel');
    // Cancel once the second chunk is under way: the runner sees it when that chunk is nearly settled,
    // before the third starts, with the second's tail still being written.
    const store = new MemoryJobStore(60_000);
    const settle = store.settle.bind(store);
    let doneWhenSeen: number | undefined;
    store.settle = async (id, settled) => {
      const job = await settle(id, settled);
      if (!job.cancelRequested && job.counts.done >= CHUNK + CHUNK / 2) await store.update(id, { cancelRequested: true });
      return job;
    };
    const get = store.get.bind(store);
    store.get = async (id) => {
      const job = await get(id);
      if (job?.cancelRequested && doneWhenSeen === undefined) doneWhenSeen = job.counts.done;
      return job;
    };
    const { engine, record, results } = await runJob(items, store);
    expect(record?.state).toBe('CANCELLED');
    expect(engine.peak).toBe(2);
    // The cancel was seen with part of the second chunk still unanswered (the overlap), yet every item of
    // that chunk got its real result, and from the third chunk on nothing was sent.
    expect(doneWhenSeen).toBeGreaterThan(CHUNK);
    expect(doneWhenSeen).toBeLessThan(2 * CHUNK);
    expect(results.map((r) => r.index)).toEqual(items.map((_, i) => i));
    expect(record?.counts.done).toBe(items.length);
    results.forEach((r, i) => {
      const id = idOf(items[i]!);
      if (i < 2 * CHUNK) {
        expect(r.outcome.kind, `item ${i}`).toBe('UPDATED');
        expect(vendors.superOffice.tasks.get(Number(id))?.Description).toBe(`cancel ${id}`);
      } else {
        expect(r.outcome, `item ${i}`).toMatchObject({ kind: 'ERROR', code: 'CANCELLED', retryable: true });
        expect(requestsFor(id), `item ${i}`).toHaveLength(0);
        expect(vendors.superOffice.tasks.get(Number(id))?.Description).not.toBe(`cancel ${id}`);
      }
    });
  }, 60_000);

  it('a chunk that fails is not followed by another: the job FAILED, nothing sent, every item answered retryable', async () => {
    const items = fresh(3 * CHUNK, 'broken');
    const { record, results } = await runJob(items, undefined, new FirstRunBreaks(registry, logger));
    expect(record?.state).toBe('FAILED');
    expect(results.map((r) => r.index)).toEqual(items.map((_, i) => i));
    for (const [i, r] of results.entries()) {
      expect(r.outcome, `item ${i}`).toMatchObject({ kind: 'ERROR', code: 'BACKEND_UNAVAILABLE', retryable: true });
      expect(requestsFor(idOf(items[i]!)), `item ${i}`).toHaveLength(0);
    }
  }, 60_000);
});

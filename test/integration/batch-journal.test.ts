// The BatchJournal hook through the real engine, registry and the four emulators: every vendor write call
// is announced (`sending`) before it goes out and its results reported (`settled`) after, by INPUT index;
// a journal that cannot record means the call is not made and its items end BACKEND_UNAVAILABLE, retryable.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import type { BatchJournal } from '../../src/batch/journal.js';
import type { ItemResult } from '../../src/batch/plan.js';
import type { TaskUpdate } from '../../src/domain.js';
import { createLoaders } from '../../src/loaders.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

const ITEMS: TaskUpdate[] = [
  { backend: 'ZUORA', update: { id: '2771', name: 'journaled' } },
  { backend: 'K2', update: { serialNumber: 'not-a-serial', action: 'Approve' } }, // invalid: never sent, never journaled
  { backend: 'IBM_BPM', update: { id: '_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135', priority: 3 } },
  { backend: 'K2', update: { serialNumber: '12_8', action: 'Approve' } },
  { backend: 'SUPEROFFICE', update: { id: '103', description: 'journaled' } },
];

function recorder(refuse = false) {
  const events: Array<{ kind: 'sending'; indexes: number[] } | { kind: 'settled'; results: ItemResult[] }> = [];
  const journal: BatchJournal = {
    async sending(indexes) {
      events.push({ kind: 'sending', indexes: [...indexes] });
      if (refuse) throw new Error('journal store down');
    },
    async settled(results) { events.push({ kind: 'settled', results: [...results] }); },
  };
  return { journal, events };
}

const run = (journal: BatchJournal) => h.app.services.engine.run(ITEMS, {
  dryRun: false, journal, signal: AbortSignal.timeout(10_000), loaders: createLoaders(h.app.services.registry, AbortSignal.timeout(10_000)),
});

describe('the batch journal', () => {
  it('hears of every write call before and after it, by input index', async () => {
    const { journal, events } = recorder();
    const results = await run(journal);
    expect(results.map((r) => r.outcome.kind)).toEqual(['UPDATED', 'ERROR', 'UPDATED', 'UPDATED', 'UPDATED']);
    const sent = events.flatMap((e) => (e.kind === 'sending' ? e.indexes : []));
    expect(sent.sort()).toEqual([0, 2, 3, 4]);
    const settled = events.flatMap((e) => (e.kind === 'settled' ? e.results : []));
    expect(settled.map((r) => r.index).sort()).toEqual([0, 2, 3, 4]);
    for (const r of settled) expect(r).toEqual(results[r.index]);
    // Each item is announced before it is settled.
    for (const index of [0, 2, 3, 4]) {
      const announced = events.findIndex((e) => e.kind === 'sending' && e.indexes.includes(index));
      const done = events.findIndex((e) => e.kind === 'settled' && e.results.some((r) => r.index === index));
      expect(announced).toBeGreaterThanOrEqual(0);
      expect(done).toBeGreaterThan(announced);
    }
  });

  it('a journal that cannot record stops the call: nothing is sent, BACKEND_UNAVAILABLE, retryable', async () => {
    const before = {
      zuora: h.vendors.zuora.server.count('PUT'), ibm: h.vendors.ibmBpm.server.count('PUT'),
      k2: h.vendors.k2.server.count('POST'), so: h.vendors.superOffice.server.count('PUT'),
    };
    const { journal } = recorder(true);
    const results = await run(journal);
    for (const i of [0, 2, 3, 4]) {
      expect(results[i]!.outcome).toMatchObject({ kind: 'ERROR', code: 'BACKEND_UNAVAILABLE', retryable: true });
    }
    expect(results[1]!.outcome).toMatchObject({ code: 'INVALID_INPUT' });
    expect({
      zuora: h.vendors.zuora.server.count('PUT'), ibm: h.vendors.ibmBpm.server.count('PUT'),
      k2: h.vendors.k2.server.count('POST'), so: h.vendors.superOffice.server.count('PUT'),
    }).toEqual(before);
  });
});

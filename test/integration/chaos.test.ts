// The fault matrix: each vendor down, slow beyond the deadline, 500, 429, garbage, truncated, reply lost,
// hostile bodies, and token expiry, with batches of 1, 50 and 1000 items. Whatever happens:
// exactly one outcome per item in input order, no TaskUpdated the vendor did not apply, no K2 write sent
// twice, and the server answers normally afterwards.

import { afterEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { BATCH, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import type { FaultKind } from '../../src/vendors/emulator-kit.js';
import type { Backend } from '../../src/domain.js';

type Vendor = 'zuora' | 'ibmBpm' | 'k2' | 'superOffice';
const BACKEND: Record<Vendor, Backend> = { zuora: 'ZUORA', ibmBpm: 'IBM_BPM', k2: 'K2', superOffice: 'SUPEROFFICE' };
const SIZES = [1, 50, 1000];

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

/** n distinct updatable task ids of a vendor, straight from its emulator's store. */
function targets(v: Vendor, n: number): string[] {
  const e = h!.vendors;
  const ids = {
    zuora: () => [...e.zuora.tasks.keys()].map(String),
    ibmBpm: () => [...e.ibmBpm.tasks.values()]
      .filter((t) => !['STATE_FINISHED', 'STATE_TERMINATED', 'STATE_FORWARDED'].includes(String(t.state)) && !e.ibmBpm.restricted.has(String(t.tkiid)))
      .map((t) => String(t.tkiid)),
    k2: () => [...e.k2.tasks.values()].filter((t) => !t.noRights).map((t) => t.serialNumber),
    superOffice: () => [...e.superOffice.tasks.keys()].filter((id) => !e.superOffice.readOnly.has(id)).map(String),
  }[v]();
  expect(ids.length).toBeGreaterThanOrEqual(n);
  return ids.slice(0, n);
}

function item(v: Vendor, id: string, marker: string): object {
  switch (v) {
    case 'zuora': return { zuora: { id, name: marker } };
    case 'ibmBpm': return { ibmBpm: { id, description: marker } };
    case 'k2': return { k2: { serialNumber: id, sleepSeconds: 60, processDataFields: [{ key: 'Chaos', value: marker }] } };
    case 'superOffice': return { superOffice: { id, description: marker } };
  }
}

/** Whether the vendor really holds the marker for this task. */
function applied(v: Vendor, id: string, marker: string): boolean {
  const e = h!.vendors;
  switch (v) {
    case 'zuora': return e.zuora.tasks.get(Number(id))?.name === marker;
    case 'ibmBpm': return e.ibmBpm.tasks.get(id)?.description === marker;
    case 'k2': return e.k2.tasks.get(id)?.fields.ProcessDataField.get('Chaos') === marker;
    case 'superOffice': return e.superOffice.tasks.get(Number(id))?.Description === marker;
  }
}

let runNo = 0;
async function runBatch(v: Vendor, n: number) {
  const marker = `chaos-${++runNo}-${Date.now()}`;
  const ids = targets(v, n);
  const res = await h!.gql(BATCH, { input: { items: ids.map((id) => item(v, id, marker)) } });
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  const results = res.body.data.batchUpdateTasks.results as Array<Record<string, any>>;
  // Exactly one outcome per item, at its own index.
  expect(results).toHaveLength(n);
  results.forEach((r, i) => expect([r.index, r.nativeId, r.backend]).toEqual([i, ids[i], BACKEND[v]]));
  // Nothing reported as done that the vendor does not hold.
  for (const r of results) if (r.__typename === 'TaskUpdated') expect(applied(v, r.nativeId, marker), `${v} ${r.nativeId}`).toBe(true);
  return { results, ids, marker };
}

/** K2 writes are never sent twice: no serial number appears in two POSTs, at most one POST per 100 items. */
function expectK2SentOnce(n: number) {
  const posts = h!.vendors.k2.server.requests.filter((r) => r.method === 'POST');
  expect(posts.length).toBeLessThanOrEqual(Math.ceil(n / 100));
  const serials = posts.flatMap((p) => [...p.body.matchAll(/SerialNumber="([^"]+)"/g)].map((m) => m[1]));
  expect(new Set(serials).size).toBe(serials.length);
}

async function expectHealthyAfter(v: Vendor) {
  const e = h!.vendors;
  for (const emulator of [e.zuora, e.ibmBpm, e.k2, e.superOffice]) emulator.server.clearFaults();
  // A write delayed past taskhub's deadline still lands at the vendor afterwards; let it, or on a slow
  // machine it would overwrite the follow-up batch's marker below.
  await Promise.all([e.zuora, e.ibmBpm, e.k2, e.superOffice].map((emulator) => emulator.server.idle()));
  await new Promise((r) => setTimeout(r, 250)); // past the test breaker's reset time
  const list = await h!.gql('{ tasks(first: 500) { edges { node { backend } } backendErrors { backend } } }');
  expect(list.body.data.tasks.backendErrors).toEqual([]);
  const { results } = await runBatch(v, 1);
  expect(results[0]!.__typename).toBe('TaskUpdated');
}

const ENTITY_BOMB = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><MultipleOperationResult xmlns="http://schemas.k2.com/framework/d1"><Success ID="&lol3;"/></MultipleOperationResult>`;

const FAULTS: Record<string, (v: Vendor) => FaultKind> = {
  'slow beyond the deadline': () => ({ kind: 'delay', ms: 2_000 }),
  '500': () => ({ kind: 'status', status: 500, body: { message: 'internal' } }),
  '429 with Retry-After': () => ({ kind: 'status', status: 429, headers: { 'retry-after': '0' } }),
  'garbage body': () => ({ kind: 'garbage' }),
  'truncated body': () => ({ kind: 'truncate' }),
  'reply lost after applying': () => ({ kind: 'reset-after-handling' }),
  'hostile body (entity bomb / gzip bomb)': (v): FaultKind => v === 'k2'
    ? { kind: 'raw', status: 200, headers: { 'content-type': 'application/xml' }, body: ENTITY_BOMB }
    : { kind: 'raw', status: 200, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)) },
};

for (const v of ['zuora', 'ibmBpm', 'k2', 'superOffice'] as Vendor[]) {
  describe(`${BACKEND[v]} under faults`, () => {
    for (const [name, fault] of Object.entries(FAULTS)) {
      it.each(SIZES)(`${name}: %i items each get one truthful outcome`, async (n) => {
        h = await startHarness({ extraTasks: 1000, env: { TASKHUB_MAX_RESPONSE_BYTES: String(8 * 1024 * 1024) } });
        const times = name.startsWith('429') ? 1 : undefined;
        h.vendors[v].server.addFault({ fault: fault(v), ...(times ? { times } : {}) });
        const { results } = await runBatch(v, n);
        if (v === 'k2') {
          expectK2SentOnce(n);
          // A K2 write whose reply was lost or unreadable is never reported as retryable.
          for (const r of results) if (r.code === 'OUTCOME_UNKNOWN') expect(r.retryable).toBe(false);
        }
        if (name.startsWith('429') && v !== 'k2') expect(results.every((r) => r.__typename === 'TaskUpdated')).toBe(true);
        if (['500', 'slow beyond the deadline', 'garbage body'].includes(name)) {
          expect(results.some((r) => r.__typename === 'TaskUpdated')).toBe(false);
        }
        await expectHealthyAfter(v);
      });
    }

    it.each(SIZES)('down (connection refused): %i items are BACKEND_UNAVAILABLE and retryable', async (n) => {
      h = await startHarness({ extraTasks: 1000 });
      const dead = { ...h.vendors.settings[BACKEND[v]]!, baseUrl: 'http://127.0.0.1:1' + new URL(h.vendors.settings[BACKEND[v]]!.baseUrl).pathname };
      await h.close();
      h = await startHarness({ extraTasks: 1000, override: { [BACKEND[v]]: dead } });
      const { results } = await runBatch(v, n);
      for (const r of results) expect(r).toMatchObject({ __typename: 'BackendUnavailable', code: 'BACKEND_UNAVAILABLE', retryable: true });
      const list = await h.gql('{ tasks(first: 5) { edges { node { backend } } backendErrors { backend code } } }');
      expect(list.body.data.tasks.backendErrors).toEqual([{ backend: BACKEND[v], code: 'BACKEND_UNAVAILABLE' }]);
    });
  });
}

describe('token expiry', () => {
  it('Zuora: a revoked token is replaced once and the batch still applies', async () => {
    h = await startHarness({ extraTasks: 100 });
    await runBatch('zuora', 1);
    const issued = h.vendors.zuora.tokensIssued;
    h.vendors.zuora.revokeTokens();
    const { results } = await runBatch('zuora', 50);
    expect(results.every((r) => r.__typename === 'TaskUpdated')).toBe(true);
    expect(h.vendors.zuora.tokensIssued).toBe(issued + 1);
  });
});

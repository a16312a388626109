// Identical vendor reads of concurrent queries go out once (transport/shared-reads.ts); a mutation's reads
// are always its own, so SuperOffice's read-modify-write never works from a read sent before it.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BATCH, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

let h: Harness;
beforeEach(async () => { h = await startHarness(); });
afterEach(async () => { await h.close(); });

/** Two queries at once reading the same Zuora task, whose first GET the vendor holds 300 ms: the GETs sent. */
async function readTwiceAtOnce(): Promise<number> {
  const zuoraId = [...h.vendors.zuora.tasks.keys()][0]!;
  const path = new RegExp(`^/workflows/tasks/${zuoraId}$`);
  h.vendors.zuora.server.addFault({ fault: { kind: 'delay', ms: 300 }, method: 'GET', path, times: 1 });
  const query = `{ task(backend: ZUORA, nativeId: "${zuoraId}") { nativeId name } }`;
  const [a, b] = await Promise.all([h.gql(query), h.gql(query)]);
  expect(a.body).toEqual({ data: { task: { nativeId: String(zuoraId), name: expect.any(String) } } });
  expect(b.body).toEqual(a.body);
  return h.vendors.zuora.server.count('GET', path);
}

const SO_101 = /\/api\/v1\/BatchTask\/101$/;
const soGets = () => h.vendors.superOffice.server.count('GET', SO_101);
const until = (cond: () => boolean) => vi.waitUntil(cond, { timeout: 10_000, interval: 5 });
const sharedReads = async (backend: string) => {
  const text = await (await h.app.yoga.fetch('http://taskhub/metrics')).text();
  return Number(new RegExp(`^taskhub_backend_shared_reads_total\\{backend="${backend}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
};
/** A query reading SuperOffice task 101 whose GET the vendor holds for `ms`; resolves once that GET is in. */
const slowRead = async (ms: number) => {
  h.vendors.superOffice.server.addFault({ fault: { kind: 'delay', ms }, method: 'GET', path: SO_101, times: 1 });
  const read = h.gql('{ task(backend: SUPEROFFICE, nativeId: "101") { nativeId name } }');
  await until(() => soGets() === 1);
  // Wrapped: an async function returning the promise itself would wait for the query's answer.
  return { read };
};

describe('reads shared between requests', () => {
  it('concurrent queries reading the same task send one GET, and both get the task', async () => {
    expect(await readTwiceAtOnce()).toBe(1);
    expect(await sharedReads('ZUORA')).toBe(1);
  });

  it('TASKHUB_SHARED_READS=false sends every read for its own request', async () => {
    await h.close();
    h = await startHarness({ env: { TASKHUB_SHARED_READS: 'false' } });
    expect(await readTwiceAtOnce()).toBe(2);
    expect(await sharedReads('ZUORA')).toBe(0);
  });

  it("a mutation's read of a task is sent for it, even while a query's read of that task is in flight", async () => {
    const { read } = await slowRead(600);
    const res = await h.gql(BATCH, { input: { items: [{ superOffice: { id: '101', description: 'Checked by taskhub' } }] } });
    expect(res.body.data?.batchUpdateTasks).toMatchObject({ succeeded: 1 });
    expect(soGets()).toBe(2);
    expect((await read).body.errors).toBeUndefined();
    expect(await sharedReads('SUPEROFFICE')).toBe(0);
  });

  it('a mutation in a JSON batch makes the reads of its whole HTTP request its own', async () => {
    const { read } = await slowRead(600);
    const res = await h.app.yoga.fetch('http://taskhub/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify([
        { query: BATCH, variables: { input: { items: [{ superOffice: { id: '101', description: 'Checked by taskhub' } }] } } },
        { query: '{ task(backend: SUPEROFFICE, nativeId: "102") { nativeId } }' },
      ]),
    });
    const [mutation, query] = await res.json() as Array<{ data?: Record<string, any>; errors?: unknown }>;
    expect(mutation!.data!.batchUpdateTasks).toMatchObject({ succeeded: 1 });
    expect(query!.data).toEqual({ task: { nativeId: '102' } });
    expect(soGets()).toBe(2);
    await read;
    expect(await sharedReads('SUPEROFFICE')).toBe(0);
  });
});

// Batch jobs in process (no Redis), over HTTP on a real port against the four emulators: a job runs to
// COMPLETED with every result checked against what the vendors hold, the idempotency key, cancel,
// progress over SSE read by a plain fetch, multipart uploads, and the input checks.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { JOB_FIELDS, applied, generatedIds, k2Sends, mixedItems, readSse } from '../support/jobs.js';
import type { JobItem } from '../support/jobs.js';

const EXTRA = 2500;
let h: Harness;
let url: string;
let ids: ReturnType<typeof generatedIds>;
let used = 0;
/** Items over tasks no earlier test in this file wrote. */
const fresh = (size: number, tag: string) => {
  const items = mixedItems(ids, size, tag, used);
  used += Math.ceil(size / 4);
  return items;
};

const START = `mutation($input: BatchUpdateJobInput!) { startBatchUpdateJob(input: $input) { ${JOB_FIELDS} } }`;
const GET = `query($id: ID!) { batchUpdateJob(id: $id) { ${JOB_FIELDS} } }`;
// No TaskUpdated.task: reading every task back is another workload; the emulators' state is checked instead.
const RESULT = `__typename ... on TaskUpdateOutcome { index backend nativeId } ... on TaskUpdateError { code message retryable }`;
const PAGE = `query($id: ID!, $after: String) { batchUpdateJob(id: $id) { results(first: 700, after: $after) {
  edges { cursor node { ${RESULT} } } pageInfo { hasNextPage endCursor } } } }`;

async function start(input: Record<string, unknown>) {
  const res = await h.gql(START, { input });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.startBatchUpdateJob;
}

async function waitFinished(id: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = (await h.gql(GET, { id })).body.data.batchUpdateJob;
    if (['COMPLETED', 'CANCELLED', 'FAILED'].includes(job.state)) return job;
    if (Date.now() > until) throw new Error(`job still ${job.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function allResults(id: string): Promise<any[]> {
  const out: any[] = [];
  let after: string | null = null;
  for (;;) {
    const res: any = await h.gql(PAGE, { id, after });
    expect(res.body.errors).toBeUndefined();
    const page: any = res.body.data.batchUpdateJob.results;
    out.push(...page.edges.map((e: any) => e.node));
    if (!page.pageInfo.hasNextPage) return out;
    after = page.pageInfo.endCursor;
  }
}

beforeAll(async () => {
  // Vendor timeouts far above the tests' usual ones: on a loaded machine a timed-out call is a truthful
  // BACKEND_UNAVAILABLE, but these tests check what the vendors applied.
  h = await startHarness({ extraTasks: EXTRA, env: { TASKHUB_FIRST_BYTE_TIMEOUT_MS: '30000', TASKHUB_TOTAL_TIMEOUT_MS: '60000' } });
  url = await h.listen();
  ids = generatedIds(h.vendors, EXTRA);
});
afterAll(() => h.close());

describe('a batch job', () => {
  it('runs 2,000 mixed items to COMPLETED, and every result matches what the vendor holds', async () => {
    const items = fresh(2000, 'job-2000');
    const job = await start({ items });
    expect(job).toMatchObject({ state: 'QUEUED', total: 2000, startedAt: null, finishedAt: null });
    const done = await waitFinished(job.id);
    expect(done).toMatchObject({ state: 'COMPLETED', total: 2000, done: 2000, failed: 0 });
    expect(done.succeeded + done.accepted).toBe(2000);
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();

    const results = await allResults(job.id);
    expect(results.map((r) => r.index)).toEqual(items.map((_, i) => i));
    results.forEach((r, i) => {
      expect(['TaskUpdated', 'TaskUpdateAccepted']).toContain(r.__typename);
      expect(applied(h.vendors, items[i]!, 'job-2000')).toBe(true);
    });
    const node = await h.gql(`query($id: ID!) { node(id: $id) { __typename id ... on BatchUpdateJob { state total } } }`, { id: job.id });
    expect(node.body.data.node).toEqual({ __typename: 'BatchUpdateJob', id: job.id, state: 'COMPLETED', total: 2000 });
  }, 120_000);

  it('answers invalid and duplicated items at their index without sending them, across chunks', async () => {
    const [a, b] = fresh(8, 'dup').filter((i): i is Extract<JobItem, { zuora: unknown }> => 'zuora' in i);
    const filler = fresh(1200, 'dup-fill');
    const items = [a, ...filler, a, { k2: { serialNumber: 'x', action: 'Approve', sleepSeconds: 5 } }, b];
    const job = await start({ items });
    const done = await waitFinished(job.id);
    expect(done.state).toBe('COMPLETED');
    const results = await allResults(job.id);
    expect(results).toHaveLength(items.length);
    expect(results[1201]).toMatchObject({ __typename: 'InvalidTaskUpdate', code: 'INVALID_INPUT', index: 1201 });
    expect(results[1201].message).toContain('already updated by items[0]');
    expect(results[1202]).toMatchObject({ __typename: 'InvalidTaskUpdate', code: 'INVALID_INPUT' });
    expect(results[1203].__typename).toBe('TaskUpdated');

    // The items that need attention, without paging through the other 1,202.
    const failed = await h.gql(`query($id: ID!) { batchUpdateJob(id: $id) { failed results(first: 5, only: FAILED) {
      edges { node { ${RESULT} } } pageInfo { hasNextPage } } } }`, { id: job.id });
    expect(failed.body.errors).toBeUndefined();
    const view = failed.body.data.batchUpdateJob;
    expect(view.results.edges.map((e: any) => [e.node.index, e.node.code])).toEqual([[1201, 'INVALID_INPUT'], [1202, 'INVALID_INPUT']]);
    expect(view.results.pageInfo.hasNextPage).toBe(false);
    expect(view.failed).toBe(2);
  }, 60_000);

  it('returns the same job for the same idempotency key, and refuses the key with another input', async () => {
    const items = fresh(8, 'idem');
    const first = await start({ items, idempotencyKey: 'job-key-1' });
    const again = await start({ items, idempotencyKey: 'job-key-1' });
    expect(again.id).toBe(first.id);
    await waitFinished(first.id);
    const k2 = items.filter((i): i is Extract<JobItem, { k2: unknown }> => 'k2' in i);
    for (const i of k2) expect(k2Sends(h.vendors, i.k2.serialNumber)).toBe(1);
    const other = await h.gql(START, { input: { items: items.slice(1), idempotencyKey: 'job-key-1' } });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('keeps no copy of the updated task: TaskUpdated.task reads it back from the vendor when selected', async () => {
    const items = fresh(4, 'read-back');
    const job = await start({ items });
    await waitFinished(job.id);
    const zuora = items[0] as Extract<JobItem, { zuora: unknown }>;
    // Changed at the vendor after the job: a stored copy would still say what the job wrote.
    h.vendors.zuora.tasks.get(Number(zuora.zuora.id))!.name = 'renamed since';
    const res = await h.gql(`query($id: ID!) { batchUpdateJob(id: $id) { results(first: 4) { edges { node {
      __typename ... on TaskUpdated { task { nativeId name } } } } } } }`, { id: job.id });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data.batchUpdateJob.results.edges.map((e: any) => e.node);
    expect(nodes[0]).toEqual({ __typename: 'TaskUpdated', task: { nativeId: zuora.zuora.id, name: 'renamed since' } });
    const so = items[3] as Extract<JobItem, { superOffice: unknown }>;
    expect(nodes[3].task).toMatchObject({ nativeId: so.superOffice.id });
  });

  it('writes nothing on dryRun', async () => {
    const items = fresh(8, 'dry');
    const before = h.vendors.k2.applied.length;
    const job = await start({ items, dryRun: true });
    const done = await waitFinished(job.id);
    expect(done).toMatchObject({ state: 'COMPLETED', succeeded: 8 });
    expect(h.vendors.k2.applied.length).toBe(before);
    for (const i of items) expect(applied(h.vendors, i, 'dry')).toBe(false);
  });

  it('cancels mid-way: items sent keep their results, the rest are CANCELLED and never sent', async () => {
    h.vendors.setLatency(40);
    try {
      const items = fresh(4000, 'cancel');
      const job = await start({ items });
      // Wait for the first chunk to be answered, then cancel.
      const until = Date.now() + 60_000;
      let seen = job;
      while (seen.done === 0 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 20));
        seen = (await h.gql(GET, { id: job.id })).body.data.batchUpdateJob;
      }
      const cancel = await h.gql(`mutation($id: ID!) { cancelBatchUpdateJob(id: $id) { ${JOB_FIELDS} } }`, { id: job.id });
      expect(cancel.body.errors).toBeUndefined();
      expect(cancel.body.data.cancelBatchUpdateJob.cancelRequested).toBe(true);
      const done = await waitFinished(job.id);
      expect(done.state).toBe('CANCELLED');
      expect(done.done).toBe(items.length);
      const results = await allResults(job.id);
      expect(results).toHaveLength(items.length);
      const cancelled = results.filter((r) => r.__typename === 'TaskUpdateCancelled');
      expect(cancelled.length).toBeGreaterThan(0);
      expect(cancelled.length).toBeLessThan(items.length);
      for (const r of results) {
        const item = items[r.index]!;
        if (r.__typename === 'TaskUpdateCancelled') {
          expect(r).toMatchObject({ code: 'CANCELLED', retryable: true });
          expect(applied(h.vendors, item, 'cancel')).toBe(false);
          if ('k2' in item) expect(k2Sends(h.vendors, item.k2.serialNumber)).toBe(0);
        } else {
          expect(['TaskUpdated', 'TaskUpdateAccepted']).toContain(r.__typename);
          expect(applied(h.vendors, item, 'cancel')).toBe(true);
        }
      }
      expect(done.failed).toBe(cancelled.length);
    } finally {
      h.vendors.setLatency(0);
    }
  }, 120_000);
});

describe('progress over Server-Sent Events', () => {
  it('streams the job to a plain fetch client until it finishes', async () => {
    h.vendors.setLatency(20);
    try {
      const job = await start({ items: fresh(1200, 'sse') });
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({
          query: `subscription($id: ID!) { batchUpdateJobProgress(id: $id) { id state total done succeeded failed } }`,
          variables: { id: job.id },
        }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const events = await readSse(res);
      const nexts = events.filter((e) => e.event === 'next').map((e) => e.data.data.batchUpdateJobProgress);
      expect(events.at(-1)?.event).toBe('complete');
      expect(nexts.length).toBeGreaterThanOrEqual(2);
      expect(nexts.at(-1)).toMatchObject({ id: job.id, state: 'COMPLETED', done: 1200, total: 1200 });
      const dones = nexts.map((n) => n.done);
      expect(dones).toEqual([...dones].sort((a, b) => a - b));
    } finally {
      h.vendors.setLatency(0);
    }
  }, 60_000);

  it('answers an unknown job with an error event', async () => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { batchUpdateJobProgress(id: "nope") { id } }' }),
    });
    const events = await readSse(res);
    const next = events.find((e) => e.event === 'next');
    expect(next?.data.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

/** A GraphQL multipart request (operations, map, then the file), as browsers and apollo-upload send it. */
async function upload(file: File, extra: Record<string, unknown> = {}) {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: START, variables: { input: { file: null, ...extra } } }));
  form.set('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.set('0', file);
  const res = await fetch(`${url}/graphql`, { method: 'POST', body: form, headers: { 'x-graphql-yoga-csrf': '1' } });
  return { status: res.status, body: await res.json() as any };
}

describe('file upload (GraphQL multipart request)', () => {
  it('runs a JSONL file as the CLI reads it', async () => {
    const items = fresh(40, 'jsonl');
    const text = `${items.map((i) => JSON.stringify(i)).join('\n')}\n\n`;
    const res = await upload(new File([text], 'updates.jsonl'));
    expect(res.body.errors).toBeUndefined();
    const job = res.body.data.startBatchUpdateJob;
    expect(job.total).toBe(40);
    expect((await waitFinished(job.id)).state).toBe('COMPLETED');
    for (const i of items) expect(applied(h.vendors, i, 'jsonl')).toBe(true);
  });

  it('runs a CSV file', async () => {
    const items = fresh(4, 'csv');
    const z = items[0] as Extract<JobItem, { zuora: unknown }>;
    const so = items[3] as Extract<JobItem, { superOffice: unknown }>;
    const csv = `backend,id,name,description\nZUORA,${z.zuora.id},${z.zuora.name},\nSUPEROFFICE,${so.superOffice.id},,${so.superOffice.description}\n`;
    const res = await upload(new File([csv], 'updates.csv'));
    expect(res.body.errors).toBeUndefined();
    const job = await waitFinished(res.body.data.startBatchUpdateJob.id);
    expect(job).toMatchObject({ state: 'COMPLETED', total: 2, succeeded: 2 });
    expect(applied(h.vendors, z, 'csv')).toBe(true);
    expect(applied(h.vendors, so, 'csv')).toBe(true);
  });

  it('refuses a file with a bad line, naming it, and queues nothing', async () => {
    const res = await upload(new File(['{"zuora":{"id":"1","name":"a"}}\n{"zuora":{"name":"no id"}}\nnot json\n'], 'bad.jsonl'));
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors[0].message).toMatch(/line 2: .*line 3: not valid JSON/);
    expect(res.body.data).toBeNull();
  });

  it('refuses a file it cannot tell the format of', async () => {
    const res = await upload(new File(['{}'], 'updates.txt'));
    expect(res.body.errors[0].message).toContain('.jsonl, .ndjson or .csv');
  });
});

describe('input checks', () => {
  it('needs exactly one of items and file', async () => {
    const res = await h.gql(START, { input: {} });
    expect(res.body.errors?.[0]).toMatchObject({ message: 'give exactly one of input.items and input.file', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('answers null for an unknown or malformed job id, and NOT_FOUND on cancel', async () => {
    expect((await h.gql(GET, { id: 'nope' })).body.data.batchUpdateJob).toBeNull();
    const cancel = await h.gql(`mutation { cancelBatchUpdateJob(id: "QmF0Y2hVcGRhdGVKb2I6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw") { id } }`);
    expect(cancel.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses more than TASKHUB_MAX_JOB_ITEMS items before anything is queued', async () => {
    const small = await startHarness({ env: { TASKHUB_MAX_JOB_ITEMS: '3' } });
    try {
      const res = await small.gql(START, { input: { items: Array.from({ length: 4 }, (_, i) => ({ zuora: { id: String(i + 1), name: 'x' } })) } });
      expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'input.items' } });
      expect(res.body.errors?.[0]?.message).toContain('at most 3');
      expect(small.vendors.zuora.server.requests.length).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('counts jobs by state and items by outcome in /metrics', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/taskhub_jobs_total\{state="COMPLETED"\} [1-9]/);
    expect(text).toMatch(/taskhub_job_items_total\{backend="K2",outcome="(UPDATED|ACCEPTED)"\} [1-9]/);
    expect(text).toMatch(/taskhub_job_items_total\{backend="ZUORA",outcome="CANCELLED"\} [1-9]/);
  });
});

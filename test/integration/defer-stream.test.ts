// Incremental delivery (@defer, @stream) read the way a multipart client reads it: a real HTTP response
// with `Accept: multipart/mixed`, its parts parsed as they arrive. A batch's results stream in input order
// as backends finish (a fast backend's results reach the client while a slow one is still working), and
// clients that do not stream still get every item exactly once, at its index.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

interface Part { data?: Record<string, unknown>; incremental?: Array<{ items?: unknown[]; data?: Record<string, unknown>; path: Array<string | number> }>; hasNext: boolean; errors?: unknown[] }

let h: Harness;
let url: string;

beforeAll(async () => {
  // The slow backend below is held back 1.5 s; its calls must not time out meanwhile.
  h = await startHarness({ env: { SUPEROFFICE_TOTAL_TIMEOUT_MS: '20000', SUPEROFFICE_FIRST_BYTE_TIMEOUT_MS: '20000' } });
  url = `${await h.listen()}/graphql`;
});
afterAll(() => h.close());

/** POSTs `query` asking for multipart/mixed, and calls `onPart` with each part as it is read off the socket. */
async function multipart(query: string, variables: Record<string, unknown>, onPart: (part: Part) => void = () => {}): Promise<{ status: number; type: string; parts: Part[] }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
    body: JSON.stringify({ query, variables }),
  });
  const parts: Part[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    // A part: headers, a blank line, a JSON body, then the next boundary line ("\r\n---").
    for (;;) {
      const start = buffer.indexOf('\r\n\r\n');
      const end = start < 0 ? -1 : buffer.indexOf('\r\n---', start);
      if (end < 0) break;
      const part = JSON.parse(buffer.slice(start + 4, end)) as Part;
      parts.push(part);
      onPart(part);
      buffer = buffer.slice(end + 5);
    }
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', parts };
}

const STREAMED = `mutation($input: BatchUpdateTasksInput!) {
  batchUpdateTasks(input: $input) {
    results @stream(initialCount: 0) { __typename ... on TaskUpdateOutcome { index backend nativeId } ... on TaskUpdateError { code } }
    ... @defer { succeeded failed }
  }
}`;

describe('@stream on batch results', () => {
  it('sends each result as its backend finishes, in input order, exactly once', async () => {
    h.vendors.superOffice.server.addFault({ fault: { kind: 'delay', ms: 1500 }, method: 'PUT', times: 1 });
    const items = [
      { zuora: { id: '2771', name: 'streamed first' } },
      { k2: { serialNumber: 'no such serial' } },          // invalid: decided before any call
      { superOffice: { id: '103', description: 'streamed last' } },
    ];
    // What the slow backend holds when each result arrives: it applies its write only after the delay.
    const soDescriptionAt: Record<number, string | null | undefined> = {};
    const { status, type, parts } = await multipart(STREAMED, { input: { items } }, (part) => {
      for (const inc of part.incremental ?? []) for (const item of inc.items ?? []) {
        soDescriptionAt[(item as { index: number }).index] = h.vendors.superOffice.tasks.get(103)?.Description;
      }
    });
    expect(status).toBe(200);
    expect(type).toMatch(/^multipart\/mixed/);
    expect(parts[0]).toMatchObject({ data: { batchUpdateTasks: { results: [] } }, hasNext: true });
    const streamed = parts.flatMap((p) => p.incremental ?? []).flatMap((i) => i.items ?? []) as Array<{ index: number; __typename: string }>;
    expect(streamed.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(streamed.map((r) => r.__typename)).toEqual(['TaskUpdated', 'InvalidTaskUpdate', 'TaskUpdated']);
    // Zuora's and the invalid item's results reached the client while SuperOffice had not yet applied its write.
    expect(soDescriptionAt[0]).not.toBe('streamed last');
    expect(soDescriptionAt[1]).not.toBe('streamed last');
    expect(soDescriptionAt[2]).toBe('streamed last');
    const deferred = parts.flatMap((p) => p.incremental ?? []).find((i) => i.data);
    expect(deferred?.data).toEqual({ succeeded: 2, failed: 1 });
    expect(parts.at(-1)!.hasNext).toBe(false);
  });

  it('without @stream the same mutation answers in one JSON body with every result at its index', async () => {
    h.vendors.superOffice.server.addFault({ fault: { kind: 'delay', ms: 300 }, method: 'PUT', times: 1 });
    const res = await h.gql(`mutation($input: BatchUpdateTasksInput!) {
      batchUpdateTasks(input: $input) { succeeded results { __typename ... on TaskUpdateOutcome { index } } } }`,
    { input: { items: [{ superOffice: { id: '104', description: 'whole' } }, { zuora: { id: '2772', name: 'whole' } }] } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.batchUpdateTasks).toEqual({ succeeded: 2, results: [{ __typename: 'TaskUpdated', index: 0 }, { __typename: 'TaskUpdated', index: 1 }] });
  });

  it('a replayed idempotency key streams the stored results, sending nothing again', async () => {
    const input = { idempotencyKey: 'stream-replay', items: [{ zuora: { id: '2772', name: 'replayed' } }] };
    const first = await multipart(STREAMED, { input });
    const puts = h.vendors.zuora.server.count('PUT');
    const again = await multipart(STREAMED, { input });
    expect(h.vendors.zuora.server.count('PUT')).toBe(puts);
    const items = (r: { parts: Part[] }) => r.parts.flatMap((p) => p.incremental ?? []).flatMap((i) => i.items ?? []);
    expect(items(again)).toEqual(items(first));
    expect(items(again)).toHaveLength(1);
  });
});

describe('@defer and @stream on reads', () => {
  it('defers a fragment and streams the edges of tasks', async () => {
    const { parts } = await multipart(`query {
      tasks(first: 5) {
        edges @stream(initialCount: 1) { node { id name } }
        ... @defer { pageInfo { hasNextPage } }
      }
    }`, {});
    expect((parts[0]!.data as { tasks: { edges: unknown[] } }).tasks.edges).toHaveLength(1);
    const later = parts.flatMap((p) => p.incremental ?? []);
    expect(later.flatMap((i) => i.items ?? [])).toHaveLength(4);
    expect(later.find((i) => i.data)?.data).toEqual({ pageInfo: { hasNextPage: true } });
    expect(parts.at(-1)!.hasNext).toBe(false);
  });

  it('a client that accepts only JSON gets 406 before anything runs: a streamed mutation writes nothing', async () => {
    const before = h.vendors.zuora.server.requests.length;
    for (const query of ['{ tasks(first: 2) { edges @stream { node { id } } } }', STREAMED]) {
      const res = await fetch(url, {
        method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query, variables: { input: { items: [{ zuora: { id: '2771', name: 'never sent' } }] } } }),
      });
      expect(res.status).toBe(406);
      expect((await res.json()).errors[0]).toMatchObject({ extensions: { code: 'NOT_ACCEPTABLE' } });
    }
    expect(h.vendors.zuora.server.requests.length).toBe(before);
  });
});

/** POSTs `body` as JSON with this Accept, and returns the status and the parsed body. */
async function post(body: unknown, accept: string): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { parsed = undefined; }
  return { status: res.status, body: parsed, text };
}

/** Every request each vendor emulator has received so far, by backend. */
const vendorRequests = () => Object.fromEntries([...h.vendors.byBackend].map(([b, e]) => [b, e.server.requests.length]));

// A batched request (a JSON array body) is answered as one JSON array: an operation's incremental response
// cannot be part of it. Yoga ran such an operation anyway and put `{}` in its place, so a streamed mutation
// wrote to the vendors and the client never learnt the outcome.
describe('@defer and @stream in a batched request', () => {
  const STREAMED_INLINE = `mutation { batchUpdateTasks(input: { items: [
    { superOffice: { id: "103", description: "batched stream" } }
    { k2: { serialNumber: "12_8", action: "Approve" } }
    { zuora: { id: "2771", name: "batched stream" } }
  ] }) { results @stream { __typename } ... @defer { succeeded } } }`;

  it('a streamed mutation in a batch is refused before it runs: no vendor receives anything; the other operations answer', async () => {
    const before = vendorRequests();
    const description = h.vendors.superOffice.tasks.get(103)?.Description;
    const answers = new Map<string, Awaited<ReturnType<typeof post>>>();
    for (const accept of ['multipart/mixed, application/json', 'application/json', '*/*']) {
      answers.set(accept, await post([{ query: '{ __typename }' }, { query: STREAMED_INLINE }], accept));
    }
    // Whatever a streamed write would have sent has had time to arrive.
    await new Promise((r) => setTimeout(r, 100));
    expect(vendorRequests()).toEqual(before);
    expect(h.vendors.superOffice.tasks.get(103)?.Description).toBe(description);
    for (const [accept, res] of answers) {
      expect(res.status, `${accept}: ${res.text}`).toBe(200);
      expect(res.body).toHaveLength(2);
      expect(res.body[0]).toEqual({ data: { __typename: 'Query' } });
      expect(res.body[1].data, res.text).toBeUndefined();
      expect(res.body[1].errors, res.text).toHaveLength(1);
      expect(res.body[1].errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });
      expect(res.body[1].errors[0].message).toMatch(/batch.*nothing was run/i);
    }
  });

  it('a @defer or @stream query in a batch gets the same refusal, in its place in the answer', async () => {
    const res = await post([
      { query: '{ tasks(first: 2) { edges { node { id } } ... @defer { pageInfo { hasNextPage } } } }' },
      { query: '{ __typename }' },
      { query: 'query Q { tasks(first: 2) { edges @stream(initialCount: 1) { node { id } } } }', operationName: 'Q' },
    ], 'multipart/mixed, application/json');
    expect(res.status, res.text).toBe(200);
    expect(res.body[1]).toEqual({ data: { __typename: 'Query' } });
    for (const i of [0, 2]) {
      expect(res.body[i].data, res.text).toBeUndefined();
      expect(res.body[i].errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });
    }
  });

  it('a subscription in a batch is refused in its place (its events cannot go in the array either)', async () => {
    const res = await post([
      { query: 'subscription { batchUpdateJobProgress(id: "no-such-job") { id } }' },
      { query: '{ __typename }' },
    ], 'text/event-stream, application/json');
    expect(res.status, res.text).toBe(200);
    expect(res.body[0].errors?.[0], res.text).toMatchObject({ message: expect.stringMatching(/subscription.*batched/i), extensions: { code: 'BAD_REQUEST' } });
    expect(res.body[1]).toEqual({ data: { __typename: 'Query' } });
  });

  it('an operation whose @defer is off (if: false) runs in a batch as an ordinary one', async () => {
    const res = await post([
      { query: 'query($d: Boolean!) { tasks(first: 2) { edges { node { id } } ... @defer(if: $d) { pageInfo { hasNextPage } } } }', variables: { d: false } },
      { query: '{ __typename }' },
    ], 'application/json');
    expect(res.status, res.text).toBe(200);
    expect(res.body[0].errors, res.text).toBeUndefined();
    expect(res.body[0].data.tasks).toMatchObject({ pageInfo: { hasNextPage: true } });
    expect(res.body[0].data.tasks.edges).toHaveLength(2);
  });
});

// Whether an answer is incremental depends on the operation that runs and on `if:`, as graphql-js decides
// it: an operation without @defer/@stream, or whose every @defer/@stream is off, is one JSON body.
describe('what counts as incremental', () => {
  const JSON_ONLY = 'application/graphql-response+json, application/json';
  const PAGE = 'tasks(first: 2) { edges { node { id } } ... @defer(if: $d) { pageInfo { hasNextPage } } }';

  it('another operation of the document using @defer does not make the one that runs incremental', async () => {
    const query = `query A { __typename } query B { tasks(first: 2) { edges { node { id } } ... @defer { pageInfo { hasNextPage } } } }`;
    const a = await post({ query, operationName: 'A' }, JSON_ONLY);
    expect(a.status, a.text).toBe(200);
    expect(a.body).toEqual({ data: { __typename: 'Query' } });
    const b = await post({ query, operationName: 'B' }, JSON_ONLY);
    expect(b.status, b.text).toBe(406);
    expect(b.body.errors[0]).toMatchObject({ extensions: { code: 'NOT_ACCEPTABLE' } });
  });

  it('@defer and @stream with if: false (a literal or a variable) answer as one JSON body, each time', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      [`query($d: Boolean!) { ${PAGE} }`, { d: false }],
      [`query($d: Boolean = false) { ${PAGE} }`, {}],
      ['{ tasks(first: 2) { edges { node { id } } ... @defer(if: false) { pageInfo { hasNextPage } } } }', {}],
      ['{ tasks(first: 2) { edges @stream(if: false, initialCount: 0) { node { id } } pageInfo { hasNextPage } } }', {}],
      ['query($s: Boolean!) { tasks(first: 2) { edges @stream(if: $s) { node { id } } ...P @defer(if: $s) } } fragment P on TaskConnection { pageInfo { hasNextPage } }', { s: false }],
      // A @defer inside a field that is skipped is never reached.
      ['query($d: Boolean!) { __typename tasks(first: 2) @skip(if: true) { ... @defer(if: $d) { pageInfo { hasNextPage } } } }', { d: true }],
    ];
    for (const [query, variables] of cases) {
      // Twice: a query's second run may be compiled.
      for (let run = 0; run < 2; run++) {
        const res = await post({ query, variables }, JSON_ONLY);
        expect(res.status, `${query} ${res.text}`).toBe(200);
        expect(res.body.errors, res.text).toBeUndefined();
        if (!query.includes('@skip')) {
          expect(res.body.data.tasks.edges, res.text).toHaveLength(2);
          expect(res.body.data.tasks.pageInfo, res.text).toEqual({ hasNextPage: true });
        }
      }
    }
  });

  it('@defer that is on (true, by default, or through a fragment) is still refused to a JSON-only client', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      [`query($d: Boolean!) { ${PAGE} }`, { d: true }],
      [`query($d: Boolean = true) { ${PAGE} }`, {}],
      [`query($d: Boolean) { ${PAGE} }`, {}],
      ['query { tasks(first: 2) { ...F } } fragment F on TaskConnection { edges { node { id } } ...G @defer } fragment G on TaskConnection { pageInfo { hasNextPage } }', {}],
      ['query($s: Boolean!) { tasks(first: 2) @include(if: $s) { edges @stream { node { id } } } }', { s: true }],
      // A value graphql-js will refuse cannot be told: it counts as deferring (nothing runs either way).
      [`query($d: Boolean!) { ${PAGE} }`, { d: 'false' }],
    ];
    for (const [query, variables] of cases) {
      const res = await post({ query, variables }, JSON_ONLY);
      expect(res.status, `${query} ${res.text}`).toBe(406);
      expect(res.body.errors[0]).toMatchObject({ extensions: { code: 'NOT_ACCEPTABLE' } });
    }
  });
});

describe('a subscription needs text/event-stream', () => {
  it('a subscription sent with Accept: application/json gets a 406 that names text/event-stream', async () => {
    for (const accept of ['application/json', 'multipart/mixed']) {
      const res = await post({ query: 'subscription { batchUpdateJobProgress(id: "nope") { id } }' }, accept);
      expect(res.status, res.text).toBe(406);
      expect(res.body.errors[0].extensions.code).toBe('NOT_ACCEPTABLE');
      expect(res.body.errors[0].message).toMatch(/subscription.*text\/event-stream/i);
      expect(res.body.errors[0].message).not.toMatch(/accept application\/json/);
    }
  });

  it('a query whose Accept allows nothing taskhub answers with is told to accept JSON, as before', async () => {
    const res = await post({ query: '{ __typename }' }, 'text/csv');
    expect(res.status, res.text).toBe(406);
    expect(res.body.errors[0].message).toMatch(/accept application\/json or application\/graphql-response\+json/);
  });
});

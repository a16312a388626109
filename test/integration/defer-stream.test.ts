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

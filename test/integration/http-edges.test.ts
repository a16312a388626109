// HTTP edges a client or a probe meets, found by a client-compatibility audit: probe paths matched exactly,
// Apollo's persisted-query hashes, and File variables that are not uploads.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

let h: Harness;
let url = '';
beforeAll(async () => { h = await startHarness(); url = await h.listen(); });
afterAll(() => h.close());

describe('probes', () => {
  it('/health and /ready answer at exactly their path', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect([200, 503]).toContain((await fetch(`${url}/ready`)).status);
    for (const path of ['/x/health', '/api/health', '/graphql/health']) {
      expect((await fetch(`${url}${path}`, { method: 'DELETE' })).status, path).toBe(404);
    }
  });

  it('a GraphQL GET whose query string ends in /health is GraphQL, not a health answer', async () => {
    const res = await fetch(`${url}/graphql?query=${encodeURIComponent('{ __typename }')}&x=/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('a request with a persisted-query hash and no query', () => {
  const post = (body: unknown) => fetch(`${url}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body),
  });

  it('is answered PersistedQueryNotSupported, which makes Apollo send the query', async () => {
    const res = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ errors: [{ message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }] });
    // The retry Apollo then sends, query and hash together, is answered.
    const retry = await post({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
    expect(await retry.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('by GET (Apollo\'s useGETForHashedQueries), is answered the same way', async () => {
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: 'c'.repeat(64) } }));
    const res = await fetch(`${url}/graphql?extensions=${extensions}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ errors: [{ message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }] });
  });

  it('in a JSON batch, is refused alone: the batch answers each operation in its place', async () => {
    const hashOnly = { extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } };
    const res = await post([{ query: '{ __typename }' }, hashOnly, { query: 'query Two { __typename }' }]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { data: { __typename: 'Query' } },
      { errors: [{ message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }] },
      { data: { __typename: 'Query' } },
    ]);
  });
});

describe('a File variable that is not an upload', () => {
  const start = (variables: Record<string, unknown>, query = 'mutation($f: File) { startBatchUpdateJob(input: { file: $f }) { id } }') =>
    fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });

  it.each([['a string', 'hello'], ['an object', { name: 'x.jsonl' }], ['a list', [1]]])('(%s) is a client error saying what a File is; no job', async (_what, value) => {
    const res = await start({ f: value });
    const body = await res.json() as { data?: unknown; errors: Array<{ message: string; extensions?: { code?: string } }> };
    expect(body.data ?? null).toBeNull();
    expect(body.errors[0]!.message).toMatch(/multipart request/);
    expect(body.errors[0]!.message).not.toMatch(/Unexpected error/);
  });

  it('written in the document, is refused the same way', async () => {
    const res = await start({}, 'mutation { startBatchUpdateJob(input: { file: "hello" }) { id } }');
    const body = await res.json() as { errors: Array<{ message: string }> };
    expect(body.errors[0]!.message).toMatch(/multipart request/);
  });
});

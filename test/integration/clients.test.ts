// The clients people use, with their defaults, against a real taskhub on a port: Apollo Client 4's
// InMemoryCache (possibleTypes from schema/possible-types.json) and urql (GET for queries, Graphcache with
// the same map). Fragments on the Task interface come back, and a status changed by a mutation shows in the
// normalised cache without a refetch.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { BatchHttpLink } from '@apollo/client/link/batch-http';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Client, fetchExchange, gql as urqlGql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const { possibleTypes } = JSON.parse(readFileSync(new URL('../../schema/possible-types.json', import.meta.url), 'utf8')) as {
  possibleTypes: Record<string, string[]>;
};

const TASK = `
  query OneTask($nativeId: String!) {
    task(backend: ZUORA, nativeId: $nativeId) { id ...TaskCard }
  }
  fragment TaskCard on Task { name status vendorStatus }`;

const SET_STATUS = `
  mutation SetStatus($id: ID!, $status: ZuoraTaskStatus!) {
    batchUpdateTasks(input: { items: [{ zuora: { id: $id, status: $status } }] }) {
      results { __typename ... on TaskUpdated { task { id status vendorStatus } } }
    }
  }`;

let h: Harness;
let url: string;
const methods: string[] = [];
/** The platform fetch, recording each request's method (the clients' own options are left as they are). */
const recordingFetch: typeof fetch = (input, init) => {
  methods.push(init?.method ?? (input instanceof Request ? input.method : 'GET'));
  return fetch(input, init);
};

beforeAll(async () => {
  h = await startHarness();
  url = `${await h.listen()}/graphql`;
});
afterAll(() => h.close());

describe('Apollo Client 4 with InMemoryCache', () => {
  const apollo = (cache: InMemoryCache) => new ApolloClient({ link: new HttpLink({ uri: url, fetch: recordingFetch }), cache });

  it('without possibleTypes drops fragment fields on Task (why the file exists); with them, they come back', async () => {
    const bare = await apollo(new InMemoryCache()).query({ query: gql(TASK), variables: { nativeId: '2772' } });
    expect((bare.data as { task: Record<string, unknown> }).task).not.toHaveProperty('name');

    const res = await apollo(new InMemoryCache({ possibleTypes })).query({ query: gql(TASK), variables: { nativeId: '2772' } });
    expect(res.data).toEqual({ task: { __typename: 'ZuoraWorkflowTask', id: expect.any(String), name: 'Balance above threshold?', status: 'COMPLETED', vendorStatus: 'Success' } });
  });

  it('a status changed by a mutation shows in the cached query, without a refetch', async () => {
    const client = apollo(new InMemoryCache({ possibleTypes }));
    const before = await client.query({ query: gql(TASK), variables: { nativeId: '2771' } });
    const task = (before.data as { task: { id: string; status: string } }).task;
    expect(task.status).toBe('COMPLETED');

    const done = await client.mutate({ mutation: gql(SET_STATUS), variables: { id: '2771', status: 'Stopped' } });
    expect(done.data).toMatchObject({ batchUpdateTasks: { results: [{ __typename: 'TaskUpdated', task: { id: task.id, status: 'CANCELLED' } }] } });

    const sent = methods.length;
    const cached = client.readQuery({ query: gql(TASK), variables: { nativeId: '2771' } }) as { task: { status: string; vendorStatus: string } };
    expect(cached.task).toMatchObject({ status: 'CANCELLED', vendorStatus: 'Stopped' });
    const again = await client.query({ query: gql(TASK), variables: { nativeId: '2771' }, fetchPolicy: 'cache-first' });
    expect((again.data as { task: { status: string } }).task.status).toBe('CANCELLED');
    expect(methods.length).toBe(sent);
  });

  it('reads @defer over multipart with Apollo 4\'s Defer20220824Handler', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: url, fetch: recordingFetch }),
      cache: new InMemoryCache({ possibleTypes }),
      incrementalHandler: new Defer20220824Handler(),
    });
    const res = await client.query({ query: gql(`query DeferredCard($nativeId: String!) {
      task(backend: ZUORA, nativeId: $nativeId) { id ... @defer { ...TaskCard } }
    }
    fragment TaskCard on Task { name status }`), variables: { nativeId: '2772' } });
    expect((res.data as { task: Record<string, unknown> }).task).toMatchObject({ name: 'Balance above threshold?', status: expect.any(String) });
  });

  it('with automatic persisted queries (PersistedQueryLink): falls back to sending the query, and keeps to it', async () => {
    const bodies: string[] = [];
    const recording: typeof fetch = (input, init) => { bodies.push(String(init?.body ?? '')); return fetch(input, init); };
    const client = new ApolloClient({
      link: createPersistedQueryLink({ sha256: (text: string) => createHash('sha256').update(text).digest('hex') })
        .concat(new HttpLink({ uri: url, fetch: recording })),
      cache: new InMemoryCache({ possibleTypes }),
    });
    for (const nativeId of ['2771', '2772']) {
      const res = await client.query({ query: gql(TASK), variables: { nativeId }, fetchPolicy: 'network-only' });
      expect((res.data as { task: { name: string } }).task.name).toEqual(expect.any(String));
    }
    // The hash alone once, answered PersistedQueryNotSupported; the whole query from then on.
    expect(bodies.map((b) => JSON.parse(b).query === undefined)).toEqual([true, false, false]);
  });

  it('with persisted queries over BatchHttpLink: each operation of the batch falls back to its query', async () => {
    const bodies: string[] = [];
    const recording: typeof fetch = (input, init) => { bodies.push(String(init?.body ?? '')); return fetch(input, init); };
    const client = new ApolloClient({
      link: createPersistedQueryLink({ sha256: (text: string) => createHash('sha256').update(text).digest('hex') })
        .concat(new BatchHttpLink({ uri: url, fetch: recording, batchMax: 5, batchInterval: 20 })),
      cache: new InMemoryCache({ possibleTypes }),
    });
    const answers = await Promise.all(['2771', '2772'].map((nativeId) =>
      client.query({ query: gql(TASK), variables: { nativeId }, fetchPolicy: 'network-only' })));
    expect(answers.map((res) => (res.data as { task: { name: string } }).task.name)).toEqual([expect.any(String), expect.any(String)]);
    // One batch of two hashes, answered PersistedQueryNotSupported each; then the queries, batched again.
    const sent = bodies.map((b) => (JSON.parse(b) as Array<{ query?: string }>).map((op) => op.query === undefined));
    expect(sent[0]).toEqual([true, true]);
    expect(sent.slice(1).flat()).toEqual([false, false]);
  });
});

describe('urql with its default fetch options', () => {
  it('sends queries by GET, and taskhub answers them', async () => {
    methods.length = 0;
    const client = new Client({ url, fetch: recordingFetch, exchanges: [fetchExchange] });
    const res = await client.query(urqlGql(TASK), { nativeId: '2772' }).toPromise();
    expect(res.error).toBeUndefined();
    expect(res.data.task).toMatchObject({ name: 'Balance above threshold?', status: 'COMPLETED' });
    expect(methods).toEqual(['GET']);
  });

  it('Graphcache with possibleTypes: fragments on Task match, and a mutation updates the cached task', async () => {
    const client = new Client({ url, fetch: recordingFetch, exchanges: [cacheExchange({ possibleTypes }), fetchExchange] });
    const first = await client.query(urqlGql(TASK), { nativeId: '2772' }).toPromise();
    expect(first.error).toBeUndefined();
    expect(first.data.task).toMatchObject({ name: 'Balance above threshold?', status: 'COMPLETED' });

    const done = await client.mutation(urqlGql(SET_STATUS), { id: '2772', status: 'Stopped' }).toPromise();
    expect(done.error).toBeUndefined();
    methods.length = 0;
    const cached = await client.query(urqlGql(TASK), { nativeId: '2772' }, { requestPolicy: 'cache-only' }).toPromise();
    expect(cached.data.task).toMatchObject({ status: 'CANCELLED', vendorStatus: 'Stopped' });
    expect(methods).toEqual([]);
  });
});

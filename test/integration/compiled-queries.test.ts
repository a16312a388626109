// Repeated queries run compiled (graphql-jit, src/plugins/use-compiled-queries.ts). Each document below runs
// three times against a taskhub that compiles (the first run interpreted, then compiled) and one that never
// does; every answer must be the same, errors and their paths included.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

let compiled: Harness;
let interpreted: Harness;
beforeAll(async () => {
  [compiled, interpreted] = await Promise.all([startHarness(), startHarness({ compileQueries: false })]);
});
afterAll(() => Promise.all([compiled?.close(), interpreted?.close()]));

const TASK_FIELDS = `
  __typename id backend nativeId name status vendorStatus priority description
  ... on ZuoraWorkflowTask { workflowId: id }
  ... on IbmBpmTask { tkiid state owner customProperties { key value } }
  ... on K2Task { serialNumber folio actions { __typename } processDataFields { key value } }
  ... on BatchTask { __typename }
`;

async function both(query: string, variables?: Record<string, unknown>, operationName?: string) {
  const send = async (h: Harness) => {
    const res = await h.app.yoga.fetch('http://taskhub/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables, operationName }),
    });
    return { status: res.status, body: await res.json() };
  };
  const answers = [];
  for (let run = 0; run < 3; run++) answers.push({ compiled: await send(compiled), interpreted: await send(interpreted) });
  for (const a of answers) expect(a.compiled).toEqual(a.interpreted);
  return answers[2]!.compiled;
}

describe('a compiled query answers what graphql-js answers', () => {
  it('lists with variables, a filter, fragments on every task type, pageInfo and backendErrors', async () => {
    const res = await both(`query($first: Int, $filter: TaskFilter) {
      tasks(first: $first, filter: $filter) {
        edges { cursor node { ${TASK_FIELDS} } }
        pageInfo { hasNextPage endCursor }
        backendErrors { backend code message }
      }
    }`, { first: 40, filter: { statuses: ['READY', 'IN_PROGRESS', 'NEW'] } });
    expect(res.body.data.tasks.edges.length).toBeGreaterThan(5);
    expect(new Set(res.body.data.tasks.edges.map((e: { node: { __typename: string } }) => e.node.__typename)).size).toBe(4);
  });

  it('reads by id, by global id and in bulk, with nulls for missing tasks and an error at its path for a bad id', async () => {
    const list = (await compiled.gql('{ tasks(first: 500) { edges { node { id backend nativeId } } } }')).body.data.tasks.edges;
    const zuora = list.find((e: { node: { backend: string } }) => e.node.backend === 'ZUORA').node;
    const k2 = list.find((e: { node: { backend: string } }) => e.node.backend === 'K2').node;
    const res = await both(`query($z: String!, $ids: [ID!]!) {
      one: task(backend: ZUORA, nativeId: $z) { ${TASK_FIELDS} }
      missing: task(backend: IBM_BPM, nativeId: "_TKI:a1b2c3d4.e5f60718.293a4b5c.6d7e8f90") { id }
      cannotExist: task(backend: SUPEROFFICE, nativeId: "not-a-number") { id }
      byNode: node(id: "${k2.id}") { id ... on Task { name status } }
      many: nodes(ids: $ids) { id ... on Task { nativeId } }
    }`, { z: zuora.nativeId, ids: [zuora.id, 'bogus', k2.id] });
    expect(res.body.data.one.nativeId).toBe(zuora.nativeId);
    expect(res.body.data.missing).toBeNull();
    expect(res.body.data.cannotExist).toBeNull();
    expect(res.body.data.byNode.id).toBe(k2.id);
    expect(res.body.data.many.map((n: { id: string } | null) => n?.id ?? null)).toEqual([zuora.id, null, k2.id]);
  });

  it('applies @skip and @include on fields, inline fragments and named fragment spreads', async () => {
    const query = `query($with: Boolean!, $without: Boolean!) {
      tasks(first: 8) { edges { node {
        name @include(if: $with)
        status @skip(if: $with)
        ... on IbmBpmTask @include(if: $without) { tkiid }
        ...More @skip(if: $without)
      } } }
    }
    fragment More on Task { priority vendorStatus }`;
    const on = await both(query, { with: true, without: false });
    const off = await both(query, { with: false, without: true });
    expect(Object.keys(on.body.data.tasks.edges[0].node).sort()).toEqual(['name', 'priority', 'vendorStatus']);
    expect(Object.keys(off.body.data.tasks.edges[0].node)).toContain('status');
  });

  it('runs the operation operationName names, each time, in a document that holds several', async () => {
    const doc = `query First { tasks(first: 2) { edges { node { name } } } }
      query Second { tasks(first: 3, filter: { backends: [K2] }) { edges { node { backend } } } }`;
    for (let i = 0; i < 2; i++) {
      const first = await both(doc, undefined, 'First');
      expect(first.body.data.tasks.edges).toHaveLength(2);
      const second = await both(doc, undefined, 'Second');
      expect(second.body.data.tasks.edges.map((e: { node: { backend: string } }) => e.node.backend)).toEqual(['K2', 'K2', 'K2']);
    }
  });

  it('refuses bad variables with the same errors', async () => {
    const query = 'query($first: Int, $filter: TaskFilter) { tasks(first: $first, filter: $filter) { edges { cursor } } }';
    const wrongType = await both(query, { first: 'ten' });
    expect(wrongType.body.errors?.[0]?.message).toMatch(/\$first/);
    const badEnum = await both(query, { filter: { statuses: ['NOT_A_STATUS'] } });
    expect(badEnum.body.errors?.[0]?.message).toMatch(/NOT_A_STATUS/);
    const outOfRange = await both(query, { first: 100000 });
    expect(outOfRange.body.errors?.[0]?.message).toBe('first must be between 0 and 500; got 100000');
  });

  it('answers a vendor failure as the same field error, with its path and locations', async () => {
    for (const h of [compiled, interpreted]) h.vendors.k2.server.addFault({ fault: { kind: 'garbage' }, method: 'GET' });
    try {
      const res = await both(`query Fails {
        ok: tasks(first: 1, filter: { backends: [ZUORA] }) { edges { node { name } } }
        broken: task(backend: K2, nativeId: "19_10") { ...Named }
      }
      fragment Named on Task { name }`);
      expect(res.body.data.broken).toBeNull();
      expect(res.body.data.ok.edges).toHaveLength(1);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0]).toMatchObject({ path: ['broken'], locations: [{ line: 3, column: 9 }], extensions: { code: 'BACKEND_UNAVAILABLE' } });
    } finally {
      for (const h of [compiled, interpreted]) h.vendors.k2.server.clearFaults();
    }
  });

  it('answers introspection the same', async () => {
    const res = await both('{ __schema { queryType { name } types { name kind possibleTypes { name } } } __type(name: "Task") { fields { name } } }');
    expect(res.body.data.__schema.queryType.name).toBe('Query');
  });
});

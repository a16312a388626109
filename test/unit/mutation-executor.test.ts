// Mutations run on graphql-js's executor (src/plugins/use-mutation-executor.ts). Each request below goes to a
// Yoga with the plugin and one without; status and body must be the same, and every mutation's resolver must
// run exactly once: a request graphql-js refuses is handed back to Yoga's executor, which must never mean a
// write sent twice.

import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useMutationExecutor } from '../../src/plugins/use-mutation-executor.js';

const typeDefs = /* GraphQL */ `
  input Change @oneOf { rename: String, priority: Int }
  input Item { id: ID!, change: Change! }
  type Outcome { id: ID!, applied: String }
  type Query { ok: Boolean }
  type Mutation {
    apply(items: [Item!]!): [Outcome!]!
    fail: Outcome
  }
`;

function server(withPlugin: boolean) {
  const calls: string[] = [];
  const yoga = createYoga({
    schema: createSchema({
      typeDefs,
      resolvers: {
        Mutation: {
          apply: (_: unknown, { items }: { items: Array<{ id: string; change: { rename?: string; priority?: number } }> }) => {
            calls.push('apply');
            return items.map((i) => ({ id: i.id, applied: JSON.stringify(i.change) }));
          },
          fail: () => { calls.push('fail'); throw new Error('vendor said no'); },
        },
      },
    }),
    plugins: withPlugin ? [useMutationExecutor()] : [],
    maskedErrors: false,
    logging: false,
  });
  return { yoga, calls };
}

async function both(query: string, variables?: Record<string, unknown>, operationName?: string) {
  const answers = await Promise.all([true, false].map(async (withPlugin) => {
    const { yoga, calls } = server(withPlugin);
    const res = await yoga.fetch('http://x/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables, operationName }),
    });
    return { status: res.status, body: await res.json(), calls };
  }));
  expect(answers[0]).toEqual(answers[1]);
  return answers[0]!;
}

const APPLY = 'mutation Apply($items: [Item!]!) { apply(items: $items) { id applied } }';

describe('mutations on graphql-js executor', () => {
  it('answers a mutation as Yoga does, running its resolver once', async () => {
    const items = Array.from({ length: 300 }, (_, n) => ({ id: String(n), change: n % 2 ? { rename: `task ${n}` } : { priority: n } }));
    const res = await both(APPLY, { items });
    expect(res.status).toBe(200);
    expect(res.body.data.apply).toHaveLength(300);
    expect(res.body.data.apply[3]).toEqual({ id: '3', applied: '{"rename":"task 3"}' });
    expect(res.calls).toEqual(['apply']);
  });

  it('refuses variables it cannot coerce with a 400 and the same errors, running nothing', async () => {
    const res = await both(APPLY, { items: [{ id: '1', change: { rename: 'a', priority: 2 } }, { id: '2', change: { priority: 'high' } }, { change: {} }] });
    expect(res.status).toBe(400);
    expect(res.body.errors.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(res.body.errors)).toContain('items[0].change');
    expect(res.calls).toEqual([]);
  });

  it('refuses a missing required variable with a 400, running nothing', async () => {
    const res = await both(APPLY, {});
    expect(res.status).toBe(400);
    expect(res.calls).toEqual([]);
  });

  it("reports a resolver's error at its path, running the resolver once", async () => {
    const res = await both('mutation { fail { id } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ fail: null });
    expect(res.body.errors[0]).toMatchObject({ message: 'vendor said no', path: ['fail'] });
    expect(res.calls).toEqual(['fail']);
  });

  it('runs the operation operationName names in a document of several', async () => {
    const res = await both(`query Q { ok } ${APPLY} mutation Fail { fail { id } }`, { items: [{ id: '9', change: { priority: 1 } }] }, 'Apply');
    expect(res.body.data).toEqual({ apply: [{ id: '9', applied: '{"priority":1}' }] });
    expect(res.calls).toEqual(['apply']);
  });
});

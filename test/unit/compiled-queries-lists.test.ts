// Lists whose items fail, compiled (src/plugins/use-compiled-queries.ts): graphql-jit 0.8.9 put the null of
// an item whose promise rejects at the end of the list, not at its index. Each document runs three times
// (the standard executor, then compiled twice); every answer must be the standard executor's, byte for byte.

import { describe, expect, it } from 'vitest';
import { createSchema, createYoga } from 'graphql-yoga';
import { useCompiledQueries } from '../../src/plugins/use-compiled-queries.js';

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const failLater = (ms: number, reason: unknown) => new Promise((_, reject) => setTimeout(() => reject(reason), ms));

const schema = createSchema({
  typeDefs: `
    type Item { n: Int! }
    type Query {
      items: [Item]!
      names: [String]
      grid: [[Item]]
      strict: [Item!]
      set: [Item]
    }`,
  resolvers: {
    Query: {
      // Item 1 fails after the others resolve, item 3 before them.
      items: () => [later(5, { n: 0 }), failLater(10, new Error('1 failed')), later(5, { n: 2 }), Promise.reject(new Error('3 failed')), later(5, { n: 4 })],
      // Rejections that are no Error: the standard executor answers their text, or their message.
      names: () => [Promise.reject('not an error'), later(5, 'b'), failLater(1, { message: 'an object', code: 7 })],
      grid: () => [[later(5, { n: 0 }), failLater(10, new Error('inner failed')), { n: 2 }], later(1, null).then(() => [Promise.reject(new Error('deep')), { n: 4 }])],
      strict: () => [later(5, { n: 0 }), Promise.reject(new Error('nulls the list'))],
      set: () => new Set([Promise.reject(new Error('first')), later(5, { n: 1 })]),
    },
  },
});
// Unmasked, so the answers hold the resolvers' own messages.
const yoga = createYoga({ schema, plugins: [useCompiledQueries()], logging: false, maskedErrors: false });

async function threeRuns(query: string) {
  const texts: string[] = [];
  for (let run = 0; run < 3; run++) {
    const res = await yoga.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    texts.push(await res.text());
  }
  for (const text of texts.slice(1)) expect(JSON.parse(text)).toEqual(JSON.parse(texts[0]!));
  expect(texts[1]).toBe(texts[0]);
  expect(texts[2]).toBe(texts[0]);
  return JSON.parse(texts[0]!);
}

describe('a compiled list whose items fail', () => {
  it('has a null at each failed item, in the order given, and its error at its index', async () => {
    const res = await threeRuns('{ items { n } }');
    expect(res.data.items).toEqual([{ n: 0 }, null, { n: 2 }, null, { n: 4 }]);
    expect(res.errors.map((e: { path: unknown }) => e.path).sort()).toEqual([['items', 1], ['items', 3]]);
  });

  it('answers a rejection that is no Error as the standard executor does', async () => {
    const res = await threeRuns('{ names }');
    expect(res.data.names).toEqual([null, 'b', null]);
    expect(res.errors.map((e: { message: string; path: unknown }) => [e.message, e.path])).toEqual([['not an error', ['names', 0]], ['an object', ['names', 2]]]);
  });

  it('in nested lists, in a list of non-null items and in an iterable that is not an array', async () => {
    const grid = await threeRuns('{ grid { n } }');
    expect(grid.data.grid).toEqual([[{ n: 0 }, null, { n: 2 }], [null, { n: 4 }]]);
    const strict = await threeRuns('{ strict { n } }');
    expect(strict.data.strict).toBeNull();
    const set = await threeRuns('{ set { n } }');
    expect(set.data.set).toEqual([null, { n: 1 }]);
  });

  it('leaves the schema\'s resolvers as they were, for graphql-js', async () => {
    const fields = schema.getQueryType()!.getFields();
    const before = Object.values(fields).map((f) => f.resolve);
    await threeRuns('{ items { n } names }');
    expect(Object.values(fields).map((f) => f.resolve)).toEqual(before);
  });
});

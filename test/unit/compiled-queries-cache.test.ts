// The compiled-query cache: a document is compiled on its second run, once, and at most `maxDocuments`
// documents are kept (least recently used out), so many distinct queries cannot pile up compiled code.

import { describe, expect, it, vi } from 'vitest';
import { createSchema, createYoga } from 'graphql-yoga';

const compiled: string[] = [];
vi.mock('graphql-jit', async (importOriginal) => {
  const real = await importOriginal<typeof import('graphql-jit')>();
  return {
    ...real,
    compileQuery: (...args: Parameters<typeof real.compileQuery>) => {
      const op = args[1].definitions[0];
      compiled.push(op?.kind === 'OperationDefinition' ? op.name?.value ?? '(anonymous)' : '?');
      return real.compileQuery(...args);
    },
  };
});
const { useCompiledQueries } = await import('../../src/plugins/use-compiled-queries.js');

function app(maxDocuments: number) {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { hello(name: String): String }', resolvers: { Query: { hello: (_: unknown, a: { name?: string }) => `hi ${a.name ?? 'you'}` } } }),
    plugins: [useCompiledQueries({ maxDocuments })],
    logging: false,
  });
  return async (name: string) => {
    const res = await yoga.fetch('http://x/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `query ${name} { hello(name: "${name}") }` }),
    });
    expect(await res.json()).toEqual({ data: { hello: `hi ${name}` } });
  };
}

describe('compiled-query cache', () => {
  it('compiles a document on its second run, once however often it runs after', async () => {
    compiled.length = 0;
    const run = app(10);
    await run('A');
    expect(compiled).toEqual([]);
    for (let i = 0; i < 5; i++) await run('A');
    expect(compiled).toEqual(['A']);
  });

  it('keeps at most maxDocuments documents: the least recently used is dropped and compiled again on return', async () => {
    compiled.length = 0;
    const run = app(2);
    for (const name of ['A', 'A', 'B', 'B', 'A', 'C', 'C']) await run(name);
    // C pushed out B (A was used more recently), so A stays compiled and B starts over.
    expect(compiled).toEqual(['A', 'B', 'C']);
    await run('A');
    await run('B');
    await run('B');
    expect(compiled).toEqual(['A', 'B', 'C', 'B']);
    await run('C'); // dropped when B came back (A, then B, were used after it)
    await run('C');
    expect(compiled).toEqual(['A', 'B', 'C', 'B', 'C']);
  });
});

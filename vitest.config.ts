import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql ships CJS and ESM builds; without this, vitest can load both and graphql-js then refuses
  // a schema built by one copy in the other ("from another module or realm").
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Each file starts its own emulators on port 0; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Each file starts its own emulators on port 0; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
  },
});

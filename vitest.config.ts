import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // The example app and the README's example import the built package: build dist/ first when it is stale.
    globalSetup: ['test/support/build-dist.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests that share Redis or PostgreSQL use their own key prefix / schema, so files may run in parallel.
    fileParallelism: true,
  },
});

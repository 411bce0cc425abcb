import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests that share Redis or PostgreSQL use their own key prefix / schema, so files may run in parallel.
    fileParallelism: true,
  },
});

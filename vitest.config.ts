import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['sources/**/*.test.ts', 'graphql/**/*.test.ts', 'app/**/*.test.{ts,tsx}', 'test/integration/**/*.test.ts'],
          environment: 'node',
          // files share one module graph per worker instead of importing the whole app again for each: every test
          // builds its own harness (test/support/graphql.ts) and no module keeps state between files
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // the few tests marked concurrent (read-only, each in its own browser context) run three at a time
          maxConcurrency: 3,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

// The suite runner's own test on its own (pnpm test runs it as a suite of its own, after the others): it
// times a fixture suite against a budget, which the heavy e2e files beside it on two cores can starve.
export default defineConfig({
  test: {
    name: 'runner',
    include: ['e2e/**/*.runner.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
  },
});

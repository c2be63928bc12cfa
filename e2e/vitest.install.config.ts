import { defineConfig } from 'vitest/config';

// The pack-and-install test on its own (pnpm test runs it as a suite of its own): it packs the built
// packages, so it runs after the build, and it is slow and heavy, so never beside the other suites.
export default defineConfig({
  test: {
    name: 'install',
    include: ['e2e/**/*.install.test.ts'],
    environment: 'node',
    pool: 'forks',
    // each file runs npm install (and may compile better-sqlite3): one at a time on two cores
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 660_000,
  },
});

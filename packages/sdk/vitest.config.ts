import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (the "@p2pchat/source" export condition), so tests
  // never run against a stale build. Node tests resolve through Vite's SSR settings.
  ssr: { resolve: { conditions: ['@p2pchat/source', 'module', 'node', 'development|production'] } },
  test: {
    name: 'sdk',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // test/browser runs in Chromium under web-test-runner. P2PCHAT_TURN_APART=1 leaves out the Node clients
    // through coturn: `pnpm test` runs them as a suite of their own (see scripts/test.mjs).
    exclude: [
      'test/browser/**',
      '**/node_modules/**',
      ...(process.env.P2PCHAT_TURN_APART === '1' ? ['test/relay.test.ts'] : []),
    ],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

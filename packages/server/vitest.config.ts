import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (the "@p2pchat/source" export condition), so tests
  // never run against a stale build. Node tests resolve through Vite's SSR settings.
  ssr: { resolve: { conditions: ['@p2pchat/source', 'module', 'node', 'development|production'] } },
  test: {
    name: 'server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

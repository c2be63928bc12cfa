import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (the "@p2pchat/source" export condition).
  ssr: { resolve: { conditions: ['@p2pchat/source', 'module', 'node', 'development|production'] } },
  test: {
    name: 'react',
    include: ['test/**/*.test.ts'],
    // test/browser runs in Chromium under web-test-runner
    exclude: ['test/browser/**', '**/node_modules/**'],
    // Node, no DOM: what a server that renders React (Next.js, Remix, Vite SSR) has.
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@p2pchat/source'] },
  test: {
    name: 'sdk',
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});

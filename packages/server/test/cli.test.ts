import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, newAccount, tempDir } from './helpers.js';
import { runCli, spawnServer } from './spawn.js';

describe('the p2pchat-server command', () => {
  it('honours PORT and DATA_DIR, prints its URL, and stops cleanly on SIGTERM', async () => {
    const dataDir = join(tempDir('p2pchat-cli-'), 'nested', 'data');
    try {
      const server = await spawnServer({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await call(server, 'POST', '/api/register', newAccount('cli'))).status).toBe(201);
      expect(existsSync(join(dataDir, 'p2pchat.sqlite'))).toBe(true);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('server stopped');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops on SIGINT too', async () => {
    const dataDir = tempDir('p2pchat-cli-');
    try {
      const server = await spawnServer({ DATA_DIR: dataDir });
      server.child.kill('SIGINT');
      expect(await server.exited).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses an invalid configuration with a clear message and exit code 78', async () => {
    const { code, output } = await runCli({ PORT: 'abc', CORS_ORIGINS: '*/x' });
    expect(code).toBe(78);
    expect(output).toContain('Invalid configuration');
    expect(output).toContain('PORT must be a whole number');
    expect(output).toContain('CORS_ORIGINS');
  });

  it('explains a port that is already taken', async () => {
    const dataDir = tempDir('p2pchat-cli-');
    try {
      const first = await spawnServer({ DATA_DIR: dataDir });
      const port = new URL(first.url).port;
      const { code, output } = await runCli({ DATA_DIR: dataDir, PORT: port, STUN_URLS: '' });
      expect(code).toBe(1);
      expect(output).toContain('could not start');
      expect(output).toContain('EADDRINUSE');
      first.child.kill('SIGTERM');
      await first.exited;
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

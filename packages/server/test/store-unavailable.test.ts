import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_DB_FILE } from '../src/store/embedded/sqlite-store.js';
import { refused } from './clients.js';
import type { TestServer } from './helpers.js';
import { call, newAccount, registered, startTestServer } from './helpers.js';

// Another process holds the embedded store's write lock (a backup, a stuck worker): the server answers
// 503 UNAVAILABLE with Retry-After, fast, and says it is not ready; once the lock goes, all is as before.
let server: TestServer;
let user: Awaited<ReturnType<typeof registered>>;
beforeAll(async () => {
  server = await startTestServer();
  user = await registered(server, 'locked');
});
afterAll(async () => {
  await server.stop();
});

describe('a store locked by another process', () => {
  it('answers every write with 503 UNAVAILABLE and Retry-After within seconds, and readiness says so', async () => {
    const other = new Database(join(server.dataDir, EMBEDDED_DB_FILE));
    other.exec('BEGIN IMMEDIATE'); // the write lock, held
    try {
      const cases: [string, () => ReturnType<typeof call>][] = [
        ['register', () => call(server, 'POST', '/api/register', newAccount('late'))],
        [
          'login',
          () => call(server, 'POST', '/api/login', { email: user.email, password: user.password }),
        ],
        [
          'profile change',
          () => call(server, 'PATCH', '/api/profile', { bio: 'hello' }, { token: user.token }),
        ],
      ];
      for (const [name, run] of cases) {
        const t0 = Date.now();
        const res = await run();
        expect([name, res.status, res.body.error?.code]).toEqual([name, 503, 'UNAVAILABLE']);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(Date.now() - t0).toBeLessThan(2000);
      }
      // reads go on (WAL): the profile, and a socket handshake
      expect(
        (await call(server, 'GET', '/api/profile', undefined, { token: user.token })).status,
      ).toBe(200);
      const ready = await call(server, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(server.logs.join('\n')).not.toMatch(/"level":50.*unhandled error/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await call(server, 'GET', '/readyz')).status).toBe(200);
    expect((await call(server, 'POST', '/api/register', newAccount('after'))).status).toBe(201);
  });

  it('answers handshakes with UNAVAILABLE, not INTERNAL, when the store is gone', async () => {
    const s = await startTestServer();
    const u = await registered(s, 'gone');
    await s.store.close(); // as if the database went away under the server
    try {
      expect((await refused(s.url, { token: u.token })).data?.code).toBe('UNAVAILABLE');
      const res = await call(s, 'POST', '/api/login', { email: u.email, password: u.password });
      expect(res.status).toBe(503);
      expect((await call(s, 'GET', '/readyz')).status).toBe(503);
    } finally {
      await s.stop();
    }
  });
});

import { rmSync } from 'node:fs';
import type { PresenceChanges } from '@p2pchat/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connected } from './clients.js';
import type { TestClient } from './clients.js';
import type { TestServer } from './helpers.js';
import { call, registered, startTestServer, tempDir } from './helpers.js';
import { runCli, spawnServer } from './spawn.js';
import { CONFIG_VARIABLES } from '../src/config.js';

// The account's end of life: deleted by its owner, or disabled by an operator.
let server: TestServer;
const clients: TestClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.stop();
});
async function client(token: string) {
  const c = await connected(server.url, { token });
  clients.push(c);
  return c;
}

describe('DELETE /api/profile', () => {
  it.each([
    ['no body', undefined, 400, 'INVALID_PAYLOAD'],
    ['no password', {}, 400, 'INVALID_PAYLOAD'],
    ['a wrong password', { password: 'not-the-password' }, 401, 'INVALID_CREDENTIALS'],
    ['a password of the wrong type', { password: { $ne: null } }, 400, 'INVALID_PAYLOAD'],
  ])('refuses %s and deletes nothing', async (_name, body, status, code) => {
    const u = await registered(server, 'keep');
    const res = await call(server, 'DELETE', '/api/profile', body, { token: u.token });
    expect(res.status).toBe(status);
    expect(res.body.error?.code).toBe(code);
    expect((await call(server, 'GET', '/api/profile', undefined, { token: u.token })).status).toBe(
      200,
    );
  });

  it('refuses without a token', async () => {
    const res = await call(server, 'DELETE', '/api/profile', { password: 'whatever-it-is' });
    expect(res.status).toBe(401);
  });

  it('with the password: closes every socket of the user within a second, and the account is gone', async () => {
    const u = await registered(server, 'leaving');
    const watcher = await registered(server, 'watch');
    const w = await client(watcher.token);
    const [tab1, tab2] = [await client(u.token), await client(u.token)];
    const t0 = Date.now();
    const res = await call(
      server,
      'DELETE',
      '/api/profile',
      { password: u.password },
      { token: u.token },
    );
    expect(res.status).toBe(204);
    for (const tab of [tab1, tab2])
      expect(await tab.next('session:ended', undefined, 1000)).toEqual({
        reason: 'account-closed',
      });
    expect(Date.now() - t0).toBeLessThan(1000);
    await w.next<PresenceChanges>('presence:changes', (ch) => ch.offline.includes(u.user.id));

    // the token stops working, the password no longer logs in, the store holds nothing of the user
    expect((await call(server, 'GET', '/api/profile', undefined, { token: u.token })).status).toBe(
      401,
    );
    const login = await call(server, 'POST', '/api/login', {
      email: u.email,
      password: u.password,
    });
    expect(login.status).toBe(401);
    expect(await server.store.users.findById(u.user.id)).toBeNull();
    expect(await server.store.users.findByEmail(u.email)).toBeNull();
    expect(await server.store.sessions.listActive(u.user.id)).toEqual([]);
    expect(await server.store.sessions.find(tab1.socket.id ?? '')).toBeNull();

    // the username and e-mail are free again: a new account, with a new id
    const again = await call(server, 'POST', '/api/register', {
      username: u.username,
      email: u.email,
      password: 'a-new-password-1',
    });
    expect(again.status).toBe(201);
    expect((again.body.user as { id: string }).id).not.toBe(u.user.id);
  });
});

describe('p2pchat-server disable-account / enable-account', () => {
  const dataDir = tempDir('p2pchat-disable-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('disables an account from the command line: it cannot log in, and the running server closes its sockets', async () => {
    const running = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    try {
      const u = await registered(running, 'op');
      const c = await connected(running.url, { token: u.token });
      clients.push(c);
      const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
      const off = await runCli(env, ['disable-account', u.username]);
      expect(off.code).toBe(0);
      expect(off.output).toContain(`disabled ${u.username}`);
      expect(await c.next('session:ended', undefined, 8000)).toEqual({ reason: 'account-closed' });
      const refused = await call(running, 'POST', '/api/login', {
        email: u.email,
        password: u.password,
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error?.code).toBe('ACCOUNT_DISABLED');
      expect(
        (await call(running, 'GET', '/api/profile', undefined, { token: u.token })).status,
      ).toBe(401);

      expect((await runCli(env, ['enable-account', u.email])).code).toBe(0);
      const back = await call(running, 'POST', '/api/login', {
        email: u.email,
        password: u.password,
      });
      expect(back.status).toBe(200);

      const unknown = await runCli(env, ['disable-account', 'nobody-here']);
      expect(unknown.code).toBe(1);
      expect(unknown.output).toContain('no account "nobody-here"');
      expect((await runCli(env, ['disable-account'])).code).toBe(64);
      // --help and --version answer at once, even with a configuration that would not start
      for (const flag of ['--help', '-h']) {
        const help = await runCli({ PORT: 'not a port' }, [flag]);
        expect(help.code).toBe(0);
        expect(help.output).toContain('usage: p2pchat-server');
        // every variable the server reads, none left out
        for (const name of CONFIG_VARIABLES)
          expect(help.output).toMatch(new RegExp(`\\b${name}\\b`));
        expect(help.output.split('\n').every((line) => line.length <= 110)).toBe(true);
      }
      const version = await runCli({ PORT: 'not a port' }, ['--version']);
      expect(version.code).toBe(0);
      expect(version.output).toMatch(/^p2pchat-server \d+\.\d+\.\d+/);
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  }, 40_000);
});

import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';
import { connected, settle } from './clients.js';
import { call, newAccount, tempDir } from './helpers.js';
import type { ServerProcess } from './spawn.js';
import { spawnServer } from './spawn.js';

const dataDir = tempDir('p2pchat-crash-');
const started: ServerProcess[] = [];
afterAll(() => {
  for (const s of started) s.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const env = {
  DATA_DIR: dataDir,
  NODE_ID: 'crash-node',
  AUTH_RATE_LIMIT_IP: '100000',
  AUTH_RATE_LIMIT_ACCOUNT: '100000',
  LOG_LEVEL: 'warn',
};

describe('a server killed with SIGKILL during a burst of registrations', () => {
  it('restarts on the same store, and every registration it answered 201 can log in', async () => {
    const first = await spawnServer(env);
    started.push(first);

    // 10 registrations in flight at a time; kill -9 once 40 have been answered, with more still in flight.
    const accounts = Array.from({ length: 400 }, () => newAccount('crash'));
    const confirmed: typeof accounts = [];
    let answered = 0;
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < accounts.length && !killed) {
        const account = accounts[next++];
        if (!account) break;
        try {
          const res = await call(first, 'POST', '/api/register', account);
          answered += 1;
          if (res.status === 201) confirmed.push(account);
          if (answered >= 40 && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        } catch {
          // the connection died with the server: this registration was never answered
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, worker));
    await first.exited;
    expect(confirmed.length).toBeGreaterThanOrEqual(40);

    const second = await spawnServer(env);
    started.push(second);
    expect((await call(second, 'GET', '/readyz')).status).toBe(200);
    const logins = await Promise.all(
      confirmed.map((a) =>
        call(second, 'POST', '/api/login', { email: a.email, password: a.password }),
      ),
    );
    expect(logins.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    // and the store still takes writes
    expect((await call(second, 'POST', '/api/register', newAccount('after'))).status).toBe(201);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

describe('a server killed with SIGKILL while sockets are connected', () => {
  it('closes the chat sessions the killed process left active when it starts again', async () => {
    const dir = tempDir('p2pchat-crash-');
    const crashEnv = { ...env, DATA_DIR: dir, NODE_ID: 'crash-sessions' };
    try {
      const first = await spawnServer(crashEnv);
      started.push(first);
      const account = newAccount('live');
      const reg = await call(first, 'POST', '/api/register', account);
      const client = await connected(first.url, { token: reg.body.token as string });
      const sessionId = client.socket.id ?? '';
      await settle(200); // the session record is written
      first.child.kill('SIGKILL');
      await first.exited;
      client.close();

      const leftover = openEmbeddedStore({ dataDir: dir });
      expect(await leftover.sessions.find(sessionId)).toMatchObject({
        isActive: true,
        disconnectedAt: null,
      });
      await leftover.close();

      const second = await spawnServer(crashEnv);
      started.push(second);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      const after = openEmbeddedStore({ dataDir: dir });
      const closed = await after.sessions.find(sessionId);
      await after.close();
      expect(closed?.isActive).toBe(false);
      expect(closed?.disconnectedAt).toBeInstanceOf(Date);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('two processes on one store, with the default node ids', () => {
  it('never close each other’s sessions, and the survivor closes those of one killed with SIGKILL', async () => {
    const dir = tempDir('p2pchat-nodes-');
    const { NODE_ID: _unused, ...shared } = { ...env, DATA_DIR: dir };
    try {
      const a = await spawnServer(shared);
      started.push(a);
      const reg = await call(a, 'POST', '/api/register', newAccount('onA'));
      const client = await connected(a.url, { token: reg.body.token as string });
      const sessionId = client.socket.id ?? '';
      await settle(200); // the session record is written

      // b starts on the same store: a's session is a live node's, and stays open
      const b = await spawnServer(shared);
      started.push(b);
      const view = openEmbeddedStore({ dataDir: dir });
      const record = await view.sessions.find(sessionId);
      expect(record?.isActive).toBe(true);
      const aNode = record?.nodeId ?? '';
      expect(aNode).toMatch(/-\d+$/); // host name and process id

      a.child.kill('SIGKILL');
      await a.exited;
      client.close();
      const killedAt = Date.now();
      // b notices that a's heartbeat stopped (15 s) at its next look (every 5 s)
      let closed = await view.sessions.find(sessionId);
      while (closed?.isActive && Date.now() - killedAt < 30_000) {
        await settle(500);
        closed = await view.sessions.find(sessionId);
      }
      await view.close();
      console.log(`[nodes] the killed node's session was closed ${Date.now() - killedAt} ms later`);
      expect(closed).toMatchObject({ isActive: false, nodeId: aNode });
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

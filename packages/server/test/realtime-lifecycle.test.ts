import type { PresenceSnapshot, RelayedSignal } from '@p2pchat/sdk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';
import type { TestClient } from './clients.js';
import { connected, openClient, settle } from './clients.js';
import type { TestServer } from './helpers.js';
import { call, registered, startTestServer, tempDir } from './helpers.js';

const offer = { type: 'offer', data: { sdp: 'v=0\r\n' } };
let servers: TestServer[] = [];
let clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  for (const s of servers) await s.stop();
  servers = [];
});
async function serve(...args: Parameters<typeof startTestServer>) {
  const s = await startTestServer(...args);
  servers.push(s);
  return s;
}
async function tab(server: TestServer, token: string, opts: Parameters<typeof connected>[1] = {}) {
  const c = await connected(server.url, { token, ...opts });
  clients.push(c);
  return c;
}

describe('signal rate limits', () => {
  it('acknowledges RATE_LIMITED past the burst, then disconnects a socket that keeps flooding', async () => {
    const server = await serve(
      {},
      { realtime: { signals: { burst: 5, perSecond: 1, abuseRefusals: 20 } } },
    );
    const [alice, bob] = [await registered(server), await registered(server)];
    const a = await tab(server, alice.token);
    await tab(server, bob.token);
    const acks = await Promise.all(
      Array.from({ length: 8 }, () => a.signal({ to: bob.user.id, ...offer })),
    );
    expect(acks.slice(0, 5)).toEqual(Array(5).fill({ ok: true }));
    expect(acks[5]).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect((acks[5] as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
    for (let i = 0; i < 30; i++) a.send('signal', { to: bob.user.id, ...offer });
    expect(await a.next('session:ended')).toEqual({ reason: 'rate-limited' });
    await a.next('disconnect');
  });

  it("keeps delivering other users' signals while one user floods", async () => {
    const server = await serve();
    const [flooder, alice, bob] = [
      await registered(server),
      await registered(server),
      await registered(server),
    ];
    const f = await tab(server, flooder.token);
    const a = await tab(server, alice.token);
    const b = await tab(server, bob.token);
    const flood = Array.from({ length: 3000 }, () =>
      f.signal({ to: bob.user.id, ...offer }).catch(() => null),
    );
    const started = performance.now();
    expect(await a.signal({ to: bob.user.id, ...offer, data: { sdp: 'from-alice' } })).toEqual({
      ok: true,
    });
    const got = await b.next<RelayedSignal>(
      'signal',
      (s) => s.from.userId === alice.user.id,
      10_000,
    );
    const ms = performance.now() - started;
    const acks = await Promise.all(flood);
    const limited = acks.filter((x) => x && !x.ok && x.code === 'RATE_LIMITED').length;
    console.log(
      `[flood] alice's signal reached bob in ${ms.toFixed(1)} ms during a 3000-signal flood; ${limited} flood signals refused RATE_LIMITED`,
    );
    expect(got.data).toEqual({ sdp: 'from-alice' });
    expect(limited).toBeGreaterThan(0);
  });
});

describe('logout and token expiry', () => {
  it('disconnects every socket opened with the token at logout, and only those', async () => {
    const server = await serve();
    const alice = await registered(server);
    const other = await call(server, 'POST', '/api/login', {
      email: alice.email,
      password: alice.password,
    });
    const [t1, t2] = [await tab(server, alice.token), await tab(server, alice.token)];
    const kept = await tab(server, other.body.token as string);
    const started = performance.now();
    expect(
      (await call(server, 'POST', '/api/logout', undefined, { token: alice.token })).status,
    ).toBe(204);
    for (const t of [t1, t2]) {
      expect(await t.next('session:ended')).toEqual({ reason: 'logout' });
      await t.next('disconnect');
    }
    console.log(
      `[logout] both sockets closed ${(performance.now() - started).toFixed(1)} ms after the logout request was sent`,
    );
    await settle(200);
    expect(kept.socket.connected).toBe(true);
  });

  it('disconnects a socket when its token expires', async () => {
    const server = await serve({ TOKEN_TTL: '2s' });
    const alice = await registered(server);
    const t = await tab(server, alice.token);
    expect(await t.next('session:ended', undefined, 6000)).toEqual({ reason: 'token-expired' });
    await t.next('disconnect');
  });
});

describe('restarts and shutdown', () => {
  it('closes sessions left active by a crash when the server starts', async () => {
    const dataDir = tempDir();
    const store = openEmbeddedStore({ dataDir });
    const t0 = new Date(Date.now() - 60_000);
    await store.sessions.open({
      sessionId: 'left-by-crash',
      userId: 'u1',
      nodeId: 'test-node',
      connectedAt: t0,
      disconnectedAt: null,
      isActive: true,
    });
    await store.sessions.open({
      sessionId: 'other-node',
      userId: 'u2',
      nodeId: 'node-b',
      connectedAt: t0,
      disconnectedAt: null,
      isActive: true,
    });
    await store.sessions.open({
      sessionId: 'node-gone',
      userId: 'u3',
      nodeId: 'node-c',
      connectedAt: t0,
      disconnectedAt: null,
      isActive: true,
    });
    await store.nodes.beat('node-b', new Date()); // node-b is alive; node-c stopped beating long ago
    await store.nodes.beat('node-c', t0);
    await store.close();
    const server = await serve({ DATA_DIR: dataDir });
    expect(await server.store.sessions.find('left-by-crash')).toMatchObject({ isActive: false });
    expect(await server.store.sessions.find('other-node')).toMatchObject({ isActive: true });
    expect(await server.store.sessions.find('node-gone')).toMatchObject({ isActive: false });
    expect(server.logs.join('')).toContain('closed sessions left open by processes that stopped');
  });

  it('shuts down gracefully: not ready, sessions ended and recorded closed, store closed', async () => {
    const dataDir = tempDir();
    const server = await startTestServer({ DATA_DIR: dataDir }, { realtime: { shutdownBatch: 3 } });
    const accounts = await Promise.all(Array.from({ length: 4 }, () => registered(server)));
    const tabs = await Promise.all(
      accounts.flatMap((a) => [tab(server, a.token), tab(server, a.token)]),
    );
    const closing = server.close();
    expect((await call(server, 'GET', '/readyz').catch(() => ({ status: 503 }))).status).toBe(503);
    await closing;
    for (const t of tabs) {
      expect(t.received('session:ended')).toEqual([{ reason: 'server-shutdown' }]);
      // a transport close (not a server disconnect), which Socket.IO clients recover from by themselves
      expect(await t.next('disconnect')).toBe('transport close');
    }
    const store = openEmbeddedStore({ dataDir });
    expect(await store.sessions.listActive()).toEqual([]);
    await store.close();
  });

  it('lets clients reconnect after a restart and gives them a fresh, correct snapshot', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({ DATA_DIR: dataDir });
    const port = String(first.port);
    const [alice, bob, carol] = [
      await registered(first),
      await registered(first),
      await registered(first),
    ];
    const a = openClient(first.url, { token: alice.token, reconnection: true });
    const b = openClient(first.url, { token: bob.token, reconnection: true });
    clients.push(a, b);
    await a.next('presence:snapshot');
    await b.next('presence:snapshot');
    const c = await connected(first.url, { token: carol.token }); // carol will not come back
    clients.push(c);
    await first.close();

    const second = await serve({ DATA_DIR: dataDir, PORT: port });
    await a.next('session', undefined, 10_000);
    await b.next('session', undefined, 10_000);
    // a's fresh snapshot holds a, maybe b (if b is back already), and never carol
    const snap = await a.next<PresenceSnapshot>('presence:snapshot');
    const online = snap.users.map((u) => u.user.id);
    expect(online).toContain(alice.user.id);
    expect(online).not.toContain(carol.user.id);
    expect(snap.users.find((u) => u.user.id === alice.user.id)?.sessions).toEqual([a.socket.id]);
    // and signaling works across the restart
    await settle(200);
    expect(await a.signal({ to: bob.user.id, ...offer })).toEqual({ ok: true });
    expect((await b.next<RelayedSignal>('signal')).from.sessionId).toBe(a.socket.id);
    expect(await second.store.sessions.listActive(carol.user.id)).toEqual([]);
  });
});

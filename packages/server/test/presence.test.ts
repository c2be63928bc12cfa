import type { PresenceEntry, PresenceSnapshot } from '@p2pchat/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from './clients.js';
import { connected, settle } from './clients.js';
import type { TestServer } from './helpers.js';
import { call, registered, startTestServer } from './helpers.js';

let server: TestServer;
const open: TestClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const c of open) c.close();
  await server.stop();
});

async function client(token: string) {
  const c = await connected(server.url, { token });
  open.push(c);
  return c;
}
const ids = (snapshot: PresenceSnapshot) => snapshot.users.map((u) => u.user.id);

describe('presence', () => {
  it('sends session then a snapshot that includes yourself and everyone online', async () => {
    const a = await registered(server);
    const b = await registered(server);
    const ca = await client(a.token);
    const cb = await client(b.token);
    expect(
      cb.events
        .filter((e) => e.event !== 'connect')
        .map((e) => e.event)
        .slice(0, 2),
    ).toEqual(['session', 'presence:snapshot']);
    const [snap] = cb.received<PresenceSnapshot>('presence:snapshot');
    expect(ids(snap ?? { users: [] })).toEqual(expect.arrayContaining([a.user.id, b.user.id]));
    const bEntry = snap?.users.find((u) => u.user.id === b.user.id);
    expect(bEntry?.sessions).toEqual([cb.socket.id]);
    expect(Object.keys(bEntry?.user ?? {})).not.toContain('email');
    ca.close();
    cb.close();
  });

  it('counts presence per user: a second tab is not announced again; only the last close goes offline', async () => {
    const watcher = await client((await registered(server)).token);
    const b = await registered(server);

    const tab1 = await client(b.token);
    const online = await watcher.next<PresenceEntry>(
      'presence:online',
      (e) => e.user.id === b.user.id,
    );
    expect(online.sessions).toEqual([tab1.socket.id]);

    const tab2 = await client(b.token);
    const grown = await watcher.next<PresenceEntry>(
      'presence:update',
      (e) => e.user.id === b.user.id,
    );
    expect(grown.sessions.sort()).toEqual([tab1.socket.id, tab2.socket.id].sort());

    tab1.close();
    const shrunk = await watcher.next<PresenceEntry>(
      'presence:update',
      (e) => e.user.id === b.user.id && e.sessions.length === 1,
    );
    expect(shrunk.sessions).toEqual([tab2.socket.id]);
    await settle();
    expect(
      watcher
        .received<{ userId: string }>('presence:offline')
        .filter((o) => o.userId === b.user.id),
    ).toEqual([]);

    // someone arriving now sees b online with the one tab left
    const late = await client((await registered(server)).token);
    const [snap] = late.received<PresenceSnapshot>('presence:snapshot');
    expect(snap?.users.find((u) => u.user.id === b.user.id)?.sessions).toEqual([tab2.socket.id]);

    tab2.close();
    await watcher.next('presence:offline', (o: { userId: string }) => o.userId === b.user.id);
    await settle();
    expect(
      watcher.received<PresenceEntry>('presence:online').filter((e) => e.user.id === b.user.id),
    ).toHaveLength(1);
    expect(
      watcher
        .received<{ userId: string }>('presence:offline')
        .filter((o) => o.userId === b.user.id),
    ).toHaveLength(1);
  });

  it('pushes profile and status changes made over REST to everyone online', async () => {
    const b = await registered(server);
    const cb = await client(b.token);
    const watcher = await client((await registered(server)).token);
    const res = await call(
      server,
      'PATCH',
      '/api/profile',
      { status: 'In a meeting', displayName: 'Bea' },
      { token: b.token },
    );
    expect(res.status).toBe(200);
    for (const c of [watcher, cb]) {
      const update = await c.next<PresenceEntry>(
        'presence:update',
        (e) => e.user.id === b.user.id && e.user.status === 'In a meeting',
      );
      expect(update.user.displayName).toBe('Bea');
      expect(update.sessions).toEqual([cb.socket.id]);
    }
  });

  it('records a chat session per socket, closed when the socket goes', async () => {
    const a = await registered(server);
    const ca = await client(a.token);
    const sessionId = ca.socket.id ?? '';
    await settle(100);
    const [active] = await server.store.sessions.listActive(a.user.id);
    expect(active).toMatchObject({
      sessionId,
      userId: a.user.id,
      isActive: true,
      disconnectedAt: null,
    });
    ca.close();
    await settle();
    const closed = await server.store.sessions.find(sessionId);
    expect(closed?.isActive).toBe(false);
    expect(closed?.disconnectedAt?.getTime()).toBeGreaterThanOrEqual(
      active?.connectedAt.getTime() ?? Infinity,
    );
  });
});

import type { PresenceChanges, PresenceEntry, PresenceSnapshot } from '@p2pchat/sdk/protocol';
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

// Presence as a client hears it: each user's entries and offline notices from the batched changes.
const entriesOf = (c: TestClient, userId: string): PresenceEntry[] =>
  c
    .received<PresenceChanges>('presence:changes')
    .flatMap((ch) => ch.users)
    .filter((e) => e.user.id === userId);
const offlinesOf = (c: TestClient, userId: string): string[] =>
  c
    .received<PresenceChanges>('presence:changes')
    .flatMap((ch) => ch.offline)
    .filter((id) => id === userId);
const nextEntry = async (
  c: TestClient,
  userId: string,
  pred: (e: PresenceEntry) => boolean = () => true,
) => {
  const ch = await c.next<PresenceChanges>('presence:changes', (x) =>
    x.users.some((e) => e.user.id === userId && pred(e)),
  );
  return ch.users.find((e) => e.user.id === userId) as PresenceEntry;
};
const nextOffline = (c: TestClient, userId: string) =>
  c.next<PresenceChanges>('presence:changes', (x) => x.offline.includes(userId));

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
    const online = await nextEntry(watcher, b.user.id);
    expect(online.sessions).toEqual([tab1.socket.id]);

    const tab2 = await client(b.token);
    const grown = await nextEntry(watcher, b.user.id, (e) => e.sessions.length === 2);
    expect(grown.sessions.sort()).toEqual([tab1.socket.id, tab2.socket.id].sort());

    tab1.close();
    const shrunk = await nextEntry(
      watcher,
      b.user.id,
      (e) => e.sessions.length === 1 && e.sessions[0] === tab2.socket.id,
    );
    expect(shrunk.sessions).toEqual([tab2.socket.id]);
    await settle();
    expect(offlinesOf(watcher, b.user.id)).toEqual([]);

    // someone arriving now sees b online with the one tab left
    const late = await client((await registered(server)).token);
    const [snap] = late.received<PresenceSnapshot>('presence:snapshot');
    expect(snap?.users.find((u) => u.user.id === b.user.id)?.sessions).toEqual([tab2.socket.id]);

    tab2.close();
    await nextOffline(watcher, b.user.id);
    await settle();
    // online once (with one session, then two, then one), offline once
    expect(entriesOf(watcher, b.user.id).map((e) => e.sessions.length)).toEqual([1, 2, 1]);
    expect(offlinesOf(watcher, b.user.id)).toHaveLength(1);
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
      const update = await nextEntry(c, b.user.id, (e) => e.user.status === 'In a meeting');
      expect(update.user.displayName).toBe('Bea');
      expect(update.sessions).toEqual([cb.socket.id]);
    }
  });

  it('limits profile changes per user, and coalesces those it lets through into few presence batches', async () => {
    const b = await registered(server, 'flood');
    await client(b.token);
    const watcher = await client((await registered(server)).token);
    await settle();
    const before = watcher.received('presence:changes').length;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(server, 'PATCH', '/api/profile', { status: `status ${i}` }, { token: b.token }).then(
          (r) => statuses.push(r.status),
        ),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(10); // PROFILE_CHANGES: 10 a minute
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    await settle(500);
    const batches = watcher.received<PresenceChanges>('presence:changes').slice(before);
    const mentioning = batches.filter((ch) => ch.users.some((e) => e.user.id === b.user.id));
    expect(mentioning.length).toBeGreaterThan(0);
    expect(mentioning.length).toBeLessThan(10); // fewer batches than accepted changes
    // and the last batch holds the profile as it ended
    const final = await call(server, 'GET', '/api/profile', undefined, { token: b.token });
    const last = mentioning.at(-1)?.users.find((e) => e.user.id === b.user.id);
    expect(last?.user.status).toBe((final.body.user as { status: string }).status);
  });

  it('a crowd arriving at once: everyone ends with the whole roster, from batches rather than an event per arrival', async () => {
    const crowd = await Promise.all(Array.from({ length: 100 }, () => registered(server, 'crowd')));
    const clients = await Promise.all(crowd.map((a) => client(a.token)));
    const everyone = new Set(crowd.map((a) => a.user.id));
    // each client's view: its snapshot, then the batches after it
    const view = (c: TestClient) => {
      const online = new Set(
        ids(c.received<PresenceSnapshot>('presence:snapshot')[0] ?? { users: [] }),
      );
      for (const ch of c.received<PresenceChanges>('presence:changes')) {
        for (const e of ch.users) online.add(e.user.id);
        for (const id of ch.offline) online.delete(id);
      }
      return online;
    };
    const deadline = Date.now() + 10_000;
    while (clients.some((c) => [...everyone].some((id) => !view(c).has(id)))) {
      if (Date.now() > deadline) throw new Error('some roster never became complete');
      await settle(50);
    }
    const batches = clients.map((c) => c.received('presence:changes').length);
    console.log(
      `[presence] 100 arrivals reached each client in ${Math.min(...batches)}–${Math.max(...batches)} batches`,
    );
    expect(Math.max(...batches)).toBeLessThan(100);
    // Nothing twice: a newcomer's snapshot already holds the changes of its batch, which skips it, so each
    // arrival reaches each client once (in its snapshot or in one batch), however they fell into batches.
    const twice = clients.flatMap((c) => {
      const heard = [
        ...ids(c.received<PresenceSnapshot>('presence:snapshot')[0] ?? { users: [] }),
        ...c
          .received<PresenceChanges>('presence:changes')
          .flatMap((ch) => ch.users.map((e) => e.user.id)),
      ].filter((id) => everyone.has(id));
      return heard.filter((id, i) => heard.indexOf(id) !== i);
    });
    expect(twice).toEqual([]);
    for (const c of clients) c.close();
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

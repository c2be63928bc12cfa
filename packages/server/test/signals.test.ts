import type { PresenceChanges, RelayedSignal } from '@p2pchat/sdk/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from './clients.js';
import { connected, settle } from './clients.js';
import type { TestServer } from './helpers.js';
import { registered, startTestServer } from './helpers.js';

let server: TestServer;
let open: TestClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => {
  for (const c of open) c.close();
  open = [];
});
afterAll(async () => {
  await server.stop();
});

async function user() {
  const account = await registered(server);
  const tab = async () => {
    const c = await connected(server.url, { token: account.token });
    open.push(c);
    return c;
  };
  return { ...account, tab };
}
const offer = { type: 'offer', data: { sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } };
const signalsOf = (c: TestClient) => c.received<RelayedSignal>('signal');

describe('signal relay', () => {
  it('delivers to every tab of the target, stamped with the real sender, and to nobody else', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const a = await alice.tab();
    const [b1, b2] = [await bob.tab(), await bob.tab()];
    const c = await carol.tab();
    expect(await a.signal({ to: bob.user.id, ...offer })).toEqual({ ok: true });
    for (const b of [b1, b2]) {
      const got = await b.next<RelayedSignal>('signal');
      expect(got).toEqual({
        from: { userId: alice.user.id, username: alice.username, sessionId: a.socket.id },
        ...offer,
      });
    }
    await settle();
    expect(signalsOf(c)).toEqual([]);
    expect(signalsOf(a)).toEqual([]);
  });

  it('delivers to the one session named in toSession', async () => {
    const [alice, bob] = [await user(), await user()];
    const a = await alice.tab();
    const [b1, b2] = [await bob.tab(), await bob.tab()];
    expect(
      await a.signal({ to: bob.user.id, toSession: b2.socket.id, type: 'candidate', data: null }),
    ).toEqual({ ok: true });
    const got = await b2.next<RelayedSignal>('signal');
    expect(got).toMatchObject({ toSession: b2.socket.id, type: 'candidate', data: null });
    await settle();
    expect(signalsOf(b1)).toEqual([]);
  });

  it('ignores a sender claimed inside the payload (no spoofing)', async () => {
    const [alice, bob, victim] = [await user(), await user(), await user()];
    const a = await alice.tab();
    const b = await bob.tab();
    await a.signal({
      to: bob.user.id,
      ...offer,
      from: { userId: victim.user.id, username: victim.username, sessionId: 'forged' },
      sender: { user_id: victim.user.id },
    });
    const got = await b.next<RelayedSignal & { sender?: unknown }>('signal');
    expect(got.from).toEqual({
      userId: alice.user.id,
      username: alice.username,
      sessionId: a.socket.id,
    });
    expect(got).not.toHaveProperty('sender');
  });

  it.each([
    ['no target at all', { ...offer }],
    ['an empty target', { to: '', ...offer }],
    ['a null target', { to: null, ...offer }],
    ['a target object', { to: { $ne: null }, ...offer }],
    ['an unknown type', { to: 'x', type: 'broadcast', data: {} }],
    ['an offer without sdp', { to: 'x', type: 'offer', data: {} }],
    ['a string payload', 'hello'],
    ['null', null],
  ])(
    'refuses a signal with %s as INVALID_PAYLOAD, and no other socket receives anything',
    async (_name, payload) => {
      const [alice, bob] = [await user(), await user()];
      const a = await alice.tab();
      const b = await bob.tab();
      const ack = await a.signal(payload);
      expect(ack).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
      await settle(150);
      expect(signalsOf(b)).toEqual([]);
    },
  );

  it('answers PEER_UNAVAILABLE for an offline target, a foreign session, or only yourself', async () => {
    const [alice, bob, offline] = [await user(), await user(), await user()];
    const a = await alice.tab();
    const b = await bob.tab();
    expect(await a.signal({ to: offline.user.id, ...offer })).toMatchObject({
      ok: false,
      code: 'PEER_UNAVAILABLE',
    });
    expect(await a.signal({ to: 'no-such-user', ...offer })).toMatchObject({
      ok: false,
      code: 'PEER_UNAVAILABLE',
    });
    expect(await a.signal({ to: bob.user.id, toSession: a.socket.id, ...offer })).toMatchObject({
      ok: false,
      code: 'PEER_UNAVAILABLE',
    });
    expect(await a.signal({ to: alice.user.id, ...offer })).toMatchObject({
      ok: false,
      code: 'PEER_UNAVAILABLE',
    });
    await settle(150);
    expect(signalsOf(b)).toEqual([]);
  });

  it('lets a user signal their own other tab', async () => {
    const alice = await user();
    const [a1, a2] = [await alice.tab(), await alice.tab()];
    expect(await a1.signal({ to: alice.user.id, ...offer })).toEqual({ ok: true });
    expect((await a2.next<RelayedSignal>('signal')).from.sessionId).toBe(a1.socket.id);
    await settle(150);
    expect(signalsOf(a1)).toEqual([]);
  });

  it('refuses an oversized signal with PAYLOAD_TOO_LARGE and stays connected', async () => {
    const [alice, bob] = [await user(), await user()];
    const a = await alice.tab();
    const b = await bob.tab();
    const ack = await a.signal({ to: bob.user.id, type: 'bye', padding: 'x'.repeat(70 * 1024) });
    expect(ack).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
    expect(await a.signal({ to: bob.user.id, ...offer })).toEqual({ ok: true });
    await b.next('signal');
  });

  it('drops the connection of a packet far beyond the limit, and the server carries on', async () => {
    const [alice, bob] = [await user(), await user()];
    const a = await alice.tab();
    const b = await bob.tab();
    a.send('signal', { to: bob.user.id, type: 'bye', padding: 'x'.repeat(1024 * 1024) });
    await a.next('disconnect');
    const again = await alice.tab();
    expect(await again.signal({ to: bob.user.id, ...offer })).toEqual({ ok: true });
    await b.next('signal');
    await settle(150);
    expect(signalsOf(b)).toHaveLength(1); // the oversized one never arrived
  });

  // Raw Socket.IO packets as a hostile client would write them: engine.io adds the message type (4), and
  // "2" is a Socket.IO EVENT; "20[" asks for an acknowledgement with id 0.
  const raw = (c: TestClient, packet: string) => c.socket.io.engine.send(packet);

  it('ignores unknown events and names such as error or __proto__: no crash, no fake disconnect, no pollution', async () => {
    const [alice, bob] = [await user(), await user()];
    const watcher = await bob.tab();
    const a = await alice.tab();
    for (const name of [
      'error',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'connection',
      'toString',
      'presence:online',
      'unknown:event',
    ]) {
      raw(a, `2${JSON.stringify([name, { to: bob.user.id, reason: 'forged' }])}`);
      raw(a, `20${JSON.stringify([name, {}])}`);
    }
    raw(
      a,
      `2${JSON.stringify(['signal', JSON.parse('{"__proto__":{"polluted":true},"to":"x","type":"bye"}')])}`,
    );
    await settle(400);
    expect(a.socket.connected).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(
      watcher
        .received<PresenceChanges>('presence:changes')
        .filter((c) => c.offline.includes(alice.user.id)),
    ).toEqual([]);
    expect(await a.signal({ to: bob.user.id, ...offer })).toEqual({ ok: true });
    expect((await watcher.next<RelayedSignal>('signal')).from.userId).toBe(alice.user.id);
  });

  it.each([
    ['the reserved name disconnect', '2["disconnect",{}]'],
    ['the reserved name connect', '2["connect"]'],
    ['the reserved name newListener', '2["newListener",{}]'],
    ['malformed JSON', '2["signal"'],
    ['an event with no name', '2[]'],
  ])(
    'closes only the connection that sends %s, cleanly, and goes on serving',
    async (_name, packet) => {
      const [alice, bob] = [await user(), await user()];
      const watcher = await bob.tab();
      const a = await alice.tab();
      raw(a, packet);
      await a.next('disconnect');
      await watcher.next<PresenceChanges>('presence:changes', (c) =>
        c.offline.includes(alice.user.id),
      );
      await settle(100);
      expect(await server.store.sessions.listActive(alice.user.id)).toEqual([]);
      const again = await alice.tab();
      expect(await again.signal({ to: bob.user.id, ...offer })).toEqual({ ok: true });
    },
  );
});

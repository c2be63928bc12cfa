import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, P2PClient, P2PError } from '../src/index.js';
import type { Harness } from './harness.js';
import { nextEvent, nodeClient, onlineUser, peerSessions, startHarness, until } from './harness.js';

let h: Harness;
let clients: P2PClient[] = [];
beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => {
  for (const c of clients) c.disconnect();
  clients = [];
});
afterAll(async () => {
  await h.stop();
});

async function user(prefix = 'u') {
  const u = await onlineUser(h.url, prefix);
  clients.push(u.client);
  const errors: P2PError[] = [];
  u.client.on('error', (e) => errors.push(e));
  return { ...u, errors };
}
const describeError = (e: P2PError) => `${e.code}: ${e.message} (${String(e.cause)})`;
const sees = (c: P2PClient, userId: string) =>
  until(() => c.users.some((u) => u.id === userId), 5000, 'presence');

describe('messaging between Node clients over real data channels', () => {
  it('chats both ways, with delivery acknowledgements and typing indicators', async () => {
    const [ada, bob] = [await user('ada'), await user('bob')];
    await sees(ada.client, bob.user.id);
    const toBob = ada.client.conversation(bob.user.id);
    const delivered = nextEvent(ada.client, 'delivered');
    const atBob = nextEvent(bob.client, 'message');
    const sent = await toBob.send('hello bob');
    expect((await delivered)[0]).toEqual({ id: sent.id, peerId: bob.user.id });
    expect(((await atBob)[0] as ChatMessage).body).toBe('hello bob');

    const atAda = nextEvent(ada.client, 'message');
    const reply = await bob.client.conversation(ada.user.id).send('hi ada ✓ — ünïcode, עברית');
    const [m] = (await atAda) as [ChatMessage];
    expect(m).toMatchObject({
      id: reply.id,
      body: 'hi ada ✓ — ünïcode, עברית',
      peerId: bob.user.id,
      from: { id: bob.user.id },
    });

    const typingOn = nextEvent(bob.client, 'typing', (t) => t.typing);
    toBob.typing(true);
    expect((await typingOn)[0]).toEqual({ userId: ada.user.id, typing: true });
    const typingOff = nextEvent(bob.client, 'typing', (t) => !t.typing);
    toBob.typing(false);
    await typingOff;

    // what the connection goes over, as a connection panel would show it
    const [path] = await toBob.connections();
    expect(path).toMatchObject({ route: 'direct', local: 'host' }); // node-datachannel reports no protocol
    const [session] = peerSessions(ada.client).filter((p) => p.state === 'open');
    expect(path?.sessionId).toBe(session?.remoteSessionId);
    expect(path?.bytesSent).toBeGreaterThan(0);
    // on loopback the round trip is well under a second: milliseconds, not seconds or microseconds
    expect(path?.rttMs).toBeGreaterThanOrEqual(0);
    expect(path?.rttMs).toBeLessThan(1000);
    expect([...ada.errors, ...bob.errors].map(describeError)).toEqual([]);
  });

  it('gives one working connection and no error when both sides start at the same moment (glare)', async () => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = [await user('glareA'), await user('glareB')];
      await sees(a.client, b.user.id);
      await sees(b.client, a.user.id);
      const [x, y] = await Promise.all([
        a.client.conversation(b.user.id).send(`from a ${round}`),
        b.client.conversation(a.user.id).send(`from b ${round}`),
      ]);
      expect(x.body).toBe(`from a ${round}`);
      expect(y.body).toBe(`from b ${round}`);
      await new Promise((r) => setTimeout(r, 200));
      const open = (c: P2PClient) => peerSessions(c).filter((p) => p.state === 'open');
      expect(open(a.client)).toHaveLength(1);
      expect(open(b.client)).toHaveLength(1);
      expect([...a.errors, ...b.errors].map(describeError)).toEqual([]);
    }
  });

  it('opens one connection for several messages sent at once to someone not yet connected', async () => {
    const [ada, bob] = [await user('burstA'), await user('burstB')];
    await sees(ada.client, bob.user.id);
    const chat = ada.client.conversation(bob.user.id);
    const sent = await Promise.all(['one', 'two', 'three'].map((body) => chat.send(body)));
    await until(() => chat.pending.length === 0, 5000, 'all three acknowledged');
    expect(sent.map((m) => m.body)).toEqual(['one', 'two', 'three']);
    expect(peerSessions(ada.client).filter((p) => p.remoteUserId === bob.user.id)).toHaveLength(1);
    expect(peerSessions(bob.client).filter((p) => p.state === 'open')).toHaveLength(1);
    expect([...ada.errors, ...bob.errors].map(describeError)).toEqual([]);
  });

  it('holds many conversations at once', async () => {
    const hub = await user('hub');
    const others = await Promise.all([user('p1'), user('p2'), user('p3')]);
    for (const o of others) await sees(hub.client, o.user.id);
    const results = await Promise.all(
      others.map((o, i) => hub.client.conversation(o.user.id).send(`hi ${i}`)),
    );
    expect(results.map((r) => r.body)).toEqual(['hi 0', 'hi 1', 'hi 2']);
    const replies = await Promise.all(
      others.map((o, i) => o.client.conversation(hub.user.id).send(`back ${i}`)),
    );
    expect(replies).toHaveLength(3);
  });

  it('delivers a message to every open tab of the recipient, once each', async () => {
    const ada = await user('ada');
    const bob = await user('bob');
    const bobTab2 = nodeClient(h.url);
    clients.push(bobTab2);
    await bobTab2.login({ email: bob.account.email, password: bob.account.password });
    await bobTab2.connect();
    await until(
      () => ada.client.users.find((u) => u.id === bob.user.id)?.sessions.length === 2,
      5000,
      'two tabs',
    );
    const got1: ChatMessage[] = [];
    const got2: ChatMessage[] = [];
    bob.client.on('message', (m) => got1.push(m));
    bobTab2.on('message', (m) => got2.push(m));
    const sent = await ada.client.conversation(bob.user.id).send('to all your tabs');
    await until(() => got1.length === 1 && got2.length === 1, 10_000, 'both tabs to receive');
    expect(got1[0]?.id).toBe(sent.id);
    expect(got2[0]?.id).toBe(sent.id);
    await new Promise((r) => setTimeout(r, 300));
    expect([got1.length, got2.length]).toEqual([1, 1]);
  });

  it('reports a peer that leaves (closes its tab) within a few seconds', async () => {
    const [ada, bob] = [await user('ada'), await user('bob')];
    await sees(ada.client, bob.user.id);
    await ada.client.conversation(bob.user.id).send('are you there?');
    const closed = nextEvent(
      ada.client,
      'peer',
      (p) => p.userId === bob.user.id && p.state === 'closed',
      5000,
    );
    const offline = nextEvent(ada.client, 'presence:offline', (id) => id === bob.user.id, 5000);
    const started = Date.now();
    bob.client.disconnect();
    await closed;
    await offline;
    console.log(
      `[leave] peer reported closed ${Date.now() - started} ms after the other side left`,
    );
    expect(ada.client.conversation(bob.user.id).state).toBe('idle');
    // a message now waits in the outbox, and the caller is told so at once
    await expect(ada.client.conversation(bob.user.id).send('hello?')).resolves.toMatchObject({
      status: 'pending',
    });
  });

  it('keeps a message to an offline user as pending; refuses an empty message or one too long', async () => {
    const [ada, ghost] = [await user('ada'), await user('ghost')];
    ghost.client.disconnect();
    await until(() => !ada.client.users.some((u) => u.id === ghost.user.id), 5000, 'ghost offline');
    const chat = ada.client.conversation(ghost.user.id);
    const boo = await chat.send('boo');
    expect(boo.status).toBe('pending');
    expect(chat.pending.map((m) => m.body)).toEqual(['boo']);
    expect(await chat.connections()).toEqual([]); // nothing open: nothing to show
    await expect(chat.send('   ')).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    // the limit is 32 KiB of UTF-8, whatever the script: refused at send(), never stored
    for (const body of ['x'.repeat(32_769), '語'.repeat(10_923), '😀'.repeat(8_193)]) {
      await expect(chat.send(body)).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
      await expect(chat.edit(boo.id, body)).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    }
    // within the byte limit, but too big for a frame once JSON escapes it: refused, and never stored
    for (const body of ['\u0001'.repeat(16_000), '\u001f\u0002'.repeat(5_500)]) {
      await expect(chat.send(body)).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
      await expect(chat.edit(boo.id, body)).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    }
    // what does fit goes: 10,922 characters of three-byte text are 32,766 bytes
    const wide = await chat.send('語'.repeat(10_922));
    expect(wide.status).toBe('pending');
    expect(chat.pending.map((m) => m.body.length)).toEqual([3, 10_922]);
    expect((await chat.history()).messages.map((m) => m.body.slice(0, 3))).toEqual([
      '語語語',
      'boo',
    ]);
  });
});

// TURN credentials that last a second (TURN_TTL=1), which the client renews ahead of expiry, and a slow
// network: a connection made while a renewal is under way waits for it. That wait took longer than the rest
// of send(), and the second wait for the connection (kick(), after the message was saved) came while the
// first was still being made: it found no connection yet and failed at once with CONNECTION_FAILED.
describe('messaging while the ICE servers are slow to come', () => {
  let slow: Harness;
  beforeAll(async () => {
    slow = await startHarness({
      TURN_URLS: 'turn:127.0.0.1:9',
      TURN_SECRET: 'a-secret-of-sixteen-or-more',
      TURN_TTL: '1',
    });
  });
  afterAll(async () => {
    await slow.stop();
  });

  it.each([300, 1500])('sends the first message while they take %i ms to come', async (delayMs) => {
    let fetchStarted = () => {};
    const slowIce: typeof fetch = async (input, init) => {
      if (String(input).includes('/api/ice-servers')) {
        fetchStarted();
        await new Promise((r) => setTimeout(r, delayMs));
      }
      return fetch(input, init);
    };
    const ada = await onlineUser(slow.url, 'slowIceA', { fetch: slowIce });
    const bob = await onlineUser(slow.url, 'slowIceB');
    clients.push(ada.client, bob.client);
    const errors: P2PError[] = [];
    ada.client.on('error', (e) => errors.push(e));
    await sees(ada.client, bob.user.id);
    // the client renews the short-lived credentials ahead of expiry: once a renewal is under way, the
    // next connection has to wait for it
    await new Promise<void>((r) => (fetchStarted = r));
    const atBob = nextEvent(bob.client, 'message');
    const sent = await ada.client.conversation(bob.user.id).send('through a slow network');
    expect(((await atBob)[0] as ChatMessage).body).toBe(sent.body);
    expect(errors.map(describeError)).toEqual([]);
  });
});

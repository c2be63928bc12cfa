import { describe, expect, it } from 'vitest';
import type { ClientOptions, ConversationRequest, P2PClient } from '../src/index.js';
import { memoryPreferences } from '../src/index.js';
import {
  nextEvent,
  nodeClient,
  onlineUser,
  peerSessions,
  startHarness,
  until,
  useHarness,
} from './harness.js';

const harness = useHarness();
const clients = harness.clients;

// The default policy (contacts), as an application gets it.
async function user(prefix: string, options: Partial<ClientOptions> = {}) {
  const u = await onlineUser(harness.h.url, prefix, { reach: {}, ...options });
  clients.push(u.client);
  return u;
}

// Every signal a client receives, by type.
function signalsAt(client: P2PClient): string[] {
  const types: string[] = [];
  const signaling = (
    client as unknown as { signaling: { on(e: 'signal', f: (s: { type: string }) => void): void } }
  ).signaling;
  signaling.on('signal', (s) => types.push(s.type));
  return types;
}

describe('who can reach you', () => {
  it('holds a stranger as a request by default: nothing answered, no candidate sent, until accepted', async () => {
    const [ada, bob] = [await user('ada'), await user('bob')];
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    const atAda = signalsAt(ada.client);
    const requested = nextEvent(bob.client, 'request');
    const sending = ada.client.conversation(bob.user.id).send('may I?');
    const [request] = (await requested) as [ConversationRequest];
    expect(request).toMatchObject({ userId: ada.user.id, username: ada.account.username });
    expect(bob.client.requests.map((r) => r.userId)).toEqual([ada.user.id]);
    await until(
      () => ada.client.conversation(bob.user.id).state === 'requested',
      5000,
      'requested',
    );
    await new Promise((r) => setTimeout(r, 500));
    // bob's side said only "hold": no answer, no candidate, so ada learned none of his addresses
    expect(atAda).toEqual(['hold']);
    expect(peerSessions(bob.client)).toHaveLength(0);

    const atBob = nextEvent(bob.client, 'message');
    bob.client.accept(ada.user.id);
    await expect(sending).resolves.toMatchObject({ status: 'delivered' });
    expect((await atBob)[0]).toMatchObject({ body: 'may I?' });
    expect(bob.client.requests).toEqual([]);
    expect(bob.client.contacts).toContain(ada.user.id);
    // ada wrote first, so bob is her contact: his replies need no acceptance
    expect(ada.client.contacts).toContain(bob.user.id);
  });

  it('answers contacts at once, and remembers them across a new client on the same preferences', async () => {
    const preferences = memoryPreferences();
    const bob = await user('bob', { preferences });
    const ada = await user('ada', { reach: { policy: 'anyone' } });
    await until(() => bob.client.users.some((u) => u.id === ada.user.id));
    // bob writes first, so ada becomes his contact
    expect((await bob.client.conversation(ada.user.id).send('I write first')).status).toBe(
      'delivered',
    );
    // a reload of bob's page: same storage, new client
    bob.client.disconnect();
    const again = nodeClient(harness.h.url, { reach: {}, preferences });
    clients.push(again);
    await again.login({ email: bob.account.email, password: bob.account.password });
    await again.connect();
    await until(() => ada.client.users.some((u) => u.id === bob.user.id && u.sessions.length > 0));
    const requests: ConversationRequest[] = [];
    again.on('request', (r) => requests.push(r));
    const sent = await ada.client.conversation(bob.user.id).send('no need to ask');
    expect(sent.status).toBe('delivered');
    expect(requests).toEqual([]);
  });

  it('tells a declined user so, and declines them again without asking', async () => {
    const [ada, bob] = [await user('ada'), await user('bob')];
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    bob.client.on('request', (r) => bob.client.decline(r.userId));
    await expect(ada.client.conversation(bob.user.id).send('hello?')).rejects.toMatchObject({
      code: 'PEER_DECLINED',
    });
    const asked: ConversationRequest[] = [];
    bob.client.on('request', (r) => asked.push(r));
    await expect(ada.client.conversation(bob.user.id).send('again?')).rejects.toMatchObject({
      code: 'PEER_DECLINED',
    });
    expect(asked).toEqual([]);
  });

  it('ignores a blocked user silently: no request, no answer', async () => {
    const [ada, bob] = [await user('ada'), await user('bob')];
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    bob.client.block(ada.user.id);
    const asked: ConversationRequest[] = [];
    bob.client.on('request', (r) => asked.push(r));
    const atAda = signalsAt(ada.client);
    void ada.client
      .conversation(bob.user.id)
      .send('anyone there?')
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500));
    expect(asked).toEqual([]);
    expect(atAda).toEqual([]);
    expect(peerSessions(bob.client)).toHaveLength(0);
  });

  it('asks for everyone under the "ask" policy, contacts included', async () => {
    const [ada, bob] = [await user('ada'), await user('bob', { reach: { policy: 'ask' } })];
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    expect(bob.client.connectionPolicy).toBe('ask');
    const requested = nextEvent(bob.client, 'request');
    void ada.client
      .conversation(bob.user.id)
      .send('hi')
      .catch(() => undefined); // closed at the end of the test
    await requested;
    bob.client.connectionPolicy = 'anyone';
    expect(bob.client.connectionPolicy).toBe('anyone');
  });
});

describe('the connection lifecycle', () => {
  it('opens one socket for concurrent connect() calls, and the others never see the user flap', async () => {
    const watcher = await user('watch');
    const c = nodeClient(harness.h.url);
    clients.push(c);
    const tag = `once${process.pid}${Date.now() % 1000}`;
    const me = await c.register({
      username: tag,
      email: `${tag}@example.test`,
      password: `pw-${tag}-x`,
    });
    const seen: string[] = [];
    watcher.client.on('presence:online', (u) => u.id === me.id && seen.push('online'));
    watcher.client.on('presence:offline', (id) => id === me.id && seen.push('offline'));
    const [a, b, d] = await Promise.all([c.connect(), c.connect(), c.connect()]);
    expect(new Set([a.sessionId, b.sessionId, d.sessionId]).size).toBe(1);
    expect((await c.connect()).sessionId).toBe(a.sessionId);
    await new Promise((r) => setTimeout(r, 300));
    expect(harness.h.server.realtime.roster.sessionCount(me.id)).toBe(1);
    expect(seen).toEqual(['online']);
  });

  it('settles connect() with TOO_MANY_SESSIONS when the server ends the session at once, and stops', async () => {
    const capped = await startHarness({ SESSIONS_PER_USER: '1' });
    try {
      const first = await onlineUser(capped.url, 'cap');
      clients.push(first.client);
      const second = nodeClient(capped.url);
      clients.push(second);
      await second.login({ email: first.account.email, password: first.account.password });
      const states: string[] = [];
      second.on('connection', (s) => states.push(s));
      await expect(second.connect()).rejects.toMatchObject({ code: 'TOO_MANY_SESSIONS' });
      await new Promise((r) => setTimeout(r, 2500));
      expect(second.connectionState).toBe('disconnected');
      expect(states.filter((s) => s === 'connecting')).toHaveLength(1); // no reconnection loop
    } finally {
      await capped.stop();
    }
  });

  it('settles connect() with a code when the server is shutting down, and does not loop', async () => {
    const closing = await startHarness();
    const c = nodeClient(closing.url);
    clients.push(c);
    const tag = `down${process.pid}${Date.now() % 1000}`;
    await c.register({ username: tag, email: `${tag}@example.test`, password: `pw-${tag}-x` });
    const stopping = closing.stop();
    const started = Date.now();
    const outcome = await c.connect().then(
      () => 'connected',
      (err: { code?: string }) => err.code,
    );
    await stopping;
    expect(['UNAVAILABLE', 'NETWORK']).toContain(outcome);
    expect(Date.now() - started).toBeLessThan(15_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(c.connectionState).toBe('disconnected');
  });
});

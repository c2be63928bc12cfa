import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasCoturn, startCoturn } from '../../../test-support/coturn.mjs';
import type { Coturn } from '../../../test-support/coturn.mjs';
import type { ChatMessage, ClientOptions, P2PClient, P2PError } from '../src/index.js';
import { selectedPath } from '../src/index.js';
import type { Harness } from './harness.js';
import { onlineUser, peerSessions, startHarness, until } from './harness.js';

// Real coturn, real node-datachannel: relay-only connections, refused credentials, renewal, and a relay
// that dies in the middle of a conversation.
const coturn = hasCoturn();
if (!coturn)
  console.warn('relay tests skipped: coturn (turnserver) is not installed; .ci/run installs it');

let turn: Coturn;
const clients: P2PClient[] = [];
const harnesses: Harness[] = [];

beforeAll(async () => {
  if (coturn) turn = await startCoturn();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.stop()));
  await turn?.stop();
});

async function server(env: Record<string, string> = {}) {
  const h = await startHarness({ TURN_URLS: turn.url, TURN_SECRET: turn.secret, ...env });
  harnesses.push(h);
  return h;
}

async function user(h: Harness, prefix: string, options: Partial<ClientOptions> = {}) {
  const u = await onlineUser(h.url, prefix, options);
  clients.push(u.client);
  const errors: P2PError[] = [];
  u.client.on('error', (e) => errors.push(e));
  return { ...u, errors };
}

async function pathOf(client: P2PClient, userId: string) {
  const peer = peerSessions(client).find((p) => p.remoteUserId === userId && p.state === 'open');
  if (!peer) throw new Error('no open connection');
  return selectedPath(peer.pc);
}

// Every candidate a client is told about by signaling: trickled ones, and those inside descriptions.
function candidatesAt(client: P2PClient): string[] {
  const candidates: string[] = [];
  type Relayed = { type: string; data: unknown };
  const signaling = (
    client as unknown as { signaling: { on(e: 'signal', f: (s: Relayed) => void): void } }
  ).signaling;
  signaling.on('signal', (s) => {
    if (s.type === 'candidate' && s.data)
      candidates.push((s.data as { candidate: string }).candidate);
    if (s.type === 'offer' || s.type === 'answer')
      for (const line of (s.data as { sdp: string }).sdp.split(/\r?\n/))
        if (line.startsWith('a=candidate:')) candidates.push(line);
  });
  return candidates;
}

function received(client: P2PClient): string[] {
  const bodies: string[] = [];
  client.on('message', (m: ChatMessage) => bodies.push(m.body));
  return bodies;
}

describe.skipIf(!coturn)('TURN and relay-only mode (Node, coturn)', () => {
  it('connects through the relay only when the server requires it, and data flows through coturn', async () => {
    const h = await server({ RELAY_ONLY: 'on' });
    const [ada, bob] = [await user(h, 'ada'), await user(h, 'bob')];
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    const atBob = received(bob.client);
    const sent = await ada.client.conversation(bob.user.id).send('through the relay');
    expect(sent.status).toBe('delivered');
    expect(ada.client.relayOnly).toBe(true);
    await until(() => atBob.includes('through the relay'));
    for (const [me, them] of [
      [ada, bob],
      [bob, ada],
    ] as const) {
      const path = await pathOf(me.client, them.user.id);
      expect(path?.local).toEqual({ type: 'relay', address: turn.relayIp });
      expect(path?.remote).toEqual({ type: 'relay', address: turn.relayIp });
      const [info] = await me.client.conversation(them.user.id).connections();
      expect(info).toMatchObject({ route: 'relay', local: 'relay', remote: 'relay' });
    }
    // coturn itself saw both users allocate (usernames are "<expiry>:<userId>")
    expect(turn.log).toContain(`:${ada.user.id}>`);
    expect(turn.log).toContain(`:${bob.user.id}>`);
    expect([...ada.errors, ...bob.errors].map((e) => e.code)).toEqual([]);
  });

  it('keeps host addresses from the peer when one client asks for relay-only itself', async () => {
    const h = await server();
    const ada = await user(h, 'ada', { relayOnly: true });
    const bob = await user(h, 'bob');
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    // what bob's side is told about ada
    const candidates = candidatesAt(bob.client);
    await ada.client.conversation(bob.user.id).send('hi');
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.filter((c) => !/ typ relay/.test(c))).toEqual([]);
    expect((await pathOf(ada.client, bob.user.id))?.local.type).toBe('relay');
  });

  it('answers a stranger at once over relays only when the policy says "relay"', async () => {
    const h = await server();
    const ada = await user(h, 'ada');
    const bob = await user(h, 'bob', { reach: { policy: 'contacts', strangers: 'relay' } });
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    const fromBob = candidatesAt(ada.client);
    const sent = await ada.client.conversation(bob.user.id).send('no request needed');
    expect(sent.status).toBe('delivered');
    expect(bob.client.requests).toEqual([]);
    expect(fromBob.length).toBeGreaterThan(0);
    expect(fromBob.filter((c) => !/ typ relay/.test(c))).toEqual([]);
    expect((await pathOf(bob.client, ada.user.id))?.local).toEqual({
      type: 'relay',
      address: turn.relayIp,
    });
  });

  it.each([
    [
      'a wrong credential',
      () => ({ username: `${Math.floor(Date.now() / 1000) + 3600}:x`, credential: 'wrong' }),
    ],
    [
      'expired credentials',
      () => {
        const username = `${Math.floor(Date.now() / 1000) - 60}:x`;
        return {
          username,
          credential: createHmac('sha1', turn.secret).update(username).digest('base64'),
        };
      },
    ],
  ])('ends in RELAY_FAILED, not a hang, with %s', async (_name, creds) => {
    const h = await server();
    const iceServers = [{ urls: turn.url, ...creds() }];
    const ada = await user(h, 'ada', { relayOnly: true, iceServers });
    const bob = await user(h, 'bob');
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    const started = Date.now();
    await expect(ada.client.conversation(bob.user.id).send('hello?')).rejects.toMatchObject({
      code: 'RELAY_FAILED',
    });
    console.log(
      `[relay] refused credentials reported as RELAY_FAILED after ${Date.now() - started} ms`,
    );
    expect(ada.errors.map((e) => e.code)).toContain('RELAY_FAILED');
  });

  it('renews TURN credentials before they expire, on both sides, and the conversation outlives them', async () => {
    const h = await server({ RELAY_ONLY: 'on', TURN_TTL: '6' });
    const fetches = { ada: 0, bob: 0 };
    const counting = (who: 'ada' | 'bob'): Partial<ClientOptions> => ({
      fetch: (url, init) => {
        if (url.endsWith('/api/ice-servers')) fetches[who] += 1;
        return fetch(url, init);
      },
    });
    const ada = await user(h, 'ada', counting('ada'));
    const bob = await user(h, 'bob', counting('bob'));
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    const atBob = received(bob.client);
    await ada.client.conversation(bob.user.id).send('at the start');
    const firstUsernames = new Set(turn.log.match(/username=<\d+:[^>]+>/g));
    // three lifetimes of the credentials
    await new Promise((r) => setTimeout(r, 18_000));
    const late = await ada.client.conversation(bob.user.id).send('after three lifetimes');
    await until(() => atBob.includes('after three lifetimes'), 20_000, 'the late message');
    expect(late.status).toBe('delivered');
    expect(fetches.ada).toBeGreaterThanOrEqual(3);
    expect(fetches.bob).toBeGreaterThanOrEqual(3);
    // the connection moved to allocations made with the new credentials, on both sides
    const later = (turn.log.match(/username=<\d+:[^>]+>/g) ?? []).filter(
      (u) => !firstUsernames.has(u),
    );
    expect(later.some((u) => u.includes(ada.user.id))).toBe(true);
    expect(later.some((u) => u.includes(bob.user.id))).toBe(true);
    expect((await pathOf(ada.client, bob.user.id))?.local.type).toBe('relay');
    expect(atBob.filter((b) => b === 'at the start')).toHaveLength(1);
  });

  it('rides out a relay that dies mid-conversation: reconnecting, then every message once, in order', async () => {
    const h = await server({ RELAY_ONLY: 'on' });
    const [ada, bob] = [await user(h, 'ada'), await user(h, 'bob')];
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    const atBob = received(bob.client);
    const chat = ada.client.conversation(bob.user.id);
    await chat.send('before');
    const states: string[] = [];
    chat.on('state', (s) => states.push(s));

    await turn.kill();
    const cut = Date.now();
    const during = ['one', 'two', 'three'].map((b) => chat.send(`during ${b}`));
    await until(() => states.includes('reconnecting'), 20_000, 'the drop to be noticed');
    console.log(`[relay] path loss noticed after ${Date.now() - cut} ms`);
    expect(chat.pending.map((m) => m.body)).toEqual(['during one', 'during two', 'during three']);
    await turn.start();
    const back = Date.now();
    await until(() => atBob.length === 4, 45_000, 'the messages after the relay came back');
    console.log(`[relay] delivered ${Date.now() - back} ms after the relay came back`);
    const results = await Promise.all(during);
    expect(results.every((r) => r.status === 'delivered' || r.status === 'pending')).toBe(true);
    await until(() => chat.pending.length === 0, 10_000, 'acknowledgements');
    await new Promise((r) => setTimeout(r, 500)); // any duplicate would arrive by now
    expect(atBob).toEqual(['before', 'during one', 'during two', 'during three']);
    expect(chat.state).toBe('open');
    const next = await chat.send('after');
    expect(next.status).toBe('delivered');
    await until(() => atBob.length === 5);
    expect(atBob.at(-1)).toBe('after');
  });
});

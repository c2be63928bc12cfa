import { describe, expect, it } from 'vitest';
import type { ClientOptions, P2PClient, StoredMessage } from '../src/index.js';
import { memoryMessageStore } from '../src/index.js';
import { nodeClient, onlineUser, peerSessions, until, useHarness } from './harness.js';

// Own-device sync with real clients, a real server and node-datachannel: a user's sessions connect to each
// other peer to peer, catch up with what they missed, and mirror every change.
const harness = useHarness();
const clients = harness.clients;

type Account = Awaited<ReturnType<typeof onlineUser>>['account'];

async function person(prefix: string, options: Partial<ClientOptions> = {}) {
  const history = memoryMessageStore();
  const u = await onlineUser(harness.h.url, prefix, { history, ...options });
  clients.push(u.client);
  return { ...u, history };
}

/** The same account, logged in on another device with a history of its own. */
async function anotherDevice(account: Account, options: Partial<ClientOptions> = {}) {
  const history = memoryMessageStore();
  const client = nodeClient(harness.h.url, { history, ...options });
  clients.push(client);
  await client.login({ email: account.email, password: account.password });
  await client.connect();
  return { client, history };
}

async function bodiesWith(client: P2PClient, peerId: string): Promise<string[]> {
  const page = await client.conversation(peerId).history({ limit: 100 });
  return page.messages.map((m) => m.body).reverse();
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sameList = (a: string[], b: string[]) => JSON.stringify(a) === JSON.stringify(b);

describe('own-device sync', () => {
  it('a second device catches up with the conversation, and both stay in step after that', async () => {
    const [ada, bob] = [await person('ada'), await person('bob')];
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    await ada.client.conversation(bob.user.id).send('one');
    await bob.client.conversation(ada.user.id).send('two');
    await eventually('two at ada', async () =>
      sameList(await bodiesWith(ada.client, bob.user.id), ['one', 'two']),
    );

    const laptop = await anotherDevice(ada.account);
    await eventually('the catch-up', async () =>
      sameList(await bodiesWith(laptop.client, bob.user.id), ['one', 'two']),
    );
    const caught = (await laptop.client.conversation(bob.user.id).history()).messages;
    expect(caught.map((m) => [m.body, m.direction])).toEqual([
      ['two', 'in'],
      ['one', 'out'],
    ]);
    expect((await laptop.client.conversationList())[0]?.unread).toBe(1);

    // live: what one device sends, edits or reads shows on the other
    const three = await ada.client.conversation(bob.user.id).send('three');
    await eventually('three on the laptop', async () =>
      Boolean(await laptop.history.get(bob.user.id, three.id)),
    );
    await laptop.client.conversation(bob.user.id).edit(three.id, 'three (edited)');
    await eventually('the edit on the phone', async () =>
      sameList(await bodiesWith(ada.client, bob.user.id), ['one', 'two', 'three (edited)']),
    );
    await eventually('the edit at bob', async () =>
      sameList(await bodiesWith(bob.client, ada.user.id), ['one', 'two', 'three (edited)']),
    );
    await bob.client.conversation(ada.user.id).send('four');
    await eventually('four on both of ada’s devices', async () => {
      const [phone, lap] = [
        await bodiesWith(ada.client, bob.user.id),
        await bodiesWith(laptop.client, bob.user.id),
      ];
      return phone.at(-1) === 'four' && lap.at(-1) === 'four';
    });
    expect((await ada.client.conversationList())[0]?.unread).toBe(2);
    await laptop.client.conversation(bob.user.id).markRead();
    await eventually('read on the laptop clears the phone’s unread count', async () => {
      return (await ada.client.conversationList())[0]?.unread === 0;
    });
    // each message once, on every device
    for (const c of [ada.client, laptop.client])
      expect(await bodiesWith(c, bob.user.id)).toEqual(['one', 'two', 'three (edited)', 'four']);
  });

  it('two tabs sharing one store (one browser) each hear of a message once and show each other’s edits', async () => {
    const [ada, bob] = [await person('ada'), await person('bob')];
    const tab2 = nodeClient(harness.h.url, { history: ada.history }); // the same store, as IndexedDB is per origin
    clients.push(tab2);
    await tab2.login({ email: ada.account.email, password: ada.account.password });
    await tab2.connect();
    await until(
      () => peerSessions(tab2).some((p) => p.remoteUserId === ada.user.id && p.state === 'open'),
      15_000,
    );
    await until(() => bob.client.users.find((u) => u.id === ada.user.id)?.sessions.length === 2);
    const heard = { tab1: [] as string[], tab2: [] as string[] };
    ada.client.on('message', (m) => heard.tab1.push(m.body));
    tab2.on('message', (m) => heard.tab2.push(m.body));
    const changedInTab2: string[] = [];
    tab2.on('changed', (m) => changedInTab2.push(m.body));

    await bob.client.conversation(ada.user.id).send('to both tabs');
    await until(() => heard.tab1.length === 1 && heard.tab2.length === 1, 15_000, 'both tabs');
    const mine = await ada.client.conversation(bob.user.id).send('from tab one');
    await ada.client.conversation(bob.user.id).edit(mine.id, 'from tab one, edited');
    await until(
      () => changedInTab2.includes('from tab one, edited'),
      15_000,
      'the edit in tab two',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toEqual({ tab1: ['to both tabs'], tab2: ['to both tabs'] });
    expect((await ada.client.conversationList())[0]?.unread).toBe(1); // counted once in the shared store
  });

  it('hands an undelivered message to the device that meets the recipient: delivered once', async () => {
    const ada = await person('ada');
    const bob = await person('bob');
    const bobAccount = bob.account;
    bob.client.disconnect(); // bob is offline
    await until(() => !ada.client.users.some((u) => u.id === bob.user.id));
    const laptop = await anotherDevice(ada.account);
    await until(() => peerSessions(laptop.client).some((p) => p.state === 'open'), 15_000);
    const sent = await ada.client.conversation(bob.user.id).send('while you were away');
    expect(sent.status).toBe('pending');
    await eventually('the pending message on the laptop', async () => {
      const m = await laptop.history.get(bob.user.id, sent.id);
      return m?.status === 'pending';
    });
    ada.client.disconnect(); // the phone goes away before bob is back

    const bobAgain = await anotherDevice(bobAccount);
    await eventually('delivery by the laptop', async () =>
      sameList(await bodiesWith(bobAgain.client, ada.user.id), ['while you were away']),
    );
    await eventually('delivered on the laptop', async () => {
      return (await laptop.history.get(bob.user.id, sent.id))?.status === 'delivered';
    });
    await new Promise((r) => setTimeout(r, 500)); // any duplicate would arrive by now
    expect(await bodiesWith(bobAgain.client, ada.user.id)).toEqual(['while you were away']);
  });

  it('catches up only within the horizon', async () => {
    const day = 24 * 60 * 60 * 1000;
    const [ada, bob] = [await person('ada', { syncHorizon: day }), await person('bob')];
    const old: StoredMessage = {
      id: 'old-one',
      peerId: bob.user.id,
      fromId: ada.user.id,
      fromName: '',
      direction: 'out',
      body: 'from last week',
      sentAt: Date.now() - 7 * day,
      storedAt: Date.now() - 7 * day,
      status: 'delivered',
    };
    await ada.history.put(old);
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    await ada.client.conversation(bob.user.id).send('today');
    const laptop = await anotherDevice(ada.account, { syncHorizon: day });
    await eventually('the catch-up', async () =>
      sameList(await bodiesWith(laptop.client, bob.user.id), ['today']),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await laptop.history.get(bob.user.id, 'old-one')).toBeUndefined();
  });

  it('never connects a user’s sessions to each other with syncHorizon 0', async () => {
    const ada = await person('ada', { syncHorizon: 0 });
    const laptop = await anotherDevice(ada.account, { syncHorizon: 0 });
    await until(
      () => (ada.client.users.find((u) => u.id === ada.user.id)?.sessions.length ?? 0) === 2,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(peerSessions(ada.client)).toHaveLength(0);
    expect(peerSessions(laptop.client)).toHaveLength(0);
  });

  it('takes history only from the user’s own sessions, and only records of their conversations', async () => {
    const [ada, bob] = [await person('ada'), await person('bob')];
    await until(() => ada.client.users.some((u) => u.id === bob.user.id));
    await ada.client.conversation(bob.user.id).send('hello');
    const record = (over: Record<string, unknown>) => ({
      id: 'forged',
      peerId: bob.user.id,
      fromId: bob.user.id,
      fromName: 'Bob',
      direction: 'in',
      body: 'forged',
      sentAt: Date.now(),
      storedAt: Date.now(),
      changedAt: Date.now(),
      status: 'read',
      ...over,
    });
    // bob (another user) sends history records to ada: ignored, however well formed
    const fromBob = peerSessions(bob.client).find((p) => p.remoteUserId === ada.user.id);
    fromBob?.send({ t: 'sync', records: [record({ peerId: bob.user.id })] });

    // ada's own other session sends records that are not hers to hold: ignored one by one
    const laptop = await anotherDevice(ada.account);
    await until(() => peerSessions(laptop.client).some((p) => p.state === 'open'), 15_000);
    const own = peerSessions(laptop.client).find((p) => p.remoteUserId === ada.user.id);
    own?.send({
      t: 'sync',
      records: [
        record({ id: 'self-talk', peerId: ada.user.id }), // a conversation with herself
        record({ id: 'third', fromId: 'someone-else' }), // written by a third user
        record({ id: 'wrong-way', direction: 'out' }), // bob's message as if ada wrote it
        record({ id: 'huge', body: '語'.repeat(11_000) }), // 33,000 bytes: over the limit in bytes, not in characters
        record({ id: 'bad-status', status: 'seen' }),
        record({ id: 'proto', reactions: JSON.parse('{"__proto__":["x"]}') }),
        record({ id: 'valid', body: 'a real one' }),
      ],
    });
    await eventually('the valid record', async () =>
      Boolean(await ada.history.get(bob.user.id, 'valid')),
    );
    for (const id of ['forged', 'third', 'wrong-way', 'huge', 'bad-status', 'proto'])
      expect(await ada.history.get(bob.user.id, id)).toBeUndefined();
    expect(await ada.history.get(ada.user.id, 'self-talk')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { ChatMessage, MessageStore, P2PClient, StoredMessage } from '../src/index.js';
import { memoryMessageStore, memoryStorage } from '../src/index.js';
import { MAX_PER_CONVERSATION } from '../src/history/message-store.js';
import { nextEvent, nodeClient, onlineUser, peerSessions, until, useHarness } from './harness.js';

const harness = useHarness();
const clients = harness.clients;

// A person whose device keeps its session and history across "reloads" (new clients on the same stores).
async function device(prefix: string, options: { readReceipts?: boolean } = {}) {
  const storage = memoryStorage();
  const history = memoryMessageStore();
  const u = await onlineUser(harness.h.url, prefix, { storage, history, ...options });
  clients.push(u.client);
  const d = {
    ...u,
    history,
    /** The page reloads: a new client on the same storage restores the session and connects. */
    async reload(): Promise<P2PClient> {
      d.client.disconnect();
      const again = nodeClient(harness.h.url, { storage, history, ...options });
      clients.push(again);
      await again.restore();
      await again.connect();
      d.client = again;
      return again;
    },
  };
  return d;
}

const bodies = (ms: { body: string }[]) => ms.map((m) => m.body);
const online = (c: P2PClient, id: string) =>
  until(() => c.users.some((u) => u.id === id), 5000, 'presence');

describe('local history', () => {
  it('keeps the conversation across a reload, paged newest first', async () => {
    const [ada, bob] = [await device('ada'), await device('bob')];
    await online(ada.client, bob.user.id);
    for (const text of ['one', 'two', 'three'])
      await ada.client.conversation(bob.user.id).send(text);
    const atAda = nextEvent(ada.client, 'message');
    await bob.client.conversation(ada.user.id).send('four');
    await atAda;
    const again = await ada.reload();
    const first = await again.conversation(bob.user.id).history({ limit: 3 });
    expect(bodies(first.messages)).toEqual(['four', 'three', 'two']);
    expect(first.messages.map((m) => m.direction)).toEqual(['in', 'out', 'out']);
    expect(first.messages[1]?.status).toBe('delivered');
    const older = await again.conversation(bob.user.id).history({ before: first.next, limit: 3 });
    expect(bodies(older.messages)).toEqual(['one']);
    expect(older.next).toBeNull();
    // the list of conversations: most recent first, with the last message and what is unread
    const [summary] = await again.conversationList();
    expect(summary).toMatchObject({ peerId: bob.user.id, last: { body: 'four' }, unread: 1 });
    await again.conversation(bob.user.id).markRead();
    expect((await again.conversationList())[0]?.unread).toBe(0);
    expect(bodies(await again.search('TH'))).toEqual(['three']);
  });

  it('keeps two accounts of one device apart', async () => {
    const store = memoryMessageStore();
    await store.open('account-a');
    const m: StoredMessage = {
      id: 'm1',
      peerId: 'p',
      fromId: 'account-a',
      fromName: 'A',
      direction: 'out',
      body: 'secret of a',
      sentAt: Date.now(),
      storedAt: Date.now(),
      status: 'delivered',
    };
    await store.put(m);
    await store.open('account-b');
    expect((await store.page('p')).messages).toEqual([]);
    expect(await store.search('secret')).toEqual([]);
    await store.open('account-a');
    expect(bodies((await store.page('p')).messages)).toEqual(['secret of a']);
  });

  it('bounds what one conversation can make the store hold', async () => {
    const store: MessageStore = memoryMessageStore();
    await store.open('me');
    for (let i = 0; i <= MAX_PER_CONVERSATION; i++)
      await store.put({
        id: `m${i}`,
        peerId: 'flooder',
        fromId: 'flooder',
        fromName: 'F',
        direction: 'in',
        body: 'x',
        sentAt: 1_700_000_000_000,
        storedAt: 1_700_000_000_000 + i,
        status: 'delivered',
      });
    const all = await store.page('flooder', { limit: MAX_PER_CONVERSATION + 10 });
    expect(all.messages).toHaveLength(MAX_PER_CONVERSATION);
    expect(all.messages.at(-1)?.id).toBe('m1'); // the oldest went first
  });
});

describe('the offline outbox', () => {
  it('keeps edits, deletions, reactions and read receipts made while the peer was away, across a reload', async () => {
    const [ada, bob] = [await device('ada'), await device('bob')];
    await online(ada.client, bob.user.id);
    const one = await ada.client.conversation(bob.user.id).send('one');
    const two = await ada.client.conversation(bob.user.id).send('two');
    const atAda = nextEvent(ada.client, 'message');
    const three = await bob.client.conversation(ada.user.id).send('three');
    await atAda;
    bob.client.disconnect();
    await until(() => !ada.client.users.some((u) => u.id === bob.user.id), 5000, 'bob offline');
    const chat = ada.client.conversation(bob.user.id);
    await chat.edit(one.id, 'one, edited');
    await chat.delete(two.id);
    await chat.react(three.id, '👍');
    await chat.markRead();
    expect((await ada.history.pending()).map((m) => m.id).sort()).toEqual(
      [one.id, two.id, three.id].sort(),
    );
    await ada.reload(); // the changes are in her store, not in memory

    const bobAgain = nodeClient(harness.h.url, { history: bob.history });
    clients.push(bobAgain);
    await bobAgain.login({ email: bob.account.email, password: bob.account.password });
    await bobAgain.connect();
    const get = (id: string) => bob.history.get(ada.user.id, id);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [m1, m2, m3] = [await get(one.id), await get(two.id), await get(three.id)];
      if (
        m1?.body === 'one, edited' &&
        m2?.deleted &&
        m3?.reactions?.['👍'] &&
        m3.status === 'read'
      )
        break;
      if (Date.now() > deadline) throw new Error(`not caught up: ${JSON.stringify([m1, m2, m3])}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await get(three.id))?.reactions).toEqual({ '👍': [ada.user.id] });
    const left = Date.now() + 5000;
    while ((await ada.history.pending()).length > 0 && Date.now() < left)
      await new Promise((r) => setTimeout(r, 50));
    expect(await ada.history.pending()).toEqual([]); // told, so no longer kept for later
  });

  it('delivers to a recipient who was offline, in order and once, after the sender reloaded', async () => {
    const [ada, bob] = [await device('ada'), await device('bob')];
    await online(ada.client, bob.user.id);
    await ada.client.conversation(bob.user.id).send('while you were here');
    bob.client.disconnect();
    await until(() => !ada.client.users.some((u) => u.id === bob.user.id), 5000, 'bob offline');
    const a = await ada.client.conversation(bob.user.id).send('first while away');
    const b = await ada.client.conversation(bob.user.id).send('second while away');
    expect([a.status, b.status]).toEqual(['pending', 'pending']);
    // ada reloads her page before bob is back: the outbox is in her store
    const adaAgain = await ada.reload();
    expect(bodies(await ada.history.pending())).toEqual(['first while away', 'second while away']);
    const statuses: string[] = [];
    adaAgain.on('status', (s) => statuses.push(`${s.id === a.id ? 'a' : 'b'}:${s.status}`));
    // bob comes back (his page reloads too)
    const got: ChatMessage[] = [];
    const bobAgain = nodeClient(harness.h.url, { history: bob.history });
    clients.push(bobAgain);
    bobAgain.on('message', (m) => got.push(m));
    await bobAgain.login({ email: bob.account.email, password: bob.account.password });
    await bobAgain.connect();
    await until(() => got.length === 2, 20_000, 'the outbox to arrive');
    expect(bodies(got)).toEqual(['first while away', 'second while away']);
    await until(() => statuses.length === 2, 5000, 'delivery');
    expect(statuses).toEqual(['a:delivered', 'b:delivered']);
    expect(await ada.history.pending()).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(got).toHaveLength(2);
    expect(bodies((await bobAgain.conversation(ada.user.id).history()).messages)).toEqual([
      'second while away',
      'first while away',
      'while you were here',
    ]);
  });
});

describe('message features', () => {
  it('round-trips replies, reactions, edits, deletions and read receipts, and keeps them in history', async () => {
    const [ada, bob] = [await device('ada'), await device('bob')];
    await online(ada.client, bob.user.id);
    const toBob = ada.client.conversation(bob.user.id);
    const toAda = bob.client.conversation(ada.user.id);
    const q = await toBob.send('lunch?');
    const atAda = nextEvent(ada.client, 'message');
    const reply = await toAda.send('yes!', { replyTo: q.id });
    expect(((await atAda)[0] as ChatMessage).replyTo).toBe(q.id);

    const changedAtBob = (pred: (m: StoredMessage) => boolean) =>
      nextEvent(bob.client, 'changed', (m) => pred(m as StoredMessage));
    const reacted = changedAtBob((m) => m.id === q.id && (m.reactions?.['🍕']?.length ?? 0) === 1);
    await toBob.react(q.id, '🍕');
    await reacted;
    const unreacted = changedAtBob((m) => m.id === q.id && !m.reactions?.['🍕']);
    await toBob.react(q.id, '🍕'); // a second time takes it back
    await unreacted;

    const edited = changedAtBob((m) => m.id === q.id && m.body === 'lunch at 1?');
    await toBob.edit(q.id, 'lunch at 1?');
    expect((await edited)[0]).toMatchObject({ editedAt: expect.any(Number) });

    const read = nextEvent(ada.client, 'status', (s) => s.id === q.id && s.status === 'read');
    await toAda.markRead();
    await read;

    const deleted = changedAtBob((m) => m.id === q.id && m.deleted === true);
    await toBob.delete(q.id);
    await deleted;
    const atBob = (await toAda.history()).messages;
    expect(atBob.find((m) => m.id === q.id)).toMatchObject({ deleted: true, body: '' });
    expect(atBob.find((m) => m.id === reply.id)).toMatchObject({ replyTo: q.id });
    const atAdaStore = (await toBob.history()).messages.find((m) => m.id === q.id);
    expect(atAdaStore).toMatchObject({ status: 'read', deleted: true });
  });

  it('sends no read receipts when they are turned off', async () => {
    const ada = await device('ada');
    const bob = await device('bob', { readReceipts: false });
    await online(ada.client, bob.user.id);
    const m = await ada.client.conversation(bob.user.id).send('did you see this?');
    const statuses: string[] = [];
    ada.client.on('status', (s) => statuses.push(s.status));
    await bob.client.conversation(ada.user.id).markRead();
    await new Promise((r) => setTimeout(r, 500));
    expect(statuses).toEqual([]);
    expect((await ada.client.conversation(bob.user.id).history()).messages[0]).toMatchObject({
      id: m.id,
      status: 'delivered',
    });
  });

  it("does not let a peer edit or delete someone else's message, or forge a receipt", async () => {
    const [victim, mallory] = [await device('victim'), await device('mallory')];
    await online(victim.client, mallory.user.id);
    const mine = await victim.client.conversation(mallory.user.id).send('my words');
    const atVictim = nextEvent(victim.client, 'message');
    const theirs = await mallory.client.conversation(victim.user.id).send('their words');
    await atVictim;
    const raw = peerSessions(mallory.client).find((p) => p.remoteUserId === victim.user.id);
    if (!raw) throw new Error('no connection');
    const changed: StoredMessage[] = [];
    victim.client.on('changed', (m) => changed.push(m));
    const statuses: string[] = [];
    victim.client.on('status', (s) => statuses.push(`${s.id}:${s.status}`));
    const now = Date.now();
    for (const frame of [
      { t: 'edit', id: mine.id, body: 'words put in my mouth', at: now }, // not theirs to edit
      { t: 'del', id: mine.id }, // not theirs to delete
      { t: 'read', ids: ['never-sent-1', 'never-sent-2'] }, // receipts for messages that do not exist
      { t: 'edit', id: 'no-such-message', body: 'x', at: now },
      { t: 'react', id: 'no-such-message', emoji: '💣', on: true },
    ])
      raw.channel.send(JSON.stringify(frame));
    // reactions are bounded per message: 20 kinds at most
    for (let i = 0; i < 30; i++)
      raw.channel.send(JSON.stringify({ t: 'react', id: theirs.id, emoji: `e${i}`, on: true }));
    raw.channel.send(
      JSON.stringify({ t: 'edit', id: theirs.id, body: 'their words, edited', at: now }),
    );
    await until(
      () => changed.some((m) => m.body === 'their words, edited'),
      5000,
      'the legitimate edit',
    );
    const history = (await victim.client.conversation(mallory.user.id).history()).messages;
    expect(history.find((m) => m.id === mine.id)).toMatchObject({
      body: 'my words',
      status: 'delivered',
    });
    expect(history.find((m) => m.id === mine.id)?.deleted).toBeUndefined();
    expect(Object.keys(history.find((m) => m.id === theirs.id)?.reactions ?? {})).toHaveLength(20);
    expect(history).toHaveLength(2);
    expect(statuses).toEqual([]);
  });
});

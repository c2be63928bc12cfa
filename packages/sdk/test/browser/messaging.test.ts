/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { ChatMessage } from '../../src/index.js';
import { clients, createClient, memoryStorage, next, online, serverUrl, until } from './helpers.js';

describe('the SDK in Chromium', () => {
  it("chats both ways over the browser's own data channels, with acks and typing", async () => {
    const ada = await online('ada');
    const bob = await online('bob');
    await until(() => ada.client.users.some((u) => u.id === bob.user.id), 'presence');
    const atBob = next(bob.client, 'message');
    const sent = await ada.client.conversation(bob.user.id).send('hello from chromium');
    const [m] = (await atBob) as [ChatMessage];
    expect(m.id).to.equal(sent.id);
    expect(m.body).to.equal('hello from chromium');
    expect(m.from.id).to.equal(ada.user.id);

    const atAda = next(ada.client, 'message');
    await bob.client.conversation(ada.user.id).send('hi back');
    expect(((await atAda)[0] as ChatMessage).body).to.equal('hi back');

    const typing = next(bob.client, 'typing', (t) => t.typing);
    ada.client.conversation(bob.user.id).typing(true);
    expect((await typing)[0]).to.deep.equal({ userId: ada.user.id, typing: true });

    // the path, as the browser's getStats() reports it: direct, over UDP, a round trip in milliseconds
    const [path] = await ada.client.conversation(bob.user.id).connections();
    expect(path).to.include({ route: 'direct', local: 'host', protocol: 'udp' });
    expect(path?.rttMs).to.be.within(0, 1000);
    expect(path?.bytesReceived).to.be.above(0);
    expect([...ada.errors, ...bob.errors]).to.deep.equal([]);
  });

  it('survives glare: both sides start at once and get one working connection', async () => {
    const a = await online('ga');
    const b = await online('gb');
    await until(
      () =>
        a.client.users.some((u) => u.id === b.user.id) &&
        b.client.users.some((u) => u.id === a.user.id),
      'presence',
    );
    const [x, y] = await Promise.all([
      a.client.conversation(b.user.id).send('a first'),
      b.client.conversation(a.user.id).send('b first'),
    ]);
    expect([x.body, y.body]).to.deep.equal(['a first', 'b first']);
    expect([...a.errors, ...b.errors]).to.deep.equal([]);
  });

  it('drops hostile frames and keeps working', async () => {
    const victim = await online('victim');
    const mallory = await online('mallory');
    await until(() => mallory.client.users.some((u) => u.id === victim.user.id), 'presence');
    await mallory.client.conversation(victim.user.id).send('hi');
    const peers = (
      mallory.client as unknown as {
        directory: { peers: Set<{ remoteUserId: string; channel: RTCDataChannel }> };
      }
    ).directory.peers;
    const channel = [...peers].find((p) => p.remoteUserId === victim.user.id)?.channel;
    for (const bad of [
      'nope',
      '[]',
      '{"t":"msg"}',
      '{"__proto__":{"polluted":1},"t":"ack","id":"x"}',
      'x'.repeat(70000),
    ]) {
      channel?.send(bad);
    }
    await until(() => victim.errors.length >= 4, 'the garbage to be refused');
    expect(victim.errors.every((e) => e.code === 'PEER_PROTOCOL')).to.equal(true);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    const back = next(mallory.client, 'message');
    await victim.client.conversation(mallory.user.id).send('still fine');
    await back;
  });

  it('keeps the session in localStorage by default, so a reload restores it', async () => {
    localStorage.removeItem('p2pchat.session');
    const first = createClient({ server: serverUrl, reach: { policy: 'anyone' } });
    clients.push(first);
    const tag = `ls${Date.now() % 100000}`;
    const user = await first.register({
      username: tag,
      email: `${tag}@example.test`,
      password: 'a-long-password',
    });
    expect(localStorage.getItem('p2pchat.session')).to.contain(user.id);
    const reloaded = createClient({ server: serverUrl, reach: { policy: 'anyone' } });
    clients.push(reloaded);
    expect((await reloaded.restore())?.id).to.equal(user.id);
    await reloaded.logout();
    expect(localStorage.getItem('p2pchat.session')).to.equal(null);
  });

  it('keeps history in IndexedDB per account: a reload shows it, another account sees none of it', async () => {
    const ada = await online('ada');
    const bob = await online('bob');
    await until(() => ada.client.users.some((u) => u.id === bob.user.id), 'presence');
    await ada.client.conversation(bob.user.id).send('kept in indexeddb');
    const atAda = next(ada.client, 'message');
    await bob.client.conversation(ada.user.id).send('me too');
    await atAda;
    // ada's page reloads: a new client, the same browser profile
    ada.client.disconnect();
    const again = createClient({
      server: serverUrl,
      storage: memoryStorage(),
      reach: { policy: 'anyone' },
    });
    clients.push(again);
    await again.login({ email: ada.account.email, password: ada.account.password });
    const page = await again.conversation(bob.user.id).history();
    expect(page.messages.map((m) => m.body)).to.deep.equal(['me too', 'kept in indexeddb']);
    expect(page.messages.map((m) => m.status)).to.deep.equal(['delivered', 'delivered']);
    expect((await again.conversationList())[0]?.unread).to.equal(1);
    // another account in the same browser
    const carol = await online('carol');
    expect((await carol.client.conversationList()).length).to.equal(0);
    expect(await carol.client.search('indexeddb')).to.deep.equal([]);
    // logging out with forget erases it
    await again.logout({ forget: true });
    const third = createClient({ server: serverUrl, storage: memoryStorage() });
    clients.push(third);
    await third.login({ email: ada.account.email, password: ada.account.password });
    expect((await third.conversation(bob.user.id).history()).messages).to.deep.equal([]);
  });

  it('reports a peer that leaves', async () => {
    const ada = await online('ada');
    const bob = await online('bob');
    await until(() => ada.client.users.some((u) => u.id === bob.user.id), 'presence');
    await ada.client.conversation(bob.user.id).send('bye soon');
    const closed = next(
      ada.client,
      'peer',
      (p) => p.userId === bob.user.id && p.state === 'closed',
    );
    bob.client.disconnect();
    await closed;
    expect(ada.client.conversation(bob.user.id).state).to.equal('idle');
  });

  it('reconnects after a server restart and the conversation goes on', async () => {
    const ada = await online('ada');
    const bob = await online('bob');
    await until(() => ada.client.users.some((u) => u.id === bob.user.id), 'presence');
    await ada.client.conversation(bob.user.id).send('before');
    const states: string[] = [];
    ada.client.on('connection', (s) => states.push(s));
    await fetch('/p2pchat-server/restart');
    await until(() => states.includes('reconnecting'), 'the drop to be noticed');
    await until(
      () =>
        ada.client.connectionState === 'connected' && bob.client.connectionState === 'connected',
      'reconnection',
    );
    await until(() => ada.client.users.some((u) => u.id === bob.user.id), 'the roster to re-sync');
    const atBob = next(bob.client, 'message', (m) => (m as ChatMessage).body === 'after');
    await ada.client.conversation(bob.user.id).send('after');
    await atBob;
  });
});

/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { FileTransfer, IncomingFile, P2PClient, P2PError } from '@p2pchat/sdk';
import type { ReactNode } from 'react';
import type * as Bundle from './bundle.js';

// The hooks as an app uses them: React's development build in Chromium, every tree in <StrictMode> (so
// each effect runs, is cleaned up and runs again), real clients against a real server, and assertions on
// what the page shows.
const bundleUrl = '/p2pchat-react.js';
const {
  createClient,
  createElement: h,
  createRoot,
  memoryMessageStore,
  memoryPreferences,
  memoryStorage,
  StrictMode,
  useConnectionState,
  useConversation,
  useP2PClient,
  usePresence,
  useTransfers,
  useUser,
  P2PClientProvider,
} = (await import(/* @vite-ignore */ bundleUrl)) as typeof Bundle;

let serverUrl = '';
let n = 0;
const cleanups: (() => void)[] = [];

before(async () => {
  serverUrl = ((await (await fetch('/p2pchat-server.json')).json()) as { url: string }).url;
});
afterEach(() => {
  for (const undo of cleanups.splice(0).reverse()) undo();
});

function account(prefix: string) {
  n += 1;
  const tag = `${prefix}${Date.now() % 100000}_${n}`;
  return { username: tag, email: `${tag}@example.test`, password: `pw-${tag}-long` };
}

// Everything a client of one person needs, each in memory (so one test's people never meet another's).
function belongings() {
  return {
    storage: memoryStorage(),
    preferences: memoryPreferences(),
    history: memoryMessageStore(),
    reach: { policy: 'anyone' as const },
  };
}

// A person outside React, with a client of their own.
async function person(prefix: string) {
  const client = createClient({ server: serverUrl, ...belongings() });
  cleanups.push(() => client.disconnect());
  const user = await client.register(account(prefix));
  await client.connect();
  return { client, user };
}

/** Renders `node` in Strict Mode into a new part of the page; unmounted after the test. */
function render(node: ReactNode) {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  root.render(h(StrictMode, null, node));
  let mounted = true;
  const unmount = () => {
    if (!mounted) return;
    mounted = false;
    root.unmount();
    host.remove();
  };
  cleanups.push(unmount);
  return {
    host,
    rerender: (next: ReactNode) => root.render(h(StrictMode, null, next)),
    unmount,
  };
}

/** The text of the element with this `data-k` in `host` (what the user sees there). */
const shown = (host: HTMLElement, key: string) =>
  host.querySelector(`[data-k="${key}"]`)?.textContent ?? null;

async function until(check: () => boolean, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** How many sessions `userId` has, as another online client sees them. */
const sessionsOf = (watcher: P2PClient, userId: string) =>
  watcher.users.find((u) => u.id === userId)?.sessions.length ?? 0;

// A component that shows what the client hooks answer.
function Status(props: { client?: P2PClient | null }) {
  const user = useUser(props.client);
  const state = useConnectionState(props.client);
  const online = usePresence(props.client);
  return h(
    'p',
    null,
    h('span', { 'data-k': 'user' }, user?.username ?? 'nobody'),
    h('span', { 'data-k': 'state' }, state),
    h(
      'span',
      { 'data-k': 'online' },
      online
        .map((u) => u.username)
        .sort()
        .join(','),
    ),
  );
}

describe('@p2pchat/react hooks in Chromium, in Strict Mode', () => {
  it('useP2PClient: one session while mounted, a new client (the old one gone) for a new server, none after unmount', async () => {
    const watcher = await person('watch');
    // The user logged in before, on this device: the stored session is what the hook's client restores.
    const mine = belongings();
    const before = createClient({ server: serverUrl, ...mine });
    const me = await before.register(account('me'));
    before.disconnect();

    const made: P2PClient[] = [];
    function App(props: { server: string }) {
      const client = useP2PClient({ server: props.server, ...mine });
      if (client && !made.includes(client)) made.push(client);
      return client ? h(P2PClientProvider, { client }, h(Status)) : h('p', null, 'starting');
    }
    const view = render(h(App, { server: serverUrl }));
    await until(() => shown(view.host, 'state') === 'connected', 'the restored client to connect');
    expect(shown(view.host, 'user')).to.equal(me.username);
    await until(() => sessionsOf(watcher.client, me.id) === 1, 'one session');
    // Strict Mode made a client, dropped it and made another: the first one is disconnected for good.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(sessionsOf(watcher.client, me.id)).to.equal(1);
    expect(made.filter((c) => c.connectionState !== 'disconnected')).to.have.length(1);

    // The same server under another name: a new client; the old one disconnects.
    const first = made.find((c) => c.connectionState !== 'disconnected');
    view.rerender(h(App, { server: serverUrl.replace('127.0.0.1', 'localhost') }));
    await until(() => first?.connectionState === 'disconnected', 'the old client to disconnect');
    await until(() => shown(view.host, 'state') === 'connected', 'the new client to connect');
    await until(() => sessionsOf(watcher.client, me.id) === 1, 'one session again');
    expect(made.filter((c) => c.connectionState !== 'disconnected')).to.have.length(1);

    view.unmount();
    await until(() => sessionsOf(watcher.client, me.id) === 0, 'no session after unmount');
    expect(made.every((c) => c.connectionState === 'disconnected')).to.equal(true);
  });

  it('useUser, useConnectionState and usePresence follow login, people coming and going, and logout', async () => {
    const client = createClient({ server: serverUrl, ...belongings() });
    cleanups.push(() => client.disconnect());
    const view = render(h(Status, { client }));
    await until(() => shown(view.host, 'user') === 'nobody', 'the first render');
    expect(shown(view.host, 'state')).to.equal('disconnected');

    const me = await client.register(account('follow'));
    await until(() => shown(view.host, 'user') === me.username, 'the user after register');
    await client.connect();
    await until(() => shown(view.host, 'state') === 'connected', 'connected');
    await until(() => shown(view.host, 'online') === me.username, 'yourself online');

    const other = await person('other');
    const both = [me.username, other.user.username].sort().join(',');
    await until(() => shown(view.host, 'online') === both, 'the other person online');
    other.client.disconnect();
    await until(() => shown(view.host, 'online') === me.username, 'the other person gone');

    await client.logout();
    await until(() => shown(view.host, 'user') === 'nobody', 'nobody after logout');
    await until(() => shown(view.host, 'state') === 'disconnected', 'disconnected after logout');
  });

  it('useConversation: both directions with their status, the peer typing, the state, older pages, another peer', async () => {
    const ada = await person('ada');
    const bob = await person('bob');
    const cy = await person('cy');
    let view: ReturnType<typeof useConversation> | undefined;
    function Chat(props: { peerId: string }) {
      const conversation = useConversation(props.peerId, ada.client);
      view = conversation;
      return h(
        'section',
        null,
        h('span', { 'data-k': 'state' }, conversation.state),
        h('span', { 'data-k': 'typing' }, conversation.typing ? 'typing' : ''),
        h('span', { 'data-k': 'older' }, conversation.hasOlder ? 'older' : 'all'),
        h(
          'ol',
          { 'data-k': 'messages' },
          conversation.messages.map((m) =>
            h('li', { key: `${m.fromId}:${m.id}` }, `${m.direction} ${m.body} ${m.status}`),
          ),
        ),
      );
    }
    const lines = () => [...page.host.querySelectorAll('li')].map((li) => li.textContent);
    const page = render(h(Chat, { peerId: bob.user.id }));
    await until(() => shown(page.host, 'state') === 'idle', 'the first render');
    expect(lines()).to.deep.equal([]);

    // send shows the message at once, then its delivery; the peer's answer and typing show too
    const sent = await view?.send('hello bob');
    expect(lines()[0]).to.match(/^out hello bob /);
    expect(sent?.body).to.equal('hello bob');
    await until(() => /^out hello bob (delivered|read)$/.test(lines()[0] ?? ''), 'delivered');
    await until(() => shown(page.host, 'state') === 'open', 'the conversation open');
    bob.client.conversation(ada.user.id).typing(true);
    await until(() => shown(page.host, 'typing') === 'typing', 'bob typing');
    await bob.client.conversation(ada.user.id).send('hi ada');
    await until(() => lines().length === 2, "bob's answer");
    expect(lines()[1]).to.match(/^in hi ada /);
    bob.client.conversation(ada.user.id).typing(false);
    await until(() => shown(page.host, 'typing') === '', 'bob stopped typing');

    // 50 at a time, oldest first: loadOlder shows the rest
    for (let i = 0; i < 52; i += 1) await bob.client.conversation(ada.user.id).send(`m${i}`);
    await until(() => lines().at(-1)?.startsWith('in m51 ') === true, 'the last of 52');
    expect(lines()).to.have.length(50);
    expect(shown(page.host, 'older')).to.equal('older');
    view?.loadOlder();
    await until(() => lines().length === 54, 'every message after loadOlder');
    expect(lines()[0]).to.match(/^out hello bob /);
    expect(shown(page.host, 'older')).to.equal('all');

    // another peer: that conversation alone
    page.rerender(h(Chat, { peerId: cy.user.id }));
    await until(() => lines().length === 0, "cy's empty conversation");
    await cy.client.conversation(ada.user.id).send('cy here');
    await until(() => lines().length === 1, "cy's message");
    expect(lines()[0]).to.match(/^in cy here /);
  });

  it('useTransfers: an offer to accept, files sent with their progress (by the hook or not), each to done with the bytes intact', async () => {
    const ada = await person('fada');
    const bob = await person('fbob');
    let view: ReturnType<typeof useTransfers> | undefined;
    function Files(props: { peerId: string }) {
      view = useTransfers(props.peerId, ada.client);
      return h(
        'ul',
        null,
        view.transfers.map((t) =>
          h(
            'li',
            { key: t.id },
            `${t.direction} ${t.name} ${t.state} ${t.progress.bytes}/${t.size}`,
            t.direction === 'in' && t.state === 'offered'
              ? h('button', { onClick: () => (t as IncomingFile).accept() }, 'Accept')
              : null,
          ),
        ),
      );
    }
    const page = render(h(Files, { peerId: bob.user.id }));
    const lines = () => [...page.host.querySelectorAll('li')].map((li) => li.textContent);
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251);

    // bob offers a file: it shows as an offer, and accepting it from the page brings it in whole
    const sent = await bob.client.conversation(ada.user.id).sendFile(new Blob([bytes]), {
      name: 'from-bob.bin',
    });
    await until(() => lines()[0] === 'in from-bob.bin offered 0/300000Accept', 'the offer');
    page.host.querySelector('button')?.click();
    await until(() => lines()[0] === 'in from-bob.bin done 300000/300000', 'the file received');
    await sent.done;
    const received = (await view?.transfers[0]?.done) ?? null;
    expect(new Uint8Array(await (received as Blob).arrayBuffer())).to.deep.equal(bytes);

    // ada sends one: it shows at once, then goes through to done when bob accepts
    bob.client.on('file', (t) => t.accept());
    const mine: FileTransfer | undefined = await view?.sendFile(
      new Blob([bytes.slice(0, 70_000)]),
      { name: 'from-ada.bin' },
    );
    expect(mine?.direction).to.equal('out');
    await until(() => lines()[1] === 'out from-ada.bin done 70000/70000', 'the file sent');
    expect(mine?.state).to.equal('done');

    // a file sent another way than the hook's sendFile (here the SDK's own) shows as well
    await ada.client.conversation(bob.user.id).sendFile(new Blob([bytes.slice(0, 1_000)]), {
      name: 'other-way.bin',
    });
    await until(() => lines()[2] === 'out other-way.bin done 1000/1000', 'a file sent another way');
  });

  it('useConversation without a client answers empty values and rejects send with a code', async () => {
    let view: ReturnType<typeof useConversation> | undefined;
    function Chat() {
      view = useConversation('someone', null);
      return h('span', { 'data-k': 'state' }, `${view.state} ${view.messages.length}`);
    }
    const page = render(h(Chat));
    await until(() => shown(page.host, 'state') === 'idle 0', 'the empty view');
    const error = await view?.send('lost?').then(
      () => null,
      (e: P2PError) => e,
    );
    expect(error?.name).to.equal('P2PError');
    expect(error?.code).to.equal('NOT_LOGGED_IN');
  });
});

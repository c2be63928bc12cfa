/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { P2PChatElement } from '../src/index.js';
import { account, axe, client, deep, fixture, sdk, serverUrl, until } from './helpers.js';
import { log, messages, person, summary, textarea, userButton } from './chat-helpers.js';

describe('<p2p-chat>', () => {
  it('shows the login when logged out, accessibly', async () => {
    const el = await fixture<P2PChatElement>('p2p-chat', { client: client() });
    const login = await until(() => deep(el, 'p2p-login'), 'the login');
    expect(deep(login, '[role="tablist"]')).to.not.equal(null);
    expect(summary(await axe(el))).to.deep.equal([]);
  });

  it('asks before answering a stranger (the default policy): request, waiting notice, accept, message', async () => {
    const ada = await person('ada', { displayName: 'Ada' } as never);
    const bob = await person('bob', {}, undefined, 'contacts');
    (await until(() => userButton(ada.el, bob.user.displayName), "bob in ada's list")).click();
    await until(() => textarea(ada.el), 'the composer');
    textarea(ada.el)?.focus();
    await sendKeys({ type: 'May I?' });
    await sendKeys({ press: 'Enter' });
    await until(
      () => deep(ada.el, '[part="path"]')?.textContent?.includes('Waiting for'),
      'the waiting notice',
    );
    expect(deep(ada.el, '[part="path"]')?.getAttribute('role')).to.equal('status');
    const request = await until(() => deep(bob.el, '[part="request"]'), 'the request at bob');
    expect(request.textContent).to.contain('Ada wants to chat with you');
    // announced politely, and the element stays clean for axe with the request on screen
    expect(
      [...(bob.el.shadowRoot?.querySelectorAll('[role="status"]') ?? [])].some((n) =>
        n.textContent?.includes('Ada wants to chat'),
      ),
    ).to.equal(true);
    expect(summary(await axe(bob.el))).to.deep.equal([]);
    const accept = [...request.querySelectorAll('button')].find((b) =>
      b.textContent?.includes('Accept'),
    );
    accept?.click();
    await until(
      () => messages(bob.el).some((m) => m.textContent?.includes('May I?')),
      'the message at bob',
    );
    // bob accepted and the conversation opened for him: he has read it, and ada sees so
    await until(() => messages(ada.el)[0]?.textContent?.includes('Seen'), 'the read receipt');
    expect(deep(bob.el, '[part="request"]')).to.equal(null);
    // leave no one online for the tests after this one (their user lists count positions)
    ada.client.disconnect();
    bob.client.disconnect();
  });

  it('lets two people hold a real conversation, with unread counts, typing and delivery', async () => {
    const ada = await person('ada', { displayName: 'Ada' } as never);
    const bob = await person('bob');
    const bobButton = await until(
      () => userButton(ada.el, bob.user.displayName),
      "bob in ada's list",
    );
    bobButton.click();
    await until(() => textarea(ada.el), 'the composer');
    expect(ada.el.shadowRoot?.activeElement?.tagName.toLowerCase()).to.equal('p2p-composer');

    // ada types: bob sees the typing indicator in the conversation with ada once he opens it
    const box = textarea(ada.el);
    box?.focus();
    await sendKeys({ type: 'Hello Bob' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'second line' });
    expect(messages(ada.el)).to.have.length(0); // Shift+Enter did not send
    await sendKeys({ press: 'Enter' });
    await until(() => messages(ada.el).length === 1, "ada's own message");
    expect(messages(ada.el)[0]?.textContent).to.contain('Hello Bob\nsecond line');
    await until(() => messages(ada.el)[0]?.textContent?.includes('Delivered'), 'delivery');
    expect(textarea(ada.el)?.value).to.equal('');

    // bob: an unread badge on ada, then the message in the log
    const adaButton = await until(
      () => userButton(bob.el, ada.user.displayName),
      "ada in bob's list",
    );
    await until(
      () => adaButton.querySelector('.badge [aria-hidden]')?.textContent === '1',
      'the unread count',
    );
    expect(adaButton.textContent).to.contain('1 unread'); // the accessible name says it in words
    adaButton.click();
    await until(() => messages(bob.el).length === 1, 'the message at bob');
    expect(messages(bob.el)[0]?.textContent).to.contain('Hello Bob');
    expect(log(bob.el)?.getAttribute('aria-live')).to.equal('polite');
    expect(adaButton.querySelector('.badge')).to.equal(null);

    textarea(ada.el)?.focus();
    await sendKeys({ type: 'x' });
    await until(
      () => deep(bob.el, '.typing')?.textContent?.includes('is typing'),
      'the typing indicator',
    );

    // and bob answers
    textarea(bob.el)?.focus();
    await sendKeys({ type: 'Hi Ada' });
    await sendKeys({ press: 'Enter' });
    await until(
      () => messages(ada.el).some((m) => m.textContent?.includes('Hi Ada')),
      'the answer at ada',
    );
    expect(summary(await axe(ada.el))).to.deep.equal([]);
    ada.client.disconnect();
    bob.client.disconnect();
  });

  it('renders hostile names, statuses and messages as text', async () => {
    const evil = '<img src=x onerror="window.__xss=1">';
    const mallory = await person('mal', { displayName: evil } as never);
    await mallory.client.updateProfile({ status: '<b onmouseover="window.__xss=2">bold</b>' });
    const victim = await person('vic');
    const button = await until(() => userButton(victim.el, evil), 'mallory in the list');
    expect(button.querySelector('img')).to.equal(null);
    await until(() => button.textContent?.includes('<b onmouseover'), 'the status as text');
    expect(button.querySelector('b')).to.equal(null);

    await until(() => mallory.client.users.some((u) => u.id === victim.user.id), 'presence');
    const body = '<script>window.__xss=3</script><img src=x onerror="window.__xss=4"> ‮gnp.exe';
    await mallory.client.conversation(victim.user.id).send(body);
    button.click();
    await until(() => messages(victim.el).length === 1, 'the message');
    const li = messages(victim.el)[0];
    expect(li?.querySelector('script, img, b')).to.equal(null);
    expect(li?.textContent).to.contain(body);
    expect((window as unknown as { __xss?: number }).__xss).to.equal(undefined);
    mallory.client.disconnect();
    victim.client.disconnect();
  });

  it('shows right-to-left text in its own direction', async () => {
    const a = await person('rtl', { displayName: 'שרה' } as never);
    const b = await person('ltr');
    await until(() => a.client.users.some((u) => u.id === b.user.id), 'presence');
    await a.client.conversation(b.user.id).send('שלום, מה שלומך?');
    (await until(() => userButton(b.el, 'שרה'), 'the list')).click();
    await until(() => messages(b.el).length === 1, 'the message');
    const spans = [...(messages(b.el)[0]?.querySelectorAll('span[dir="auto"]') ?? [])];
    expect(spans.map((s) => s.textContent)).to.include('שלום, מה שלומך?');
    a.client.disconnect();
    b.client.disconnect();
  });

  it('fits 320 pixels: the list, then the conversation with a way back', async () => {
    const a = await person('narrow', {}, '320px');
    const b = await person('wide');
    const nav = () => deep(a.el, 'nav');
    const section = () => deep(a.el, 'section');
    const button = await until(() => userButton(a.el, b.user.displayName), 'the list');
    expect(getComputedStyle(nav() as Element).display).to.not.equal('none');
    expect(getComputedStyle(section() as Element).display).to.equal('none');
    button.click();
    await until(
      () => getComputedStyle(nav() as Element).display === 'none',
      'the conversation to take the width',
    );
    const back = deep<HTMLButtonElement>(a.el, 'button.back');
    expect(getComputedStyle(back as Element).display).to.not.equal('none');
    expect(a.el.getBoundingClientRect().width).to.equal(320);
    expect(deep(a.el, '.frame')?.scrollWidth).to.be.at.most(320);
    back?.click();
    await until(() => getComputedStyle(nav() as Element).display !== 'none', 'the list again');
    a.client.disconnect();
    b.client.disconnect();
  });

  it('shares one client through <p2p-provider>', async () => {
    const c = client();
    const a = account('prov');
    await c.register({ ...a, displayName: 'Provided' });
    const provider = await fixture('p2p-provider', { client: c });
    const chat = document.createElement('p2p-chat');
    provider.append(chat);
    const name = await until(() => deep(chat, '.header .name')?.textContent, 'the header');
    expect(name).to.equal('Provided');
    c.disconnect();
  });

  it('closes the client it made itself when it leaves the page or its server changes, however often', async () => {
    // The element's own client restores the session this one leaves in localStorage.
    const a = account('own');
    const me = await sdk.createClient({ server: serverUrl }).register(a);
    const watcher = client();
    await watcher.register(account('watch'));
    await watcher.connect();
    const sessions = () => watcher.users.find((u) => u.id === me.id)?.sessions.length ?? 0;
    const el = document.createElement('p2p-chat');
    el.setAttribute('server', serverUrl);
    for (let cycle = 0; cycle < 4; cycle++) {
      document.body.append(el);
      await until(() => sessions() === 1, `online (cycle ${cycle})`);
      el.remove();
      await until(() => sessions() === 0, `offline after removal (cycle ${cycle})`);
    }
    // removed and added back within a turn (a move, React Strict Mode): one session, kept
    document.body.append(el);
    await until(() => sessions() === 1, 'online again');
    el.remove();
    document.body.append(el);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sessions()).to.equal(1);
    // another server address: a new client (restoring the same session), and the old one closed
    el.setAttribute('server', `${serverUrl}/`);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sessions()).to.equal(1);
    el.remove();
    await until(() => sessions() === 0, 'offline at the end');
    watcher.disconnect();
    localStorage.clear();
  });

  it('does not bring its client back online when it leaves the page', async () => {
    const ada = await person('ghost');
    await until(() => ada.client.connectionState === 'connected', 'connected');
    // the app disconnects, then removes the element before its pending update ran
    ada.client.disconnect();
    ada.el.remove();
    await new Promise((r) => setTimeout(r, 1500));
    expect(ada.client.connectionState).to.equal('disconnected');
  });

  it('logs out from the header', async () => {
    const a = await person('out');
    const out = [...(a.el.shadowRoot?.querySelectorAll('.header button') ?? [])].find((b) =>
      b.textContent?.includes('Log out'),
    ) as HTMLButtonElement;
    const fired = new Promise((resolve) => a.el.addEventListener('p2p-logout', resolve));
    out.click();
    await fired;
    await until(() => deep(a.el, 'p2p-login'), 'the login again');
    expect(a.client.user).to.equal(null);
  });
});

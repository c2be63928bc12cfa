/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { P2PChatElement, P2PMessageListElement } from '../src/index.js';
import { axe, deep, fixture, until } from './helpers.js';
import { actionOf, messageWith, person, summary, textarea, userButton } from './chat-helpers.js';

// The message features of <p2p-chat> between two real people (real server, real WebRTC in Chromium), and
// the message list's paging on its own.

async function say(el: P2PChatElement, text: string) {
  textarea(el)?.focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}

async function pair() {
  const ada = await person('ada', { displayName: 'Ada' } as never);
  const bob = await person('bob', { displayName: 'Bob' } as never);
  (await until(() => userButton(ada.el, 'Bob'), 'bob in ada’s list')).click();
  await until(() => textarea(ada.el), 'ada’s composer');
  return { ada, bob };
}

describe('<p2p-chat> message features', () => {
  it('replies, reacts, edits and deletes from each message’s buttons, and the peer sees every change', async () => {
    const { ada, bob } = await pair();
    await say(ada.el, 'hello');
    (await until(() => userButton(bob.el, 'Ada'), 'ada in bob’s list')).click();
    const hello = await until(() => messageWith(bob.el, 'hello'), 'hello at bob');

    // bob replies from the message's Reply button, by keyboard
    const reply = actionOf(hello, 'Reply');
    expect(reply?.getAttribute('aria-describedby')).to.match(/^body-/); // described by the message text
    reply?.focus();
    await sendKeys({ press: 'Enter' });
    const context = await until(
      () => deep(bob.el, 'p2p-composer', '[part="context"]'),
      'the reply bar',
    );
    expect(context.textContent).to.contain('Replying to Ada: hello');
    await sendKeys({ type: 'hi back' }); // the focus went to the message box
    await sendKeys({ press: 'Enter' });
    const answer = await until(() => messageWith(ada.el, 'hi back'), 'the reply at ada');
    expect(answer.querySelector('[part="quote"]')?.textContent).to.equal('hello');
    expect(deep(bob.el, 'p2p-composer', '[part="context"]')).to.equal(null);

    // ada reacts to it; both see the reaction
    actionOf(answer, 'React')?.click();
    await until(() => actionOf(messageWith(ada.el, 'hi back'), 'React with 👍'), 'the picker');
    expect(
      actionOf(messageWith(ada.el, 'hi back'), 'React')?.getAttribute('aria-expanded'),
    ).to.equal('true');
    actionOf(messageWith(ada.el, 'hi back'), 'React with 👍')?.click();
    await until(
      () =>
        messageWith(bob.el, 'hi back')?.querySelector('[part="reactions"]')?.textContent === '👍 1',
      'the reaction at bob',
    );

    // ada edits her message: the box starts from its text, and the button says Save
    actionOf(messageWith(ada.el, 'hello'), 'Edit')?.click();
    await until(() => textarea(ada.el)?.value === 'hello', 'the text to edit');
    expect(deep(ada.el, 'p2p-composer', 'button.primary')?.textContent?.trim()).to.equal('Save');
    await sendKeys({ type: ' there' });
    await sendKeys({ press: 'Enter' });
    await until(() => messageWith(bob.el, 'hello there'), 'the edit at bob');
    expect(messageWith(bob.el, 'hello there')?.textContent).to.contain('edited');

    // Escape drops an edit without sending anything
    actionOf(messageWith(ada.el, 'hello there'), 'Edit')?.click();
    await until(() => textarea(ada.el)?.value === 'hello there', 'the text to edit again');
    await sendKeys({ press: 'Escape' });
    expect(deep(ada.el, 'p2p-composer', '[part="context"]')).to.equal(null);
    expect(textarea(ada.el)?.value).to.equal('');

    // deleting asks first; Keep leaves it, Delete removes it for everyone
    actionOf(messageWith(ada.el, 'hello there'), 'Delete')?.click();
    const keep = await until(
      () => actionOf(messageWith(ada.el, 'hello there'), 'Keep'),
      'the question',
    );
    expect(messageWith(ada.el, 'hello there')?.textContent).to.contain(
      'Delete this message for everyone?',
    );
    expect(summary(await axe(ada.el))).to.deep.equal([]);
    keep.click();
    await until(() => !actionOf(messageWith(ada.el, 'hello there'), 'Keep'), 'the question to go');
    actionOf(messageWith(ada.el, 'hello there'), 'Delete')?.click();
    await until(() => actionOf(messageWith(ada.el, 'hello there'), 'Keep'), 'the question again');
    // the focus is on Keep, the safe answer; the confirming Delete is the one beside it
    expect(ada.el.shadowRoot?.activeElement?.tagName.toLowerCase()).to.equal('p2p-message-list');
    messageWith(ada.el, 'hello there')
      ?.querySelector<HTMLButtonElement>('.actions .danger')
      ?.click();
    await until(() => messageWith(bob.el, 'This message was deleted.'), 'the deletion at bob');
    expect(messageWith(bob.el, 'This message was deleted.')?.querySelector('.actions')).to.equal(
      null,
    );
    ada.client.disconnect();
    bob.client.disconnect();
  });

  it('lists conversations latest first with the last message, offline contacts included, and finds old messages', async () => {
    const { ada, bob } = await pair();
    const carol = await person('carol', { displayName: 'Carol' } as never);
    await say(ada.el, 'a banana for Bob');
    await until(
      () => messageWith(ada.el, 'a banana for Bob')?.textContent?.includes('Delivered'),
      'delivery',
    );
    (await until(() => userButton(ada.el, 'Carol'), 'carol in ada’s list')).click();
    await until(() => textarea(ada.el), 'the composer');
    await say(ada.el, 'and an apple for Carol');
    await until(
      () => messageWith(ada.el, 'an apple')?.textContent?.includes('Delivered'),
      'delivery',
    );
    carol.client.disconnect();

    const items = () =>
      [
        ...(deep(ada.el, 'nav')?.querySelectorAll(
          '[aria-labelledby="conversations-heading"] .user',
        ) ?? []),
      ].map((b) => b.textContent?.replace(/\s+/g, ' ').trim());
    await until(
      () => items().length === 2 && items()[0]?.includes('offline'),
      'carol offline, first',
    );
    expect(items()[0]).to.contain('Carol').and.contain('You: and an apple for Carol');
    expect(items()[1]).to.contain('Bob').and.contain('You: a banana for Bob');
    expect(items()[1]).to.not.contain('offline');

    // search the local history, then open the conversation it was in
    const search = deep<HTMLInputElement>(ada.el, '[part="search"] input');
    expect(search?.labels?.[0]?.textContent?.trim()).to.equal('Search messages');
    search?.focus();
    await sendKeys({ type: 'banana' });
    const result = await until(() => deep(ada.el, '[part="search-result"]'), 'a result');
    expect(result.textContent).to.contain('a banana for Bob');
    await until(
      () =>
        deep(ada.el, '[part="search"] [role="status"]')?.textContent?.includes('1 messages found'),
      'the count',
    );
    result.click();
    await until(
      () => deep(ada.el, 'section[part="conversation"] h2')?.textContent === 'Bob',
      'bob’s conversation',
    );
    expect(summary(await axe(ada.el))).to.deep.equal([]);
    ada.client.disconnect();
    bob.client.disconnect();
  });

  it('counts unread messages in the title and notifies while the page is hidden (after asking, on a click)', async () => {
    // The page cannot be hidden, nor a permission prompt answered, in a headless test: both are stood in for.
    const real = { Notification: window.Notification, title: document.title };
    const shown: { title: string; body?: string }[] = [];
    let asked = 0;
    class FakeNotification {
      static permission: NotificationPermission = 'default';
      static async requestPermission() {
        asked += 1;
        FakeNotification.permission = 'granted';
        return 'granted' as const;
      }
      onclick: (() => void) | null = null;
      constructor(title: string, options: NotificationOptions = {}) {
        shown.push({ title, body: options.body });
      }
      close() {}
    }
    Object.assign(window, { Notification: FakeNotification });
    const hide = (hidden: boolean) => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => (hidden ? 'hidden' : 'visible'),
      });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      document.title = 'Demo';
      const ada = await person(
        'ada',
        { displayName: 'Ada Hidden' } as never,
        undefined,
        undefined,
        {
          notifications: true,
          titleBadge: true,
        },
      );
      const bob = await person('bob', { displayName: 'Bob Visible' } as never);
      const ask = await until(
        () => deep<HTMLButtonElement>(ada.el, '[part="notifications-button"]'),
        'the button',
      );
      expect(asked).to.equal(0); // never asked without a click
      ask.click();
      await until(() => !deep(ada.el, '[part="notifications-button"]'), 'the button to go');
      expect(asked).to.equal(1);

      hide(true);
      (await until(() => userButton(bob.el, 'Ada Hidden'), 'ada in bob’s list')).click();
      await until(() => textarea(bob.el), 'bob’s composer');
      await say(bob.el, 'are you there?');
      await until(() => document.title === '(1) Demo', 'the title badge');
      expect(shown).to.deep.equal([
        { title: 'New message from Bob Visible', body: 'are you there?' },
      ]);
      hide(false);
      expect(document.title).to.equal('Demo');
      ada.client.disconnect();
      bob.client.disconnect();
    } finally {
      Object.assign(window, { Notification: real.Notification });
      delete (document as { visibilityState?: unknown }).visibilityState;
      document.title = real.title;
    }
  });
});

describe('<p2p-message-list> paging', () => {
  const at = Date.UTC(2026, 0, 1);
  const make = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => ({
      id: `m${from + i}`,
      kind: 'theirs' as const,
      body: `message ${from + i}`,
      at: at + (from + i) * 1000,
    }));

  it('asks for older messages at the top, keeps the reader’s place when they come, and follows new ones only from the bottom', async () => {
    const list = await fixture<P2PMessageListElement>('p2p-message-list', {
      messages: make(50, 100),
      hasOlder: true,
    });
    list.style.height = '200px';
    await list.updateComplete;
    list.scrollTop = list.scrollHeight;
    await new Promise((r) => setTimeout(r, 50));
    const asked: Event[] = [];
    list.addEventListener('p2p-load-older', (e) => asked.push(e));
    list.scrollTop = 0;
    await until(() => asked.length > 0, 'the request for older messages');

    // older messages come in at the top: what the reader was looking at stays in place
    const first = () => list.shadowRoot?.querySelector('li:not(.older) .body');
    const top = [...(list.shadowRoot?.querySelectorAll('li') ?? [])].find((li) =>
      li.textContent?.includes('message 50'),
    );
    const before = top?.getBoundingClientRect().top ?? 0;
    list.messages = [...make(0, 50), ...list.messages];
    list.hasOlder = false;
    await list.updateComplete;
    expect(first()?.textContent).to.equal('message 0');
    const after = top?.getBoundingClientRect().top ?? 0;
    expect(Math.abs(after - before)).to.be.lessThan(60); // the "Older messages" row went away

    // a new message while reading older ones: no jump
    const scrolled = list.scrollTop;
    list.messages = [...list.messages, ...make(100, 101)];
    await list.updateComplete;
    expect(list.scrollTop).to.equal(scrolled);
    // at the bottom, new messages are followed
    list.scrollTop = list.scrollHeight;
    await new Promise((r) => setTimeout(r, 50));
    list.messages = [...list.messages, ...make(101, 102)];
    await list.updateComplete;
    expect(list.scrollHeight - list.scrollTop - list.clientHeight).to.be.lessThan(2);
  });
});

/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { axe, deep, sdk, serverUrl, until } from './helpers.js';
import { person, summary, textarea, userButton } from './chat-helpers.js';

const button = (el: Element, text: string) =>
  [...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('button') ?? [])].find((b) =>
    b.textContent?.trim().startsWith(text),
  );
const shortNumber = (el: Element) => deep(el, '.safety .short')?.textContent?.trim();

describe('<p2p-chat> safety numbers', () => {
  it('shows the same number on both sides, verifies, and warns before sending when the key changes', async () => {
    const ada = await person('sada', { displayName: 'Ada' } as never, undefined, 'anyone');
    const bob = await person('sbob', { displayName: 'Bob' } as never, undefined, 'anyone');
    (await until(() => userButton(ada.el, 'Bob'), "bob in ada's list")).click();
    textarea(ada.el)?.focus();
    await sendKeys({ type: 'hello' });
    await sendKeys({ press: 'Enter' });
    (await until(() => userButton(bob.el, 'Ada'), "ada in bob's list")).click();
    await until(() => ada.client.conversation(bob.user.id).state === 'open', 'the connection');
    // both open the panel: the same digits
    (await until(() => button(ada.el, 'Safety number'), 'the safety button')).click();
    (await until(() => button(bob.el, 'Safety number'), 'the safety button at bob')).click();
    const atAda = await until(() => shortNumber(ada.el), 'the number at ada');
    expect(await until(() => shortNumber(bob.el), 'the number at bob')).to.equal(atAda);
    expect(atAda).to.match(/^\d{4} \d{4} \d{4}$/);
    expect(button(ada.el, 'Safety number')?.getAttribute('aria-expanded')).to.equal('true');
    expect(summary(await axe(ada.el))).to.deep.equal([]);
    button(ada.el, 'Mark as verified')?.click();
    await until(() => deep(ada.el, '.safety .verified'), 'verified');
    button(ada.el, 'Safety number')?.click(); // closes the panel

    // bob comes back with another certificate (a new device, or his key was replaced)
    bob.client.disconnect();
    await sdk.indexedDbCertificates().remove(bob.user.id);
    const bob2 = sdk.createClient({
      server: serverUrl,
      storage: sdk.memoryStorage(),
      preferences: sdk.memoryPreferences(),
      reach: { policy: 'anyone' },
    });
    await bob2.login({ email: bob.account.email, password: bob.account.password });
    await bob2.connect();
    await until(() => ada.client.users.some((u) => u.id === bob.user.id), 'bob back');
    await ada.client
      .conversation(bob.user.id)
      .send('still you?')
      .catch(() => undefined);
    const warning = await until(() => deep(ada.el, '[part="key-changed"]'), 'the warning');
    expect(warning.textContent).to.contain("Bob's security key changed");
    expect(warning.getAttribute('role')).to.equal('status');
    expect(deep<HTMLTextAreaElement>(ada.el, 'p2p-composer', 'textarea')?.disabled).to.equal(true);
    expect(summary(await axe(ada.el))).to.deep.equal([]);
    button(ada.el, 'Send anyway')?.click();
    await until(() => !deep(ada.el, '[part="key-changed"]'), 'the warning gone');
    expect(deep<HTMLTextAreaElement>(ada.el, 'p2p-composer', 'textarea')?.disabled).to.equal(false);
    bob2.disconnect();
  });
});

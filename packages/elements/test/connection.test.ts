/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { axe, deep, until } from './helpers.js';
import { person, summary, textarea, userButton } from './chat-helpers.js';

const toggle = (el: Element) =>
  deep<HTMLButtonElement>(el, '.conv-head .connection-toggle') as HTMLButtonElement;
const panel = (el: Element) => deep(el, '[part="connection-panel"]');
// the panel as a person reads it: each term with its value
const rows = (el: Element) => {
  const p = panel(el);
  const dt = [...(p?.querySelectorAll('dt') ?? [])].map((d) => d.textContent?.trim());
  const dd = [...(p?.querySelectorAll('dd') ?? [])].map((d) =>
    d.textContent?.replace(/\s+/g, ' ').trim(),
  );
  return Object.fromEntries(dt.map((k, i) => [k, dd[i]]));
};

describe('<p2p-chat> connection panel', () => {
  it('says in plain words that the chat goes directly, with the round trip, and follows the connection', async () => {
    const ada = await person('cada', { displayName: 'Ada' } as never, undefined, 'anyone');
    const bob = await person('cbob', { displayName: 'Bob' } as never, undefined, 'anyone');
    (await until(() => userButton(ada.el, 'Bob'), "bob in ada's list")).click();
    textarea(ada.el)?.focus();
    await sendKeys({ type: 'hello' });
    await sendKeys({ press: 'Enter' });
    await until(() => ada.client.conversation(bob.user.id).state === 'open', 'the connection');

    // from the keyboard: focus the button, press Enter
    const button = toggle(ada.el);
    expect(button.textContent?.trim()).to.equal('Connection details');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    button.focus();
    await sendKeys({ press: 'Enter' });
    const text = await until(
      () => (panel(ada.el)?.querySelector('.route') ? panel(ada.el)?.textContent : undefined),
      'the path',
    );
    expect(text).to.contain("Direct: your messages go straight from this device to Bob's");
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(panel(ada.el)?.getAttribute('aria-label')).to.equal('Connection');
    const r = rows(ada.el);
    expect(r['Round trip']).to.match(/^\d+(\.\d)? ms$/);
    expect(r['Your side']).to.equal('an address on its own network');
    expect(r["Bob's side"]).to.be.a('string').and.not.equal('');
    expect(r.Transport).to.equal('UDP');
    expect(r['Data so far']).to.match(/sent, .* received$/);
    // what is shown comes from getStats(), never an address
    expect(panel(ada.el)?.textContent).not.to.match(/\d+\.\d+\.\d+\.\d+/);
    expect(summary(await axe(ada.el))).to.deep.equal([]);

    // bob leaves: within a refresh or two the panel says there is no connection
    bob.client.disconnect();
    await until(
      () => panel(ada.el)?.textContent?.includes('No connection to Bob is open right now'),
      'the panel to follow',
      10_000,
    );
    await sendKeys({ press: 'Enter' }); // and closes again
    await until(() => !panel(ada.el), 'the panel closed');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
  });
});

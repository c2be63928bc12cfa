/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { P2PLoginElement } from '../src/index.js';
import { a11yNodes, account, axe, client, deep, fixture, until } from './helpers.js';

const input = (el: Element, name: string) => deep<HTMLInputElement>(el, `input[name="${name}"]`);
function fill(el: Element, values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    const i = input(el, name);
    if (!i) throw new Error(`no input ${name}`);
    i.value = value;
  }
}
const submit = (el: Element) => deep<HTMLButtonElement>(el, 'button[type="submit"]')?.click();
const errorOf = (el: Element) => deep(el, '.error')?.textContent?.trim() ?? '';

describe('<p2p-login>', () => {
  it('shows two tabs with the tab roles, and the arrow keys switch between them', async () => {
    const el = await fixture<P2PLoginElement>('p2p-login', { client: client() });
    const tabs = [...(el.shadowRoot?.querySelectorAll('[role="tab"]') ?? [])] as HTMLElement[];
    expect(tabs.map((t) => t.textContent?.trim())).to.deep.equal(['Log in', 'Register']);
    expect(tabs.map((t) => t.getAttribute('aria-selected'))).to.deep.equal(['true', 'false']);
    tabs[0]?.focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(el.mode).to.equal('register');
    expect(input(el, 'username')).to.not.equal(null);
    expect(el.shadowRoot?.activeElement?.id).to.equal('tab-register');
  });

  it('checks the fields before asking the server, and marks them for assistive technology', async () => {
    const el = await fixture<P2PLoginElement>('p2p-login', { client: client(), mode: 'register' });
    fill(el, { username: 'a b', email: 'nope', password: 'short' });
    submit(el);
    await until(() => input(el, 'username')?.getAttribute('aria-invalid') === 'true', 'validation');
    for (const name of ['username', 'email', 'password']) {
      const i = input(el, name);
      expect(i?.getAttribute('aria-invalid'), name).to.equal('true');
      expect(i?.getAttribute('aria-describedby'), name).to.contain(`${name}-error`);
    }
    expect(el.shadowRoot?.activeElement?.getAttribute('name')).to.equal('username');
  });

  it('names each field by its label alone, and describes it with its hint and its error', async () => {
    const el = await fixture<P2PLoginElement>('p2p-login', { client: client(), mode: 'register' });
    fill(el, { username: 'a b', email: 'nope', password: 'short' });
    submit(el);
    await until(() => input(el, 'username')?.getAttribute('aria-invalid') === 'true', 'validation');
    // what Chromium's accessibility tree says, as a screen reader would read it
    const all = await a11yNodes();
    const boxes = all.filter((n) => n.role === 'textbox');
    expect(
      boxes.map((b) => b.name),
      JSON.stringify(all.filter((n) => n.name).map((n) => [n.role, n.name])),
    ).to.deep.equal(['Username', 'E-mail', 'Display name (optional)', 'Password']);
    for (const name of ['username', 'email', 'password']) {
      const i = input(el, name);
      const describedBy = (i?.getAttribute('aria-describedby') ?? '').split(' ');
      const described = describedBy
        .map((id) => el.shadowRoot?.getElementById(id)?.textContent?.trim())
        .filter(Boolean);
      expect(described.length, name).to.be.greaterThan(0);
      for (const text of described) expect(boxes.map((b) => b.name)).to.not.include(text);
    }
  });

  it('registers, firing p2p-register with the account', async () => {
    const el = await fixture<P2PLoginElement>('p2p-login', { client: client(), mode: 'register' });
    const a = account('reg');
    const fired = new Promise<CustomEvent>((resolve) =>
      el.addEventListener('p2p-register', (e) => resolve(e)),
    );
    fill(el, { username: a.username, email: a.email, password: a.password, displayName: 'Regina' });
    submit(el);
    const e = await fired;
    expect(e.detail.user).to.include({ username: a.username, displayName: 'Regina' });
    expect(e.bubbles && e.composed).to.equal(true);
  });

  it('logs in by username, firing p2p-login', async () => {
    const a = account('log');
    await client().register(a);
    const el = await fixture<P2PLoginElement>('p2p-login', { client: client() });
    const fired = new Promise<CustomEvent>((resolve) =>
      el.addEventListener('p2p-login', (e) => resolve(e)),
    );
    fill(el, { identifier: a.username, password: a.password });
    submit(el);
    expect((await fired).detail.user.username).to.equal(a.username);
  });

  it("shows the server's error codes as readable messages", async () => {
    const a = account('dup');
    await client().register(a);
    const login = await fixture<P2PLoginElement>('p2p-login', { client: client() });
    fill(login, { identifier: a.email, password: 'a-wrong-password' });
    submit(login);
    expect(await until(() => errorOf(login), 'an error')).to.equal(
      'That e-mail, username or password is not right.',
    );
    expect(deep(login, '.error')?.getAttribute('role')).to.equal('alert');

    const reg = await fixture<P2PLoginElement>('p2p-login', { client: client(), mode: 'register' });
    fill(reg, { username: a.username, email: `other-${a.email}`, password: a.password });
    submit(reg);
    expect(await until(() => errorOf(reg), 'an error')).to.equal(
      'That username or e-mail address is already taken.',
    );
  });

  it('takes replacement strings (i18n)', async () => {
    const el = await fixture<P2PLoginElement>('p2p-login', {
      client: client(),
      strings: {
        loginTab: 'Connexion',
        registerTab: 'Inscription',
        errors: { INVALID_CREDENTIALS: 'Identifiants incorrects.' },
      },
    });
    expect(deep(el, '#tab-login')?.textContent?.trim()).to.equal('Connexion');
    fill(el, { identifier: 'nobody@example.test', password: 'whatever-123' });
    submit(el);
    expect(await until(() => errorOf(el), 'an error')).to.equal('Identifiants incorrects.');
  });

  it('has no accessibility violations (axe)', async () => {
    const el = await fixture<P2PLoginElement>('p2p-login', { client: client() });
    const summary = (v: { id: string; help: string; nodes: unknown[] }[]) =>
      v.map((x) => `${x.id}: ${x.help} (${x.nodes.length})`);
    expect(summary(await axe(el))).to.deep.equal([]);
    el.mode = 'register';
    await el.updateComplete;
    expect(summary(await axe(el))).to.deep.equal([]);
  });
});

/// <reference types="mocha" />
// Helpers for tests of <p2p-chat>: a logged-in person with the element, and ways into its shadow DOM.
import type { P2PChatElement } from '../src/index.js';
import { account, client, deep, fixture, until } from './helpers.js';

// Everyone a test made goes offline after it, so the next test's lists hold only its own people.
const people: { disconnect(): void }[] = [];
afterEach(() => {
  for (const c of people.splice(0)) c.disconnect();
});

export type Axe = { id: string; help: string; nodes: unknown[] }[];
export const summary = (v: Axe) => v.map((x) => `${x.id}: ${x.help} (${x.nodes.length})`);

// A logged-in person with a <p2p-chat>: the element gets a client that has logged in already.
export async function person(
  prefix: string,
  extra: Record<string, string> = {},
  width?: string,
  policy?: 'anyone' | 'contacts' | 'ask',
  props: Record<string, unknown> = {},
) {
  const a = { ...account(prefix), ...extra };
  const c = client(policy);
  const user = await c.register(a);
  people.push(c);
  const el = await fixture<P2PChatElement>('p2p-chat', { client: c, ...props }, width);
  await until(() => deep(el, '.header'), 'the chat to be ready');
  return { el, client: c, user, account: a };
}
export const userButton = (el: Element, name: string) =>
  [...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('button.user') ?? [])].find((b) =>
    b.textContent?.includes(name),
  );
export const log = (el: Element) => deep(el, 'p2p-message-list', '[role="log"]');
export const messages = (el: Element) => [...(log(el)?.querySelectorAll('li') ?? [])];
export const textarea = (el: Element) => deep<HTMLTextAreaElement>(el, 'p2p-composer', 'textarea');

/** The `<li>` of the message whose text includes `text`. */
export const messageWith = (el: Element, text: string) =>
  messages(el).find((m) => m.querySelector('.body')?.textContent?.includes(text));

/** A button of a message, by its visible text or accessible name. */
export const actionOf = (item: Element | undefined, name: string) =>
  [...(item?.querySelectorAll<HTMLButtonElement>('.actions button') ?? [])].find(
    (b) => b.textContent?.trim() === name || b.getAttribute('aria-label') === name,
  );

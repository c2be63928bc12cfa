import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { Script } from '../../stories/scripted-client.js';
import { me, person, scriptedClient, stored } from '../../stories/scripted-client.js';

const meta: Meta = {
  title: 'Elements/p2p-chat',
  component: 'p2p-chat',
};
export default meta;

const chat = (script: Script, attrs: { theme?: string; locale?: string } = {}) =>
  html`<p2p-chat
    .client=${scriptedClient(script)}
    theme=${attrs.theme ?? ''}
    locale=${attrs.locale ?? nothing}
  ></p2p-chat>`;

const crowd = Array.from({ length: 40 }, (_, i) =>
  person(
    `u${i}`,
    ['Grace Hopper', 'Alan Turing', 'Katherine Johnson', 'Linus', 'Margaret Hamilton'][i % 5] +
      ` ${i}`,
    i % 3 ? 'Available' : 'In a meeting',
  ),
);
const bob = person('bob', 'Bob', 'Available');
const long = Array.from({ length: 60 }, (_, i) => ({
  id: `m${i}`,
  from: { id: 'bob', username: 'bob', displayName: 'Bob' },
  body:
    i % 7 === 0
      ? 'A longer message that wraps over several lines to show how the list handles it. '.repeat(3)
      : `Message number ${i}`,
  sentAt: Date.UTC(2026, 10, 24, 10, i),
  peerId: 'bob',
}));

// Opens the conversation with Bob, as a person clicking him in the list would.
const openBob = async ({ canvasElement }: { canvasElement: HTMLElement }) => {
  const el = canvasElement.querySelector('p2p-chat');
  for (let i = 0; i < 50; i++) {
    const button = [
      ...(el?.shadowRoot?.querySelectorAll<HTMLButtonElement>('button.user') ?? []),
    ].find((b) => b.textContent?.includes('Bob'));
    if (button) {
      button.click();
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
};

// A conversation kept in history, with every message feature, and an offline contact in the list.
const history = [
  stored('c1', 'carol', 'in', 'See you on Monday!', 0),
  stored('h1', 'bob', 'in', 'Did you read the paper on the analytical engine?', 1),
  stored('h2', 'bob', 'out', 'Yes, twice. The part about loops is brilliant.', 2, {
    replyTo: 'h1',
    reactions: { '🎉': ['bob'] },
  }),
  stored('h3', 'bob', 'in', 'Shall we meet at four?', 3, {
    editedAt: Date.UTC(2026, 10, 24, 10, 4),
  }),
  stored('h4', 'bob', 'out', '', 5, { deleted: true }),
  stored('h5', 'bob', 'out', 'Four works for me.', 6, { status: 'delivered' }),
];
const clickIn = async (canvasElement: HTMLElement, selector: string[], text: string) => {
  for (let i = 0; i < 50; i++) {
    let root: Element | ShadowRoot | null | undefined = canvasElement.querySelector('p2p-chat');
    for (const s of selector)
      root = (root instanceof Element ? (root.shadowRoot ?? root) : root)?.querySelector(s);
    const button = [
      ...((root instanceof Element ? root.shadowRoot : null)?.querySelectorAll<HTMLButtonElement>(
        'button',
      ) ?? []),
    ].find((b) => b.textContent?.trim() === text);
    if (button) {
      button.click();
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
};

export const LoggedOut: StoryObj = { render: () => chat({ user: null }) };
export const EmptyList: StoryObj = { render: () => chat({ user: me() }) };
export const ConversationRequest: StoryObj = {
  render: () =>
    chat({
      user: me(),
      users: [bob],
      requests: [{ userId: 'bob', username: 'bob', at: Date.parse('2026-01-01T10:00:00Z') }],
    }),
};
export const ManyUsers: StoryObj = { render: () => chat({ user: me(), users: crowd }) };
export const LongConversation: StoryObj = {
  render: () => chat({ user: me(), users: [bob], incoming: long }),
  play: openBob,
};
export const Typing: StoryObj = {
  render: () => chat({ user: me(), users: [bob], incoming: long.slice(0, 3), typing: 'bob' }),
  play: openBob,
};
export const Dark: StoryObj = {
  render: () =>
    chat(
      { user: me(), users: [bob, ...crowd.slice(0, 4)], incoming: long.slice(0, 5) },
      { theme: 'dark' },
    ),
  play: openBob,
  parameters: { backgrounds: { default: 'dark' } },
};
export const RightToLeft: StoryObj = {
  render: () =>
    html`<div dir="rtl" lang="he">
      <p2p-chat
        .client=${scriptedClient({
          user: me('שרה'),
          users: [person('bob', 'Bob'), person('dan', 'דן', 'זמין')],
          incoming: [
            {
              id: 'h1',
              from: { id: 'bob', username: 'bob', displayName: 'Bob' },
              body: 'שלום! מה שלומך?',
              sentAt: Date.UTC(2026, 10, 24, 9),
              peerId: 'bob',
            },
            {
              id: 'h2',
              from: { id: 'bob', username: 'bob', displayName: 'Bob' },
              body: 'Mixed: English and עברית together',
              sentAt: Date.UTC(2026, 10, 24, 9, 1),
              peerId: 'bob',
            },
          ],
        })}
        .strings=${{ onlineUsers: 'מחוברים', send: 'שלח', logout: 'התנתק', editProfile: 'עריכת פרופיל' }}
      ></p2p-chat>
    </div>`,
  play: openBob,
};
export const Narrow320: StoryObj = {
  render: () =>
    html`<div style="width: 320px">
      ${chat({ user: me(), users: [bob, ...crowd.slice(0, 3)] })}
    </div>`,
};
export const Themed: StoryObj = {
  render: () =>
    html`<div
      style="--p2p-color-accent: #7c3aed; --p2p-color-own-message: #ede9fe; --p2p-radius: 2px; --p2p-font: Georgia, serif"
    >
      ${chat({ user: me(), users: [bob], incoming: long.slice(0, 4) })}
    </div>`,
  play: openBob,
};
export const HistoryAndMessageFeatures: StoryObj = {
  render: () => chat({ user: me(), users: [bob], history }),
  play: openBob,
};
export const ReplyingToAMessage: StoryObj = {
  render: () => chat({ user: me(), users: [bob], history }),
  play: async (context) => {
    await openBob(context);
    await clickIn(context.canvasElement, ['p2p-message-list'], 'Reply');
  },
};
export const SafetyNumber: StoryObj = {
  render: () => chat({ user: me(), users: [bob], history }),
  play: async (context) => {
    await openBob(context);
    await clickIn(context.canvasElement, [], 'Safety number');
  },
};
export const ConnectionDirect: StoryObj = {
  render: () => chat({ user: me(), users: [bob], history }),
  play: async (context) => {
    await openBob(context);
    await clickIn(context.canvasElement, [], 'Connection details');
  },
};
export const ConnectionRelay: StoryObj = {
  render: () => chat({ user: me(), users: [bob], history, route: 'relay' }),
  play: async (context) => {
    await openBob(context);
    await clickIn(context.canvasElement, [], 'Connection details');
  },
};
export const Arabic: StoryObj = {
  render: () => chat({ user: me(), users: [bob], history }, { locale: 'ar' }),
  play: openBob,
};
export const Japanese: StoryObj = {
  render: () => chat({ user: me(), users: [bob], history }, { locale: 'ja' }),
  play: openBob,
};
export const KeyChanged: StoryObj = {
  render: () => chat({ user: me(), users: [bob], history, keyChanged: 'bob' }),
  play: openBob,
};

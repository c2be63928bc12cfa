import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { UiMessage } from './message-list.component.js';

const meta: Meta = {
  title: 'Elements/p2p-message-list',
  component: 'p2p-message-list',
};
export default meta;

const t0 = Date.UTC(2026, 11, 3, 9, 0);
const conversation: UiMessage[] = [
  { id: '1', kind: 'system', body: 'Connected directly, peer to peer', at: t0 },
  { id: '2', kind: 'theirs', author: 'Bob', body: 'Are we still on for Friday?', at: t0 + 60_000 },
  { id: '3', kind: 'own', body: 'Yes! 8 pm?', at: t0 + 120_000, state: 'read' },
  {
    id: '4',
    kind: 'theirs',
    author: 'Bob',
    body: 'Perfect',
    at: t0 + 180_000,
    quote: 'Yes! 8 pm?',
    reactions: '👍 1',
  },
  {
    id: '5',
    kind: 'own',
    body: 'Bringing snacks',
    at: t0 + 240_000,
    state: 'delivered',
    edited: true,
  },
  { id: '6', kind: 'own', body: 'This message was deleted', at: t0 + 250_000, deleted: true },
  { id: '7', kind: 'own', body: 'Sending…', at: t0 + 260_000, state: 'sending' },
  { id: '8', kind: 'own', body: 'Could not be sent', at: t0 + 270_000, state: 'failed' },
];
// What a hostile or careless peer can send: markup, direction overrides, a word with no break, controls.
const hostile: UiMessage[] = [
  {
    id: 'h1',
    kind: 'theirs',
    author: '<b>Mallory</b>',
    body: '<img src=x onerror=alert(1)>',
    at: t0,
  },
  { id: 'h2', kind: 'theirs', author: 'Mallory', body: 'abc\u202Egnp.exe\u202C', at: t0 + 1 },
  { id: 'h3', kind: 'theirs', author: 'Mallory', body: 'x'.repeat(5000), at: t0 + 2 },
  { id: 'h4', kind: 'theirs', author: 'Mallory', body: 'a\u0000b\u0007c\u001bd', at: t0 + 3 },
  { id: 'h5', kind: 'theirs', author: 'مالوري', body: 'مرحبا، كيف حالك؟ 123', at: t0 + 4 },
  { id: 'h6', kind: 'theirs', author: 'Mallory', body: '👩🏽‍💻'.repeat(200), at: t0 + 5 },
  { id: 'h7', kind: 'theirs', author: 'Mallory', body: 'a time out of range', at: 8.64e15 + 1 },
  { id: 'h8', kind: 'theirs', author: 'Mallory', body: 'not a time at all', at: Number.NaN },
];

export const Conversation: StoryObj = {
  render: () => html`<p2p-message-list .messages=${conversation} actions></p2p-message-list>`,
};
export const OlderToLoad: StoryObj = {
  render: () =>
    html`<p2p-message-list .messages=${conversation.slice(3)} hasOlder></p2p-message-list>`,
};
export const Empty: StoryObj = {
  render: () => html`<p2p-message-list .messages=${[]}></p2p-message-list>`,
};
export const HostileContent: StoryObj = {
  render: () => html`<p2p-message-list .messages=${hostile}></p2p-message-list>`,
};
export const Dark: StoryObj = {
  render: () =>
    html`<p2p-message-list theme="dark" .messages=${conversation} actions></p2p-message-list>`,
};

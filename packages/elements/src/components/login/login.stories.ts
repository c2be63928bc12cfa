import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { scriptedClient } from '../../stories/scripted-client.js';

const meta: Meta = {
  title: 'Elements/p2p-login',
  component: 'p2p-login',
};
export default meta;

const login = (failWith?: string, mode = 'login') =>
  html`<p2p-login
    .client=${scriptedClient(failWith ? { failWith } : {})}
    mode=${mode}
  ></p2p-login>`;

// Fills the form and submits it, so the story shows the server's answer.
const submitWith =
  (values: Record<string, string>) =>
  async ({ canvasElement }: { canvasElement: HTMLElement }) => {
    const el = canvasElement.querySelector('p2p-login');
    await (el as unknown as { updateComplete: Promise<unknown> })?.updateComplete;
    for (const [name, value] of Object.entries(values)) {
      const input = el?.shadowRoot?.querySelector<HTMLInputElement>(`input[name="${name}"]`);
      if (input) input.value = value;
    }
    el?.shadowRoot?.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
  };
const asLogin = submitWith({ identifier: 'ada@example.com', password: 'correct horse' });
const asRegister = submitWith({
  username: 'ada',
  email: 'ada@example.com',
  password: 'correct horse',
});

export const Login: StoryObj = { render: () => login() };
export const Register: StoryObj = { render: () => login(undefined, 'register') };
export const FieldErrors: StoryObj = {
  render: () => login(undefined, 'register'),
  play: submitWith({ username: 'a b', email: 'x', password: '1' }),
};
export const WrongPassword: StoryObj = {
  render: () => login('INVALID_CREDENTIALS'),
  play: asLogin,
};
export const TakenUsername: StoryObj = {
  render: () => login('CONFLICT', 'register'),
  play: asRegister,
};
export const RateLimited: StoryObj = { render: () => login('RATE_LIMITED'), play: asLogin };
export const AccountDisabled: StoryObj = { render: () => login('ACCOUNT_DISABLED'), play: asLogin };
export const ServerUnreachable: StoryObj = { render: () => login('NETWORK'), play: asLogin };
export const Dark: StoryObj = {
  render: () => html`<p2p-login .client=${scriptedClient({})} theme="dark"></p2p-login>`,
};

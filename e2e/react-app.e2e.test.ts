import { describe, expect, it } from 'vitest';
import { appWithBot, person } from './harness.js';

// examples/react-app: @p2pchat/react's hooks and components in a Vite app, in a development build so that
// Strict Mode runs every effect twice.
describe('the React app on @p2pchat/react (examples/react-app)', () => {
  it('registers through <P2PLogin>, chats with the bot through the hooks, shows <P2PChat>, one session throughout', async () => {
    const {
      page,
      botAccount,
      problems,
      sessions: sessionsOf,
      close,
    } = await appWithBot(new URL('../examples/react-app/', import.meta.url).pathname, 'react', {
      mode: 'development',
      define: { 'process.env.NODE_ENV': '"development"' },
    });
    try {
      // <P2PLogin mode="register">: the element as a React component
      const me = person('reactuser');
      await page.locator('p2p-login input[name="username"]').fill(me.username);
      await page.locator('p2p-login input[name="email"]').fill(me.email);
      await page.locator('p2p-login input[name="password"]').fill(me.password);
      await page.locator('p2p-login button[type="submit"]').click();
      await page.locator('#me', { hasText: `Signed in as ${me.username}` }).waitFor();
      await page.locator('#connection', { hasText: 'connected' }).waitFor();

      // Strict Mode made and dropped a client once: one session is left, and stays one
      const sessions = () => sessionsOf(me.username);
      await expect.poll(sessions, { timeout: 10_000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(sessions()).toBe(1);

      // usePresence lists the bot; useConversation sends and shows the answer, with its status
      await page.locator('#people button', { hasText: botAccount.username }).click();
      await page.locator('#draft').fill('hi from react');
      await page.locator('#draft').press('Enter');
      await page
        .locator('#messages li.in', { hasText: 'echo: hi from react' })
        .waitFor({ timeout: 30_000 });
      await expect
        .poll(() => page.locator('#messages li.out').textContent())
        .toMatch(/^hi from react (delivered|read)$/);
      await expect.poll(() => page.locator('#state').textContent()).toBe('open');

      // useTransfers: a file to the bot shows its progress to done, and the bot says what it got
      await page.locator('#file').setInputFiles({
        name: 'note.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('a file from react'),
      });
      await page.locator('#files li', { hasText: 'Sending note.txt: done' }).waitFor();
      await page
        .locator('#messages li.in', { hasText: 'got note.txt (17 bytes)' })
        .waitFor({ timeout: 30_000 });
      expect(
        await page.getByRole('progressbar', { name: 'Sending note.txt' }).getAttribute('value'),
      ).toBe('17');

      // the whole <P2PChat> on the same client: no second session
      await page.getByLabel('Show the whole <P2PChat>').check();
      await page.locator('p2p-chat .header .name', { hasText: me.username }).waitFor();
      await page.locator('p2p-chat button.user', { hasText: botAccount.username }).waitFor();
      expect(sessions()).toBe(1);

      // a reload keeps the login (the SDK's stored session) and the history (the device's store)
      await page.reload();
      await page.locator('#me', { hasText: `Signed in as ${me.username}` }).waitFor();
      await page.locator('#people button', { hasText: botAccount.username }).click();
      await page.locator('#messages li.in', { hasText: 'echo: hi from react' }).waitFor();
      await expect.poll(sessions, { timeout: 10_000 }).toBe(1);

      await page.close();
      await expect.poll(sessions, { timeout: 10_000 }).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { startBot } from '../examples/node-bot/bot.mjs';
import { launchChromium, observedServer, person, viteSite } from './harness.js';

describe('the SDK app built with Vite (examples/sdk-vite-app)', () => {
  it('builds, registers through its own UI, and chats with the Node bot', async () => {
    const site = await viteSite(new URL('../examples/sdk-vite-app/', import.meta.url).pathname);
    const siteUrl = site.url;
    const chat = await observedServer({ CORS_ORIGINS: siteUrl });
    const botAccount = person('vitebot');
    const bot = await startBot({ server: chat.url, ...botAccount, bindAddress: '127.0.0.1' });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${siteUrl}/?server=${encodeURIComponent(chat.url)}`);
      const me = person('viteuser');
      await page.fill('input[name="username"]', me.username);
      await page.fill('input[name="email"]', me.email);
      await page.fill('input[name="password"]', me.password);
      await page.click('button[value="register"]');
      await page.locator('#users button', { hasText: botAccount.username }).click();
      await page.fill('#text', 'hi from vite');
      await page.press('#text', 'Enter');
      await page
        .locator('#messages li.theirs', { hasText: 'echo: hi from vite' })
        .waitFor({ timeout: 30_000 });
      expect(await page.locator('#messages li.mine').textContent()).toBe('hi from vite');
    } finally {
      await browser.close();
      bot.stop();
      await chat.stop();
      site.close();
    }
  });
});

import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { startBot } from '../examples/node-bot/bot.mjs';
import { launchChromium, observedServer, person } from './harness.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

describe('the SDK app built with Vite (examples/sdk-vite-app)', () => {
  it('builds, registers through its own UI, and chats with the Node bot', async () => {
    const out = mkdtempSync(join(tmpdir(), 'p2pchat-vite-'));
    await build({
      root: new URL('../examples/sdk-vite-app/', import.meta.url).pathname,
      logLevel: 'silent',
      build: { outDir: out, emptyOutDir: true },
    });
    const site = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const file = join(out, path === '/' ? 'index.html' : path);
      if (!file.startsWith(out) || !existsSync(file) || !statSync(file).isFile())
        return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
    const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
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
      rmSync(out, { recursive: true, force: true });
    }
  });
});

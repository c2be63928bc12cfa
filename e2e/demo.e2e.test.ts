import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from '../examples/node-bot/bot.mjs';
import { servePage } from '../examples/vanilla-html/serve.mjs';
import type { Observed } from './harness.js';
import { launchChromium, observedServer, person, registerIn } from './harness.js';

let browser: Browser;
let server: Observed;
beforeAll(async () => {
  browser = await launchChromium();
  server = await observedServer();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the demo, two people in two browser contexts', () => {
  it('register, see each other, chat both ways with typing and delivery, survive a reload and a server restart, log out', async () => {
    const secret = `secret-${randomUUID()}`;
    const [ctxA, ctxB] = [await browser.newContext(), await browser.newContext()];
    const [ada, bob] = [await ctxA.newPage(), await ctxB.newPage()];
    const [a, b] = [person('ada'), person('bob')];

    await ada.goto(`${server.url}/`);
    await registerIn(ada, a);
    await bob.goto(`${server.url}/`);
    await registerIn(bob, b);

    // they see each other online
    await ada.locator('p2p-chat button.user', { hasText: b.username }).click();
    await bob.locator('p2p-chat button.user', { hasText: a.username }).waitFor();

    // ada writes; bob is asked first (the default policy answers strangers only once accepted), accepts,
    // and reads it in the conversation that opens; ada sees it delivered
    await ada.locator('p2p-chat p2p-composer textarea').fill(`Hello Bob, ${secret}`);
    await ada.locator('p2p-chat p2p-composer textarea').press('Enter');
    await ada.locator('p2p-chat [part="path"]', { hasText: 'Waiting for' }).waitFor();
    await bob.locator('p2p-chat [part="request"]', { hasText: a.username }).waitFor();
    await bob.locator('p2p-chat [part="request"] button', { hasText: 'Accept' }).click();
    await ada.locator('p2p-chat p2p-message-list li.own', { hasText: /Delivered|Seen/ }).waitFor();
    await bob.locator('p2p-chat p2p-message-list li.theirs').first().waitFor();
    await expect(
      bob.locator('p2p-chat p2p-message-list li.theirs').first().textContent(),
    ).resolves.toContain(secret);

    // bob types: ada sees it; bob answers
    await bob.locator('p2p-chat p2p-composer textarea').pressSequentially('Hi Ada');
    await ada.locator('p2p-chat .typing', { hasText: 'is typing' }).waitFor();
    await bob.locator('p2p-chat p2p-composer textarea').press('Enter');
    await ada.locator('p2p-chat p2p-message-list li.theirs', { hasText: 'Hi Ada' }).waitFor();

    // the picture for the README
    mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
    await ada.setViewportSize({ width: 960, height: 600 });
    await ada.screenshot({
      path: new URL('../docs/demo-screenshot.png', import.meta.url).pathname,
    });

    // a reload keeps the session
    await bob.reload();
    await bob.locator('p2p-chat .header .name', { hasText: b.username }).waitFor();
    expect(await bob.locator('p2p-login').count()).toBe(0);

    // the server restarts mid-conversation: both reconnect and go on
    const restartStarted = Date.now();
    await server.restart();
    console.log(`[restart] the server restarted in ${Date.now() - restartStarted} ms`);
    for (const page of [ada, bob]) {
      await expect
        .poll(() => page.locator('p2p-chat .connection').textContent(), { timeout: 30_000 })
        .toBe('Connected');
    }
    await bob.locator('p2p-chat button.user', { hasText: a.username }).click();
    await bob.locator('p2p-chat p2p-composer textarea').fill(`after the restart ${secret}`);
    await bob.locator('p2p-chat p2p-composer textarea').press('Enter');
    await ada
      .locator('p2p-chat p2p-message-list li.theirs', { hasText: 'after the restart' })
      .waitFor({ timeout: 20_000 });
    await ada.locator('p2p-chat p2p-composer textarea').fill('and back');
    await ada.locator('p2p-chat p2p-composer textarea').press('Enter');
    await bob
      .locator('p2p-chat p2p-message-list li.theirs', { hasText: 'and back' })
      .waitFor({ timeout: 20_000 });

    // log out, and back in through the login form (by username this time)
    await ada.locator('p2p-chat .header button', { hasText: 'Log out' }).click();
    await ada.locator('p2p-chat p2p-login').waitFor();
    await ada.locator('p2p-login input[name="identifier"]').fill(a.username);
    await ada.locator('p2p-login input[name="password"]').fill(a.password);
    await ada.locator('p2p-login button[type="submit"]').click();
    await ada.locator('p2p-chat .header .name', { hasText: a.username }).waitFor();
    await ada.locator('p2p-chat button.user', { hasText: b.username }).waitFor();

    // the privacy proof: the secret went browser to browser and never through the server. Each capture
    // first shows that it saw what did go through the server, so an absence below means something.
    expect(server.logs.join('\n')).toContain('session opened');
    expect(server.storeText()).toContain(a.email);
    expect(server.bodies.join('\n')).toContain(a.username);
    expect(server.logs.join('\n')).not.toContain(secret);
    expect(server.storeText()).not.toContain(secret);
    expect(server.packets.length).toBeGreaterThan(10); // the capture saw the signaling
    expect(server.packets.join('\n')).not.toContain(secret);
    expect(server.bodies.join('\n')).not.toContain(secret);
    expect(server.packets.some((p) => p.includes('"signal"'))).toBe(true);
    await ctxA.close();
    await ctxB.close();
  });

  it("speaks the page's language, fetching the translation from the server when it is asked for", async () => {
    const ctx = await browser.newContext();
    const tab = await ctx.newPage();
    const chunks: string[] = [];
    tab.on('response', (r) => {
      if (r.url().includes('/p2pchat-elements/')) chunks.push(`${r.status()} ${r.url()}`);
    });
    await tab.goto(`${server.url}/`);
    await tab.locator('p2p-chat p2p-login [role="tab"]', { hasText: 'Log in' }).waitFor();
    const before = chunks.length;
    // the page turns Arabic: the texts follow, right to left
    await tab.evaluate(() => (document.documentElement.lang = 'ar'));
    await tab.locator('p2p-chat p2p-login [role="tab"]', { hasText: 'تسجيل الدخول' }).waitFor();
    expect(
      await tab
        .locator('p2p-chat p2p-login .card')
        .evaluate((el) => getComputedStyle(el).direction),
    ).toBe('rtl');
    // one chunk more, served by the chat server beside the bundle
    expect(chunks.length).toBe(before + 1);
    expect(chunks.at(-1)).toMatch(/^200 .*\/p2pchat-elements\/ar-\w+\.js$/);
    await ctx.close();
  });

  it('lets a browser user chat with the Node bot', async () => {
    const botAccount = person('bot');
    const bot = await startBot({ server: server.url, ...botAccount, bindAddress: '127.0.0.1' });
    try {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(`${server.url}/`);
      await registerIn(page, person('human'));
      await page.locator('p2p-chat button.user', { hasText: botAccount.username }).click();
      await page.locator('p2p-chat p2p-composer textarea').fill('hello bot');
      await page.locator('p2p-chat p2p-composer textarea').press('Enter');
      await page
        .locator('p2p-chat p2p-message-list li.theirs', { hasText: 'echo: hello bot' })
        .waitFor({ timeout: 30_000 });
      await ctx.close();
    } finally {
      bot.stop();
    }
  });

  it('works as a plain HTML page on another origin (the vanilla example)', async () => {
    // Reserve the page's port first, so the chat server can allow exactly that origin.
    const probe = await servePage({ port: 0 });
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const chat = await observedServer({ CORS_ORIGINS: `http://127.0.0.1:${port}` });
    const site = await servePage({ port, server: chat.url });
    try {
      const ctx = await browser.newContext();
      const tab = await ctx.newPage();
      await tab.goto(`${site.url}/`);
      await registerIn(tab, person('vanilla'));
      await expect
        .poll(() => tab.locator('p2p-chat .connection').textContent(), { timeout: 20_000 })
        .toBe('Connected');
      // the session is kept in this origin's localStorage: a reload stays logged in
      await tab.reload();
      await tab.locator('p2p-chat .header .name').waitFor();
      expect(await tab.locator('p2p-login').count()).toBe(0);
      await ctx.close();
    } finally {
      await site.close();
      await chat.stop();
    }
  });

  it('loads the elements straight from the chat server on an allowed origin, and not on another', async () => {
    const probe = await servePage({ port: 0 });
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const chat = await observedServer({ CORS_ORIGINS: `http://127.0.0.1:${port}` });
    const allowed = await servePage({ port, server: chat.url, bundleFromServer: true });
    const other = await servePage({ port: 0, server: chat.url, bundleFromServer: true });
    try {
      const ctx = await browser.newContext();
      const tab = await ctx.newPage();
      await tab.goto(`${allowed.url}/`);
      await tab.locator('p2p-login [role="tab"]', { hasText: 'Register' }).waitFor();
      expect(await tab.evaluate(() => customElements.get('p2p-chat') !== undefined)).toBe(true);
      const refused = await ctx.newPage();
      const failed: string[] = [];
      refused.on('requestfailed', (r) => failed.push(r.url()));
      await refused.goto(`${other.url}/`);
      await expect.poll(() => failed.some((u) => u.endsWith('/p2pchat-elements.js'))).toBe(true);
      expect(await refused.evaluate(() => customElements.get('p2p-chat') === undefined)).toBe(true);
      await ctx.close();
    } finally {
      await allowed.close();
      await other.close();
      await chat.stop();
    }
  });

  it("is refused by a chat server that does not allow the page's origin", async () => {
    const chat = await observedServer({ CORS_ORIGINS: 'https://somewhere-else.example' });
    const site = await servePage({ port: 0, server: chat.url });
    try {
      const ctx = await browser.newContext();
      const tab = await ctx.newPage();
      await tab.goto(`${site.url}/`);
      await tab.locator('p2p-login [role="tab"]', { hasText: 'Register' }).click();
      await tab.locator('p2p-login input[name="username"]').fill('blocked_user');
      await tab.locator('p2p-login input[name="email"]').fill('blocked@example.test');
      await tab.locator('p2p-login input[name="password"]').fill('a-long-password');
      await tab.locator('p2p-login button[type="submit"]').click();
      await tab.locator('p2p-login .error', { hasText: 'Cannot reach the chat server' }).waitFor();
      expect(await chat.server.store.users.findByEmail('blocked@example.test')).toBeNull();
      await ctx.close();
    } finally {
      await site.close();
      await chat.stop();
    }
  });
});

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observed } from './harness.js';
import { launchChromium, observedServer, sendIn, twoPeople } from './harness.js';

// Conversations that last, in Chromium with the demo page: IndexedDB history across reloads, the offline
// outbox, and a user's second tab and second device catching up peer to peer.
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

const list = (page: Page) => page.locator('p2p-chat p2p-message-list li:not(.older)');
const bodies = async (page: Page) =>
  (await page.locator('p2p-chat p2p-message-list li .body').allTextContents()).map((t) => t.trim());

// ada writes to bob, bob accepts her request: they are contacts, and the message is there.
async function contacts() {
  const people = await twoPeople(browser, server.url);
  const { ada, bob, a, b } = people;
  await ada.locator('p2p-chat button.user', { hasText: b.username }).click();
  await sendIn(ada, 'hello');
  await bob.locator('p2p-chat [part="request"] button', { hasText: 'Accept' }).click();
  await list(ada)
    .filter({ hasText: /Delivered|Seen/ })
    .waitFor();
  await bob.locator('p2p-chat p2p-message-list li', { hasText: 'hello' }).waitFor();
  return { ...people, a, b };
}

describe('history and the offline outbox in Chromium', () => {
  it('keeps a message for someone offline across the sender’s reload, and delivers it once when they are back', async () => {
    const { ada, bob, b, a, close } = await contacts();
    const bobContext = bob.context();
    await bob.close(); // bob leaves; his session stays in his browser
    const bobItem = ada.locator('p2p-chat [part="user"]', { hasText: b.username });
    await bobItem.filter({ hasText: 'offline' }).waitFor(); // still in ada's list, as a conversation
    await sendIn(ada, 'while you were away');
    await list(ada)
      .filter({ hasText: 'while you were away' })
      .filter({ hasText: 'Sending' })
      .waitFor();

    await ada.reload();
    await ada.locator('p2p-chat [part="user"]', { hasText: b.username }).click();
    await list(ada)
      .filter({ hasText: 'while you were away' })
      .filter({ hasText: 'Sending' })
      .waitFor();
    expect(await bodies(ada)).toEqual(['hello', 'while you were away']);

    const bobAgain = await bobContext.newPage();
    await bobAgain.goto(`${server.url}/`);
    await bobAgain.locator('p2p-chat [part="user"]', { hasText: a.username }).click();
    await bobAgain
      .locator('p2p-chat p2p-message-list li', { hasText: 'while you were away' })
      .waitFor();
    await list(ada)
      .filter({ hasText: 'while you were away' })
      .filter({ hasText: /Delivered|Seen/ })
      .waitFor();
    await bobAgain.waitForTimeout(500); // a second copy would show by now
    expect(await bodies(bobAgain)).toEqual(['hello', 'while you were away']);
    await close();
  });

  it('brings a second tab and a second device of the same user up to date, peer to peer', async () => {
    const { ada, b, a, close } = await contacts();
    // a second tab: same browser, same IndexedDB; it shows what the first one does as it happens
    const tab2 = await ada.context().newPage();
    await tab2.goto(`${server.url}/`);
    await tab2.locator('p2p-chat [part="user"]', { hasText: b.username }).click();
    await tab2.locator('p2p-chat p2p-message-list li', { hasText: 'hello' }).waitFor();
    await sendIn(ada, 'from the first tab');
    await tab2.locator('p2p-chat p2p-message-list li', { hasText: 'from the first tab' }).waitFor();

    // a second device: another browser with an empty history, logged in as ada, catches up from her tabs
    const laptop = await (await browser.newContext()).newPage();
    await laptop.goto(`${server.url}/`);
    await laptop.locator('p2p-login input[name="identifier"]').fill(a.username);
    await laptop.locator('p2p-login input[name="password"]').fill(a.password);
    await laptop.locator('p2p-login button[type="submit"]').click();
    await laptop.locator('p2p-chat [part="user"]', { hasText: b.username }).click();
    await laptop
      .locator('p2p-chat p2p-message-list li', { hasText: 'from the first tab' })
      .waitFor();
    expect(await bodies(laptop)).toEqual(['hello', 'from the first tab']);
    await laptop.context().close();
    await close();
  });
});

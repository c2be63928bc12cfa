import { describe, expect, it } from 'vitest';
import { mallory } from '../packages/sdk/test/mallory.js';
import { launchChromium, observedServer, sendIn, twoPeople } from './harness.js';

// Who an account is, as the server says at login.
async function userOf(url: string, a: { email: string; password: string }) {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: a.email, password: a.password }),
  });
  return ((await res.json()) as { user: { id: string; username: string } }).user;
}

describe('safety numbers in Chromium, with the server in the middle', () => {
  it('match on a direct connection; after Mallory steps in they differ and the verified side is warned', async () => {
    const chat = await observedServer();
    const browser = await launchChromium();
    const people = await twoPeople(browser, chat.url);
    const { ada, bob } = people;
    let m: ReturnType<typeof mallory> | undefined;
    const shortIn = async (page: typeof ada) => {
      await page.locator('p2p-chat button.safety-toggle').click();
      const text = (await page.locator('p2p-chat .safety .short').first().textContent())?.trim();
      return text;
    };
    try {
      await ada.locator('p2p-chat button.user', { hasText: people.b.username }).click();
      await sendIn(ada, 'hello bob');
      // bob's policy asks about strangers: he accepts, which opens the conversation
      await bob.locator('p2p-chat [part="request"] button', { hasText: 'Accept' }).click();
      await bob.locator('p2p-chat p2p-message-list li', { hasText: 'hello bob' }).waitFor();
      const direct = [await shortIn(ada), await shortIn(bob)];
      expect(direct[0]).toMatch(/^\d{4} \d{4} \d{4}$/);
      expect(direct[0]).toBe(direct[1]);
      await ada.locator('p2p-chat .safety button', { hasText: 'Mark as verified' }).click();
      await ada.locator('p2p-chat .safety .verified').waitFor();

      // Mallory takes over the signaling between them; both reload, so their next connection is new
      m = mallory(chat.server, await userOf(chat.url, people.a), await userOf(chat.url, people.b));
      await Promise.all([ada.reload(), bob.reload()]);
      await ada.locator('p2p-chat .header .name').waitFor();
      await bob.locator('p2p-chat .header .name').waitFor();
      await ada.locator('p2p-chat button.user', { hasText: people.b.username }).click();
      await sendIn(ada, 'is this still you?');
      // ada verified bob: she is warned before she sends anything more
      const warning = ada.locator('p2p-chat [part="key-changed"]');
      await warning.waitFor({ timeout: 30_000 });
      expect(await warning.textContent()).toContain('security key changed');
      expect(await ada.locator('p2p-chat p2p-composer textarea').isDisabled()).toBe(true);
      await bob.locator('p2p-chat button.user', { hasText: people.a.username }).click();
      await bob
        .locator('p2p-chat p2p-message-list li', { hasText: 'is this still you?' })
        .waitFor();
      const through = [await shortIn(ada), await shortIn(bob)];
      expect(through[0]).not.toBe(through[1]);
      expect(through[0]).not.toBe(direct[0]);
      console.log(
        `[trust e2e] direct: both ${direct[0]}; through Mallory: ada ${through[0]}, bob ${through[1]}`,
      );
    } finally {
      m?.close();
      await people.close();
      await browser.close();
      await chat.stop();
    }
  });
});

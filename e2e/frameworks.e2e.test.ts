import { describe, expect, it } from 'vitest';
import { appWithBot, person, sendIn } from './harness.js';

// The custom elements in Vue and Svelte apps, each built with Vite: properties (the client object),
// attributes that follow the app's state (the language), and the elements' DOM events in each
// framework's own syntax.
describe.each([
  ['Vue', 'vue-app'],
  ['Svelte', 'svelte-app'],
])('the elements in a %s app (examples/%s)', (framework, dir) => {
  it('registers through <p2p-login>, follows the language, and chats with the bot in <p2p-chat>', async () => {
    const { page, botAccount, problems, close } = await appWithBot(
      new URL(`../examples/${dir}/`, import.meta.url).pathname,
      dir.slice(0, 3),
    );
    try {
      // the client went in as a property, the mode as an attribute; the event came back to the app
      const me = person(dir.slice(0, 3));
      await page.locator('p2p-login input[name="username"]').fill(me.username);
      await page.locator('p2p-login input[name="email"]').fill(me.email);
      await page.locator('p2p-login input[name="password"]').fill(me.password);
      await page.locator('p2p-login button[type="submit"]').click();
      await page
        .locator('#me', { hasText: `Signed in as ${me.username} (${framework})` })
        .waitFor();
      await page.locator('p2p-chat .header .name', { hasText: me.username }).waitFor();

      // the app's state drives the element's locale attribute
      await page.getByLabel('Language').selectOption('fr');
      await page.locator('p2p-chat nav[aria-label="Conversations"]').waitFor();
      await page.locator('p2p-chat button', { hasText: 'Se déconnecter' }).waitFor();
      await page.getByLabel('Language').selectOption('en');
      await page.locator('p2p-chat button', { hasText: 'Log out' }).waitFor();

      await page.locator('p2p-chat button.user', { hasText: botAccount.username }).click();
      await sendIn(page, `hi from ${framework}`);
      await page
        .locator('p2p-chat p2p-message-list li.theirs', { hasText: `echo: hi from ${framework}` })
        .waitFor({ timeout: 30_000 });

      // logging out in the element tells the app, which shows its login again
      await page.locator('p2p-chat button', { hasText: 'Log out' }).click();
      await page.locator('p2p-login input[name="username"]').waitFor();
      expect(await page.locator('#me').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});

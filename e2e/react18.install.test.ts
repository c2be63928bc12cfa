// @p2pchat/react in a React 18 app, the lowest React its peer dependency allows (the workspace and the other
// install test use React 19): the packed SDK, elements and React package installed with npm beside React
// 18, rendered on a server in Node and run in Chromium in a Vite development build (Strict Mode).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appWithBot, person, registerIn, sendIn } from './harness.js';
import { installedApp, pack, run } from './packed.js';

const REACT_18 = '18.3.1';
const fixture = new URL('./fixtures/react18-app/', import.meta.url).pathname;
let work: string;
let app: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'p2pchat-react18-'));
  const tarballs = await pack(
    ['@p2pchat/sdk', '@p2pchat/elements', '@p2pchat/react'],
    join(work, 'packs'),
  );
  app = join(work, 'app');
  await installedApp(fixture, app, tarballs, { react: REACT_18, 'react-dom': REACT_18 });
}, 660_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe(`@p2pchat/react with React ${REACT_18}, installed from its tarball`, () => {
  it('renders its components and hooks on a server as their bare tags and empty values', async () => {
    const { stdout } = await run('node', ['ssr.mjs'], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({
      react: REACT_18,
      html:
        '<div><p2p-chat></p2p-chat><p2p-login></p2p-login>' +
        '<p>no client nobody 0 0 idle</p></div>',
    });
  });

  it('runs in Chromium under Strict Mode: one session, <P2PChat> on the hook’s client chats with the bot, its logout event reaches the app', async () => {
    const { page, botAccount, problems, sessions, close } = await appWithBot(app, 'r18', {
      mode: 'development',
      define: { 'process.env.NODE_ENV': '"development"' },
    });
    try {
      await page.locator('#react', { hasText: `React ${REACT_18}` }).waitFor();
      const me = person('r18');
      await registerIn(page, me);
      await page.locator('#me', { hasText: `Signed in as ${me.username}, 3 online` }).waitFor();
      await expect.poll(() => sessions(me.username), { timeout: 10_000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(sessions(me.username)).toBe(1);

      await page.locator('p2p-chat button.user', { hasText: botAccount.username }).click();
      await sendIn(page, 'hi from react 18');
      await page
        .locator('p2p-chat p2p-message-list li.theirs', { hasText: 'echo: hi from react 18' })
        .waitFor({ timeout: 30_000 });

      await page.locator('p2p-chat button', { hasText: 'Log out' }).click();
      await page.locator('#left', { hasText: 'Logged out 1 times' }).waitFor();
      await page.locator('#me', { hasText: 'Nobody' }).waitFor();
      await expect.poll(() => sessions(me.username), { timeout: 10_000 }).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});

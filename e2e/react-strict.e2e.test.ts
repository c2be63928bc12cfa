import { createClient } from '@p2pchat/sdk';
import { describe, expect, it } from 'vitest';
import { launchChromium, observedServer, person, viteSite } from './harness.js';

// React's Strict Mode (development builds) mounts, unmounts and mounts again; an app also remounts an
// element under a new key or hands it another server. Whatever React does, <p2p-chat> keeps exactly one
// session of its user open while it is on the page, and none once it is gone.
describe('<p2p-chat> under React 19 Strict Mode', () => {
  it('keeps one session while mounted, none after unmount, through remounts and a server change', async () => {
    const site = await viteSite(new URL('./fixtures/react-strict/', import.meta.url).pathname, {
      mode: 'development',
      define: { 'process.env.NODE_ENV': '"development"' },
    });
    const chat = await observedServer({ CORS_ORIGINS: site.url });
    const browser = await launchChromium();
    const watcher = createClient({ server: chat.url }); // in Node: memory storage
    try {
      await watcher.register(person('watch'));
      await watcher.connect();
      const page = await browser.newPage();
      const warnings: string[] = [];
      // React reports a broken effect or a bad prop as a console error; any failed request is listed by URL
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
          warnings.push(m.text());
      });
      page.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico'))
          warnings.push(`${r.status()} ${r.url()}`);
      });
      await page.goto(`${site.url}/?server=${encodeURIComponent(chat.url)}`);
      await page.waitForFunction(() => 'app' in window);
      const me = person('strict');
      const id = await page.evaluate(async (a) => (await window.app.register(a)).id, me);
      const sessions = () => watcher.users.find((u) => u.id === id)?.sessions.length ?? 0;
      const settled = async (n: number, what: string) => {
        const deadline = Date.now() + 15_000;
        while (sessions() !== n && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        expect(sessions(), what).toBe(n);
        // and it stays so: nothing left over from the first mount comes online late
        await new Promise((r) => setTimeout(r, 1_500));
        expect(sessions(), `${what}, still`).toBe(n);
      };

      for (let cycle = 0; cycle < 3; cycle++) {
        await page.evaluate(() => window.app.mount());
        await settled(1, `one session after mount ${cycle}`);
        expect(await page.evaluate(() => window.app.elements())).toBe(1);
        await page.evaluate(() => window.app.unmount());
        await settled(0, `none after unmount ${cycle}`);
      }
      await page.evaluate(() => window.app.mount('a'));
      await settled(1, 'mounted again');
      await page.evaluate(() => window.app.mount('b')); // a new key: a new element, the old one removed
      await settled(1, 'one session after a remount under a new key');
      await page.evaluate((u) => window.app.mount('b', `${u}/`), chat.url); // another server address
      await settled(1, 'one session after the server changed');
      await page.evaluate(() => window.app.unmount());
      await settled(0, 'none at the end');
      expect(warnings).toEqual([]);
    } finally {
      watcher.disconnect();
      await browser.close();
      await chat.stop();
      site.close();
    }
  });
});

declare global {
  interface Window {
    app: {
      register(a: { username: string; email: string; password: string }): Promise<{ id: string }>;
      mount(key?: string, server?: string): void;
      unmount(): void;
      elements(): number;
    };
  }
}

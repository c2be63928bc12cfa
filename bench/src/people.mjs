import { build } from 'esbuild';

// People for the benchmarks: SDK clients registered afresh and connected, keeping everything in memory. The
// same functions run in Node and, added to a page as source (`peopleSource`), in Chromium.

/** A new user on `url`, online: `{ c, user }`. `sdk` is the SDK module (or the page's `window.P2P`). */
export async function benchPerson(sdk, url, tag, extra = {}) {
  const c = sdk.createClient({
    server: url,
    storage: sdk.memoryStorage(),
    preferences: sdk.memoryPreferences(),
    history: sdk.memoryMessageStore(),
    reach: { policy: 'anyone' },
    syncHorizon: 0,
    ...extra,
  });
  const name = `${tag}${Math.random().toString(36).slice(2, 10)}`;
  const user = await c.register({
    username: name,
    email: `${name}@bench.test`,
    password: `pw-${name}-long`,
  });
  await c.connect();
  return { c, user };
}

/** Two new users who see each other online. */
export async function benchPair(sdk, url, extra = {}) {
  const [ada, bob] = [
    await benchPerson(sdk, url, 'a', extra),
    await benchPerson(sdk, url, 'b', extra),
  ];
  while (!ada.c.users.some((u) => u.id === bob.user.id)) await new Promise((r) => setTimeout(r, 5));
  return { ada, bob };
}

/** The two functions as a script for a page: they become `window.benchPerson` and `window.benchPair`. */
export const peopleSource = `${benchPerson}\n${benchPair}\nwindow.benchPerson = benchPerson;\nwindow.benchPair = benchPair;`;

/**
 * A page of `browser` on the server's own origin (Chromium keeps pages of other origins away from loopback
 * servers) holding the built SDK as a page would load it (`window.P2P`) and the functions above. The
 * server's CSP allows no inline script, and the bundle is added as one, so CSP is bypassed for this page.
 */
export async function benchPage(browser, serverUrl) {
  const sdk = (
    await build({
      entryPoints: [new URL('../../packages/sdk/dist/index.js', import.meta.url).pathname],
      bundle: true,
      format: 'iife',
      globalName: 'P2P',
      platform: 'browser',
      write: false,
    })
  ).outputFiles[0].text;
  const page = await browser.newPage({ bypassCSP: true });
  await page.goto(`${serverUrl}/healthz`);
  await page.addScriptTag({ content: sdk });
  await page.addScriptTag({ content: peopleSource });
  return page;
}

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

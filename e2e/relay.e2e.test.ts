import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCoturn, startCoturn } from '../test-support/coturn.mjs';
import type { Coturn } from '../test-support/coturn.mjs';
import type { Observed } from './harness.js';
import { launchChromium, observedServer, person, registerIn } from './harness.js';

// Chromium's own WebRTC through a real coturn: the demo page on a server that requires relay-only, the path
// checked with getStats(), and the relay killed in the middle of the conversation.
const coturn = hasCoturn();
if (!coturn)
  console.warn('relay e2e skipped: coturn (turnserver) is not installed; .ci/run installs it');

let browser: Browser;
let server: Observed;
let turn: Coturn;
beforeAll(async () => {
  if (!coturn) return;
  turn = await startCoturn();
  browser = await launchChromium();
  server = await observedServer({
    TURN_URLS: turn.url,
    TURN_SECRET: turn.secret,
    RELAY_ONLY: 'on',
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await turn?.stop();
});

// The selected candidate pair of the page's open connection to a user, from Chromium's getStats().
async function path(page: Page, userId: string) {
  return page.evaluate(async (id) => {
    type Peer = { remoteUserId: string; state: string; pc: RTCPeerConnection };
    const el = document.querySelector('p2p-chat') as unknown as {
      clients: { client: { directory: { peers: Set<Peer> } } };
    };
    const peer = [...el.clients.client.directory.peers].find(
      (p) => p.remoteUserId === id && p.state === 'open',
    );
    if (!peer) return null;
    const stats = [
      ...((await peer.pc.getStats()) as unknown as Map<string, Record<string, unknown>>).values(),
    ];
    const pair = stats.find(
      (s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded',
    );
    const c = (cid: unknown) => stats.find((s) => s.id === cid);
    const [local, remote] = [c(pair?.localCandidateId), c(pair?.remoteCandidateId)];
    return {
      local: { type: local?.candidateType, address: local?.address },
      remote: { type: remote?.candidateType, address: remote?.address },
    };
  }, userId);
}

const userIdOf = (page: Page) =>
  page.evaluate(
    () =>
      (
        document.querySelector('p2p-chat') as unknown as {
          clients: { client: { user: { id: string } } };
        }
      ).clients.client.user.id,
  );

const theirs = (page: Page) =>
  page.locator('p2p-chat p2p-message-list li.theirs .body').allTextContents();

describe.skipIf(!coturn)('relay-only in Chromium, through coturn', () => {
  it('connects through the relay only, and rides out the relay dying: reconnecting, then every message once', async () => {
    const [ctxA, ctxB] = [await browser.newContext(), await browser.newContext()];
    const [ada, bob] = [await ctxA.newPage(), await ctxB.newPage()];
    const [a, b] = [person('ada'), person('bob')];
    await ada.goto(`${server.url}/`);
    await registerIn(ada, a);
    await bob.goto(`${server.url}/`);
    await registerIn(bob, b);
    await ada.locator('p2p-chat button.user', { hasText: b.username }).click();
    const send = async (text: string) => {
      await ada.locator('p2p-chat p2p-composer textarea').fill(text);
      await ada.locator('p2p-chat p2p-composer textarea').press('Enter');
    };
    await send('through the relay');
    await bob.locator('p2p-chat [part="request"] button', { hasText: 'Accept' }).click();
    await ada.locator('p2p-chat p2p-message-list li.own', { hasText: 'Delivered' }).waitFor();

    const bobId = await userIdOf(bob);
    const adaId = await userIdOf(ada);
    for (const [page, other] of [
      [ada, bobId],
      [bob, adaId],
    ] as const) {
      const p = await path(page, other);
      expect(p?.local).toEqual({ type: 'relay', address: turn.relayIp });
      expect(p?.remote.type).toBe('relay');
    }

    await turn.kill();
    const cut = Date.now();
    await send('during one');
    await send('during two');
    await ada
      .locator('p2p-chat [part="path"]', { hasText: 'Reconnecting' })
      .waitFor({ timeout: 30_000 });
    console.log(`[relay e2e] Chromium noticed the lost path after ${Date.now() - cut} ms`);
    await turn.start();
    const back = Date.now();
    await expect
      .poll(() => theirs(bob), { timeout: 60_000 })
      .toEqual(['through the relay', 'during one', 'during two']);
    console.log(`[relay e2e] delivered ${Date.now() - back} ms after the relay came back`);
    await expect
      .poll(
        () => ada.locator('p2p-chat p2p-message-list li.own', { hasText: 'Delivered' }).count(),
        {
          timeout: 20_000,
        },
      )
      .toBe(3);
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would have arrived by now
    expect(await theirs(bob)).toEqual(['through the relay', 'during one', 'during two']);
    expect((await path(ada, bobId))?.local.type).toBe('relay');
    await ctxA.close();
    await ctxB.close();
  });
});

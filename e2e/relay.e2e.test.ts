import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCoturn, startCoturn } from '../test-support/coturn.mjs';
import type { Coturn } from '../test-support/coturn.mjs';
import type { Observed } from './harness.js';
import { launchChromium, observedServer, sendIn, twoPeople } from './harness.js';

// Chromium's own WebRTC through a real coturn: the demo page on a server that requires relay-only, the path
// checked with getStats(), refused credentials, renewed credentials on a live connection, and the relay
// killed in the middle of the conversation.
const coturn = hasCoturn();
if (!coturn)
  console.warn('relay e2e skipped: coturn (turnserver) is not installed; .ci/run installs it');

let browser: Browser;
let turn: Coturn;
const servers: Observed[] = [];
beforeAll(async () => {
  if (!coturn) return;
  turn = await startCoturn();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.stop()));
  await turn?.stop();
});

// A server that requires relay-only, with coturn's secret (or another one, to be refused).
async function relayServer(env: Record<string, string> = {}) {
  const s = await observedServer({
    TURN_URLS: turn.url,
    TURN_SECRET: turn.secret,
    RELAY_ONLY: 'on',
    ...env,
  });
  servers.push(s);
  return s;
}

// ada opens the conversation with bob, writes, and bob accepts her request.
async function converse(url: string) {
  const people = await twoPeople(browser, url);
  const { ada, bob, b } = people;
  await ada.locator('p2p-chat button.user', { hasText: b.username }).click();
  await sendIn(ada, 'through the relay');
  await bob.locator('p2p-chat [part="request"] button', { hasText: 'Accept' }).click();
  await ada.locator('p2p-chat p2p-message-list li.own', { hasText: /Delivered|Seen/ }).waitFor();
  return people;
}

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
    const server = await relayServer();
    const people = await converse(server.url);
    const { ada, bob } = people;
    const send = (text: string) => sendIn(ada, text);
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
    // and the connection panel says so, in plain words, with no address in it
    await ada.locator('p2p-chat .connection-toggle').click();
    const panel = ada.locator('p2p-chat [part="connection-panel"]');
    await panel.locator('.route.relay').waitFor();
    expect(await panel.textContent()).toMatch(
      /Through a relay server.*Your side\s*a relay server's address/s,
    );
    expect(await panel.textContent()).not.toContain(turn.relayIp);
    await ada.locator('p2p-chat .connection-toggle').click();

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
        () =>
          ada.locator('p2p-chat p2p-message-list li.own', { hasText: /Delivered|Seen/ }).count(),
        {
          timeout: 20_000,
        },
      )
      .toBe(3);
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would have arrived by now
    expect(await theirs(bob)).toEqual(['through the relay', 'during one', 'during two']);
    expect((await path(ada, bobId))?.local.type).toBe('relay');
    await people.close();
  });

  it('says so at once when the relay refuses the credentials (RELAY_FAILED), instead of hanging', async () => {
    // the server mints credentials with a secret coturn does not know
    const server = await relayServer({ TURN_SECRET: 'not-the-coturn-secret-0123' });
    const { ada, b, close } = await twoPeople(browser, server.url);
    await ada.locator('p2p-chat button.user', { hasText: b.username }).click();
    const started = Date.now();
    await sendIn(ada, 'hello?');
    await ada
      .locator('p2p-chat p2p-message-list li', { hasText: 'Could not connect through the relay' })
      .waitFor({ timeout: 15_000 });
    console.log(`[relay e2e] refused credentials shown after ${Date.now() - started} ms`);
    await ada.locator('p2p-chat p2p-message-list li.own', { hasText: 'Not delivered' }).waitFor();
    expect(turn.log).toMatch(/401/);
    await close();
  });

  it('renews TURN credentials on a live connection with an ICE restart, and it keeps working', async () => {
    const server = await relayServer({ TURN_TTL: '6' });
    const people = await converse(server.url);
    const { ada, bob } = people;
    const bobId = await userIdOf(bob);
    // Mark the connection object: an ICE restart keeps it, a rebuild would replace it.
    const mark = (page: Page, id: string) =>
      page.evaluate((userId) => {
        type Peer = { remoteUserId: string; state: string; marked?: boolean };
        const el = document.querySelector('p2p-chat') as unknown as {
          clients: { client: { directory: { peers: Set<Peer> } } };
        };
        const peers = [...el.clients.client.directory.peers].filter(
          (p) => p.remoteUserId === userId,
        );
        for (const p of peers) p.marked ??= true;
        return peers.map((p) => ({ state: p.state, marked: p.marked === true }));
      }, id);
    expect(await mark(ada, bobId)).toEqual([{ state: 'open', marked: true }]);
    const before = new Set(turn.log.match(/username=<\d+:[^>]+>/g));
    await new Promise((r) => setTimeout(r, 16_000)); // well past two lifetimes of the credentials
    await sendIn(ada, 'after the renewal');
    await expect
      .poll(() => theirs(bob), { timeout: 20_000 })
      .toEqual(['through the relay', 'after the renewal']);
    // the same connection, restarted with allocations made with newer credentials
    expect(await mark(ada, bobId)).toEqual([{ state: 'open', marked: true }]);
    const newer = (turn.log.match(/username=<\d+:[^>]+>/g) ?? []).filter((u) => !before.has(u));
    expect(newer.length).toBeGreaterThan(0);
    expect((await path(ada, bobId))?.local).toEqual({ type: 'relay', address: turn.relayIp });
    await people.close();
  });
});

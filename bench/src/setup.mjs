/* global performance, RTCPeerConnection, window -- the functions given to page.evaluate run in the browser */
// Conversation setup and round trip in Chromium: @p2pchat (two SDK clients in one page, real server on
// loopback) against a raw RTCDataChannel set up in the same page with the descriptions handed over
// directly (the floor: no server, no negotiation protocol, no acknowledgement). Median of 20 each.
//
//   pnpm build && pnpm --filter @p2pchat/bench run setup
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test-support/chromium.mjs';
import { startOurs } from './servers/start-ours.mjs';
import { benchPage } from './people.mjs';
import { writeSection } from './results.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 20);
const RUNS = Number(process.env.RUNS ?? 2);

const dataDir = mkdtempSync(join(tmpdir(), 'p2pchat-setup-'));
const server = await startOurs(dataDir);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const page = await benchPage(browser, server.url);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// One run: raw and ours in the same page, medians of ROUNDS each.
async function measure() {
  // Raw: two connections in this page, descriptions handed over directly; open → first message echoed.
  // Each round twice: making the two connections and their channels inside the timing, and before it (as
  // ours does with its spare connection, made while the client is idle).
  const raw = await page.evaluate(async (rounds) => {
    const setup = [];
    const ahead = [];
    const rtt = [];
    const make = () => {
      const [a, b] = [new RTCPeerConnection(), new RTCPeerConnection()];
      const ca = a.createDataChannel('bench', { negotiated: true, id: 0 });
      const cb = b.createDataChannel('bench', { negotiated: true, id: 0 });
      return { a, b, ca, cb };
    };
    for (let i = 0; i < 2 * rounds; i++) {
      const early = i % 2 === 1 ? make() : null;
      if (early) await new Promise((r) => setTimeout(r, 20));
      const t0 = performance.now();
      const { a, b, ca, cb } = early ?? make();
      a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
      b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
      cb.onmessage = (e) => cb.send(e.data);
      const echoed = new Promise((r) => (ca.onmessage = r));
      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription);
      await b.setLocalDescription();
      await a.setRemoteDescription(b.localDescription);
      await new Promise((r) => (ca.readyState === 'open' ? r() : (ca.onopen = r)));
      ca.send('hello');
      await echoed;
      (early ? ahead : setup).push(performance.now() - t0);
      const t1 = performance.now();
      const back = new Promise((r) => (ca.onmessage = r));
      ca.send('again');
      await back;
      rtt.push(performance.now() - t1);
      a.close();
      b.close();
    }
    return { setup, ahead, rtt };
  }, ROUNDS);

  // Ours: two people online, each round a fresh pair; conversation(b).send() until it is acknowledged
  // (delivered), then the round trip of a second message on the open connection.
  const ours = await page.evaluate(
    async ({ url, rounds }) => {
      const setup = [];
      const rtt = [];
      for (let i = 0; i < rounds; i++) {
        const { ada, bob } = await window.benchPair(window.P2P, url);
        const t0 = performance.now();
        const sent = await ada.c.conversation(bob.user.id).send('hello');
        if (sent.status !== 'delivered') throw new Error('not delivered');
        setup.push(performance.now() - t0);
        const t1 = performance.now();
        await ada.c.conversation(bob.user.id).send('again');
        rtt.push(performance.now() - t1);
        ada.c.disconnect();
        bob.c.disconnect();
      }
      return { setup, rtt };
    },
    { url: server.url, rounds: ROUNDS },
  );
  const [rawSetup, rawAhead, oursSetup, rawRtt, oursRtt] = [
    raw.setup,
    raw.ahead,
    ours.setup,
    raw.rtt,
    ours.rtt,
  ].map(median);
  return { rawSetup, rawAhead, oursSetup, rawRtt, oursRtt };
}

const runs = [];
for (let run = 1; run <= RUNS; run++) runs.push(await measure());

await browser.close();
await server.close();
rmSync(dataDir, { recursive: true, force: true });

const f = (x) => x.toFixed(1);
const r2 = (x) => `${x.toFixed(2)}×`;
runs.forEach((r, i) => {
  console.log(
    `run ${i + 1}: setup to the first acknowledged message: raw ${f(r.rawSetup)} ms, ours ${f(r.oursSetup)} ms (${r2(r.oursSetup / r.rawSetup)}); raw with its connections made beforehand ${f(r.rawAhead)} ms (${r2(r.oursSetup / r.rawAhead)}); round trip: raw ${f(r.rawRtt)} ms, ours ${f(r.oursRtt)} ms`,
  );
});
writeSection(
  'Conversation setup in Chromium',
  [
    `Medians of ${ROUNDS}, in one page of headless Chromium, ${RUNS} runs in one invocation. Raw: two RTCPeerConnections with a negotiated data channel, descriptions and candidates handed over in the page; from creating them to the first message echoed, and again with the two made beforehand (rounds alternated). Ours: two SDK clients (a fresh pair each round, already online, each holding the spare connection it makes while idle) with the real server on loopback relaying the signals; from \`conversation(peer).send()\` to its acknowledgement (\`delivered\`). Command: \`pnpm --filter @p2pchat/bench run setup\`.`,
    '',
    '| run | raw (ms) | raw, connections made beforehand (ms) | @p2pchat (ms) | ours / raw | ours / raw made beforehand | round trip on an open connection, raw / ours (ms) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${f(r.rawSetup)} | ${f(r.rawAhead)} | ${f(r.oursSetup)} | ${r2(r.oursSetup / r.rawSetup)} | ${r2(r.oursSetup / r.rawAhead)} | ${f(r.rawRtt)} / ${f(r.oursRtt)} |`,
    ),
  ].join('\n'),
);
console.log('wrote bench/RESULTS.md');

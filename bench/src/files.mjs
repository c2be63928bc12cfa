/* global performance, RTCPeerConnection, window, Blob -- the functions given to page.evaluate run in the browser */
// File throughput: 64 MiB from one SDK client to another (sendFile, the receiver's default Blob sink, the
// SHA-256 checked), against a raw RTCDataChannel in the same run sending the same bytes with the best of a
// few chunk sizes and buffer thresholds (no hashing, no protocol: the floor). In Chromium (both ends in one
// page, so one thread hashes for both) and in Node over node-datachannel (both ends in one process). Two
// runs each. Prints figures and writes the "Files" section of bench/RESULTS.md.
//
//   pnpm build && pnpm --filter @p2pchat/bench files
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RTCPeerConnection as NodeRTCPeerConnection } from 'node-datachannel/polyfill';
import { chromium } from 'playwright-core';
import * as sdk from '@p2pchat/sdk';
import { benchPage, benchPair } from './people.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test-support/chromium.mjs';
import { startOurs } from './servers/start-ours.mjs';
import { writeSection } from './results.mjs';

const MIB = Number(process.env.MIB ?? 64);
const WHERE = (process.env.WHERE ?? 'chromium,node').split(',');
const RUNS = Number(process.env.RUNS ?? 2);
const mibps = (bytes, ms) => bytes / 2 ** 20 / (ms / 1000);

// Raw: a pair of connections with the descriptions handed over directly; `size` bytes in `chunk`-byte
// messages, pausing above `high` bytes buffered until bufferedamountlow (at high / 2); the time until the
// receiver has every byte.
async function rawRun(RTC, size, chunk, high, config = {}) {
  const [a, b] = [new RTC(config), new RTC(config)];
  // candidates wait until the other side has a remote description (libdatachannel refuses them before)
  const ready = { a: null, b: null };
  const ice = (to, key) => (e) => {
    if (!e.candidate) return;
    const add = () => to.addIceCandidate(e.candidate).catch(() => undefined);
    if (ready[key]) add();
    else (ready[`${key}q`] ??= []).push(add);
  };
  a.onicecandidate = ice(b, 'b');
  b.onicecandidate = ice(a, 'a');
  const described = (key) => {
    ready[key] = true;
    for (const add of ready[`${key}q`] ?? []) add();
  };
  const ca = a.createDataChannel('bench', { negotiated: true, id: 0 });
  const cb = b.createDataChannel('bench', { negotiated: true, id: 0 });
  cb.binaryType = 'arraybuffer';
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  described('b');
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  described('a');
  await new Promise((r) => (ca.readyState === 'open' ? r() : (ca.onopen = r)));
  let got = 0;
  const done = new Promise((r) => {
    cb.onmessage = (e) => {
      got += e.data.byteLength;
      if (got >= size) r();
    };
  });
  ca.bufferedAmountLowThreshold = high / 2;
  const data = new Uint8Array(chunk);
  const t0 = performance.now();
  for (let sent = 0; sent < size;) {
    if (ca.bufferedAmount > high) {
      await new Promise((r) => (ca.onbufferedamountlow = r));
      continue;
    }
    ca.send(data);
    sent += chunk;
  }
  await done;
  const ms = performance.now() - t0;
  a.close();
  b.close();
  return ms;
}

const GRID = [
  [16 * 1024, 1024 * 1024],
  [64 * 1024, 4 * 1024 * 1024],
  [256 * 1024, 4 * 1024 * 1024],
  [256 * 1024, 8 * 1024 * 1024],
];

const dataDir = mkdtempSync(join(tmpdir(), 'p2pchat-files-'));
const server = await startOurs(dataDir);
const rows = [];

// ---- Chromium ----
if (WHERE.includes('chromium')) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page = await benchPage(browser, server.url);
  await page.addScriptTag({ content: `${rawRun.toString()}\nwindow.rawRun = rawRun;` });

  for (let run = 1; run <= RUNS; run++) {
    let best = { ms: Infinity };
    for (const [chunk, high] of GRID) {
      const ms = await page.evaluate(
        ([size, c, h]) => window.rawRun(RTCPeerConnection, size, c, h),
        [MIB * 2 ** 20, chunk, high],
      );
      if (ms < best.ms) best = { ms, chunk, high };
    }
    const ours = await page.evaluate(
      async ({ url, mib }) => {
        const { ada, bob } = await window.benchPair(window.P2P, url);
        await ada.c.conversation(bob.user.id).send('hi'); // the connection is open before the clock starts
        const file = new Blob([new Uint8Array(mib * 2 ** 20)]);
        const offered = new Promise((r) => bob.c.on('file', r));
        const t0 = performance.now();
        const t = await ada.c.conversation(bob.user.id).sendFile(file, { name: 'bench.bin' });
        const incoming = await offered;
        incoming.accept();
        await incoming.done;
        await t.done;
        const ms = performance.now() - t0;
        ada.c.disconnect();
        bob.c.disconnect();
        return ms;
      },
      { url: server.url, mib: MIB },
    );
    rows.push({ where: 'Chromium', run, raw: best, ours });
    console.log(
      `Chromium run ${run}: raw ${mibps(MIB * 2 ** 20, best.ms).toFixed(0)} MiB/s (chunk ${best.chunk / 1024} KiB, ` +
        `high ${best.high / 2 ** 20} MiB), ours ${mibps(MIB * 2 ** 20, ours).toFixed(0)} MiB/s ` +
        `(${(best.ms / ours).toFixed(2)}× raw)`,
    );
  }
  await browser.close();
}

// ---- Node, node-datachannel ----
const nodeConfig = { bindAddress: '127.0.0.1' };
for (let run = 1; WHERE.includes('node') && run <= RUNS; run++) {
  let best = { ms: Infinity };
  for (const [chunk, high] of GRID.filter(([c]) => c <= 64 * 1024)) {
    const ms = await rawRun(NodeRTCPeerConnection, MIB * 2 ** 20, chunk, high, nodeConfig);
    if (ms < best.ms) best = { ms, chunk, high };
  }
  const { ada, bob } = await benchPair(sdk, server.url, {
    rtc: { RTCPeerConnection: NodeRTCPeerConnection, config: nodeConfig },
  });
  await ada.c.conversation(bob.user.id).send('hi');
  const offered = new Promise((r) => bob.c.on('file', r));
  const t0 = performance.now();
  const t = await ada.c
    .conversation(bob.user.id)
    .sendFile(new Blob([new Uint8Array(MIB * 2 ** 20)]), { name: 'bench.bin' });
  const incoming = await offered;
  incoming.accept();
  await incoming.done;
  await t.done;
  const ours = performance.now() - t0;
  ada.c.disconnect();
  bob.c.disconnect();
  rows.push({ where: 'Node (node-datachannel)', run, raw: best, ours });
  console.log(
    `Node run ${run}: raw ${mibps(MIB * 2 ** 20, best.ms).toFixed(0)} MiB/s (chunk ${best.chunk / 1024} KiB), ` +
      `ours ${mibps(MIB * 2 ** 20, ours).toFixed(0)} MiB/s (${(best.ms / ours).toFixed(2)}× raw)`,
  );
}
await server.close();
rmSync(dataDir, { recursive: true, force: true });

writeSection(
  'Files',
  [
    `${MIB} MiB from one client to another on this machine, both ends in one page (Chromium) or one process (Node), after the connection is open: ours is \`sendFile\` to \`done\` (offer, accept, bytes on a channel of their own, the receiver's Blob sink, SHA-256 checked on arrival, confirmation); raw is one RTCDataChannel sending the same bytes with the best of ${GRID.length} chunk sizes and buffer thresholds, nothing else. Command: \`pnpm --filter @p2pchat/bench files\`.`,
    '',
    '| where | run | raw | ours | ours / raw |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.where} | ${r.run} | ${mibps(MIB * 2 ** 20, r.raw.ms).toFixed(0)} MiB/s (${r.raw.chunk / 1024} KiB chunks, ${r.raw.high / 2 ** 20} MiB buffered) | ${mibps(MIB * 2 ** 20, r.ours).toFixed(0)} MiB/s | ${(r.raw.ms / r.ours).toFixed(2)} |`,
    ),
  ].join('\n'),
);
process.exit(0);

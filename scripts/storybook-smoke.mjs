#!/usr/bin/env node
/* global document */ // the waitForFunction callback runs in the page
// Opens every story of a built Storybook (served over http, as it must be) in headless Chromium and checks
// that it renders its element without errors. Writes passed/failed counts to RESULTS_FILE when set.
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test-support/chromium.mjs';

const dir = new URL(
  `../${process.argv[2] ?? 'packages/elements/storybook-static'}/`,
  import.meta.url,
).pathname;
if (!existsSync(join(dir, 'index.json'))) {
  console.error(`no Storybook build in ${dir}`);
  process.exit(1);
}
const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
    /^(\.\.[/\\])+/,
    '',
  );
  if (path === '/favicon.ico') {
    res.writeHead(204).end(); // asked once per browser by Chromium itself; not part of the build
    return;
  }
  const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
  if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

// What a story must show, beyond rendering its element without errors.
const expectations = {
  'elements-p2p-login--wrong-password': 'That e-mail, username or password is not right.',
  'elements-p2p-login--taken-username': 'That username or e-mail address is already taken.',
  'elements-p2p-login--rate-limited': 'Too many attempts',
  'elements-p2p-login--server-unreachable': 'Cannot reach the chat server',
  'elements-p2p-chat--typing': 'is typing',
  'elements-p2p-chat--long-conversation': 'Message number 59',
  'elements-p2p-chat--right-to-left': 'שלום! מה שלומך?',
  // markup from a peer is shown as text
  'elements-p2p-message-list--hostile-content': '<img src=x onerror=alert(1)>',
  'elements-p2p-message-list--conversation': 'Are we still on for Friday?',
  'elements-p2p-composer--replying': 'Replying to Bob',
};

const stories = Object.values(
  JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).entries,
).filter((e) => e.type === 'story');
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const totals = { passed: 0, failed: 0, skipped: 0 };
try {
  for (const story of stories) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
    let problem = '';
    try {
      await page.goto(`${base}/iframe.html?id=${story.id}&viewMode=story`, { waitUntil: 'load' });
      const want = expectations[story.id];
      await page.waitForFunction(
        (text) => {
          // All text under a node, through shadow roots.
          const deepText = (node) =>
            node.nodeType === 3
              ? node.textContent
              : (node.shadowRoot ? deepText(node.shadowRoot) : '') +
                [...node.childNodes].map(deepText).join('');
          const el = document
            .querySelector('#storybook-root')
            ?.querySelector('p2p-chat, p2p-login, p2p-composer, p2p-message-list');
          return (
            Boolean(el?.shadowRoot?.childElementCount) && (!text || deepText(el).includes(text))
          );
        },
        want,
        { timeout: 10_000 },
      );
      if (errors.length) problem = errors.join('; ');
    } catch (err) {
      problem = `did not render${expectations[story.id] ? ` "${expectations[story.id]}"` : ''}: ${err.message.split('\n')[0]} ${errors.join('; ')}`;
    }
    totals[problem ? 'failed' : 'passed'] += 1;
    console.log(
      `${problem ? 'FAIL' : 'ok  '} ${story.title} / ${story.name}${problem ? `: ${problem}` : ''}`,
    );
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`storybook: ${totals.passed} passed, ${totals.failed} failed`);
if (process.env.RESULTS_FILE) writeFileSync(process.env.RESULTS_FILE, JSON.stringify(totals));
process.exitCode = totals.failed ? 1 : 0;

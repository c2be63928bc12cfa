#!/usr/bin/env node
// Builds the API reference of the SDK, the elements, the React package and the server from their TSDoc into docs/api/
// (TypeDoc; typedoc.json). Any warning fails it: a broken {@link}, an exported name without a comment, a
// type the API uses but does not export. Then checks that the pages people look for first are there.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'docs', 'api');
execFileSync('pnpm', ['exec', 'typedoc', '--logLevel', 'Warn'], { cwd: root, stdio: 'inherit' });

// page, and what it must say
const expected = [
  ['functions/_p2pchat_sdk.index.createClient.html', 'createClient'],
  ['classes/_p2pchat_sdk.index.P2PClient.html', 'conversation'],
  ['classes/_p2pchat_sdk.index.Conversation.html', 'connections'],
  ['classes/_p2pchat_sdk.index.Conversation.html', 'safetyNumbers'],
  ['interfaces/_p2pchat_sdk.index.ConnectionInfo.html', 'rttMs'],
  ['classes/_p2pchat_elements.P2PChatElement.html', 'locale'],
  ['functions/_p2pchat_elements.loadTranslation.html', 'loadTranslation'],
  ['functions/_p2pchat_react.useConversation.html', 'useConversation'],
  ['functions/_p2pchat_server.startServer.html', 'startServer'],
];
const missing = expected.filter(([page, text]) => {
  const file = join(out, page);
  return !existsSync(file) || !readFileSync(file, 'utf8').includes(text);
});
if (missing.length > 0) {
  for (const [page, text] of missing)
    console.error(`api reference: ${page} is missing or lacks "${text}"`);
  process.exit(1);
}
const pages = readdirSync(out, { recursive: true }).filter((f) =>
  String(f).endsWith('.html'),
).length;
console.log(`api reference: ${pages} pages in docs/api/ (open docs/api/index.html)`);

// Browser bundle sizes, ours beside the peers, measured the same way as the test run's budgets
// (scripts/bundle-size.mjs).
// Run after `pnpm build`:  pnpm --filter @p2pchat/bench sizes
import { kb, measureBundle } from '../../scripts/bundle-size.mjs';
import { writeSection } from './results.mjs';

const bench = new URL('..', import.meta.url).pathname;
const repo = new URL('../..', import.meta.url).pathname;
const entries = [
  { name: '@p2pchat/sdk', file: `${repo}packages/sdk/dist/index.js` },
  {
    name: '`<p2p-chat>` single file (@p2pchat/elements)',
    file: `${repo}packages/elements/dist/p2pchat-elements.js`,
  },
  { name: 'peerjs', code: "export * from 'peerjs';" },
  // its npm entry needs Node's `events` polyfilled; its own browser build is what a page loads
  {
    name: 'simple-peer (simplepeer.min.js)',
    file: `${bench}node_modules/simple-peer/simplepeer.min.js`,
  },
  { name: 'trystero (nostr)', code: "export * from 'trystero';" },
  { name: 'socket.io-client', code: "export * from 'socket.io-client';" },
];

const rows = [];
for (const e of entries) {
  const input = e.file
    ? { entryPoints: [e.file] }
    : { stdin: { contents: e.code, resolveDir: bench } };
  const out = await measureBundle(input).catch((err) => ({ error: err }));
  if ('error' in out) {
    console.log(
      `${e.name}: does not bundle for the browser as is (${out.error.message.split('\n')[0]})`,
    );
    rows.push({ name: e.name, error: true });
    continue;
  }
  const { min, gz, br } = out;
  // what a page loads at first, leaving out what the bundle fetches on demand (import())
  const first = await measureBundle(input, { lazy: 'external' });
  rows.push({ name: e.name, min, gz, br, firstGz: first.gz });
  console.log(
    `${e.name}: ${kb(min)} minified, ${kb(gz)} gzip, ${kb(br)} brotli; first load ${kb(first.gz)} gzip`,
  );
}

const sdk = rows[0];
writeSection(
  'Bundle sizes',
  [
    'Each package with its dependencies, bundled for the browser by esbuild (minified), by one script: `pnpm --filter @p2pchat/bench sizes` (after `pnpm build`). The first three figures hold everything, what loads on demand (`import()`) included; "first load" leaves that out, as the budgets of `node scripts/size.mjs` do. The aims are the SDK under 22 KB and `<p2p-chat>` at most 40 KB gzipped.',
    '',
    '| package | minified | gzip | brotli | first load, gzip | first load against the SDK |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      r.error
        ? `| ${r.name} | does not bundle as is | | | | |`
        : `| ${r.name} | ${kb(r.min)} | ${kb(r.gz)} | ${kb(r.br)} | ${kb(r.firstGz)} | ${(r.firstGz / sdk.firstGz).toFixed(2)}× |`,
    ),
  ].join('\n'),
);
console.log('wrote bench/RESULTS.md');

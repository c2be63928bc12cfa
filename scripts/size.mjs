#!/usr/bin/env node
// Prints the size of each browser bundle: the package with all its dependencies, minified, as a browser
// app would ship it, then gzipped and brotli-compressed. Run after `pnpm build`.
import { existsSync } from 'node:fs';
import { kb, measureBundle } from './bundle-size.mjs';

const root = new URL('..', import.meta.url).pathname;
const bundles = [
  // name, entry, aim (gzip bytes), what it is compared with
  {
    name: '@p2pchat/sdk',
    entry: 'packages/sdk/dist/index.js',
    aim: 22 * 1024,
    // the most it may weigh now: a growth past it fails the run (lower it as the bundle shrinks).
    // 33 → 35 KB (2026-12-03): file transfers (7.8 KB) and safety numbers load on demand; what stays in
    // the first load is the file frames' validation, the loaders, and the verified-contacts check run on
    // every connection. 35 → 34 KB (2026-12-04): the IndexedDB stores (history, certificates) and `idb`
    // load on first use, after login.
    budget: 34 * 1024,
    // measured by bench/src/sizes.mjs in the same way (2026-12-02)
    peers: { 'PeerJS 1.5.5': 30.9 * 1024, 'Trystero 0.25.4': 22.2 * 1024 },
  },
  // The single-file bundle: Lit, the SDK and every element, for a plain <script type="module"> (and its
  // on-demand chunks in the folder beside it).
  {
    name: '@p2pchat/elements (single file)',
    entry: 'packages/elements/dist/p2pchat-elements.js',
    aim: 40 * 1024,
    // 53 → 68 → 60 KB (2026-12-03): file transfers, safety numbers and verified contacts first grew the
    // one file to 68 KB; now it loads what only some pages use (file transfers, safety numbers, connection
    // stats, translations) from chunks beside it, and the first load is measured alone. 61 KB with the
    // language choice (`locale`, the inherited `lang`) and its loader. 61 → 59.5 KB (2026-12-04): the
    // SDK's IndexedDB stores load on first use.
    budget: 59.5 * 1024,
    peers: { 'deep-chat': 110 * 1024 },
  },
];

for (const b of bundles) {
  const entry = root + b.entry;
  if (!existsSync(entry)) {
    console.log(`${b.name}: ${b.entry} is missing (run pnpm build)`);
    process.exitCode = 1;
    continue;
  }
  // What a page loads at first; code the bundle loads on demand (file transfers) is weighed apart.
  const { min, gz, br, metafile } = await measureBundle(
    { entryPoints: [entry] },
    { lazy: 'external' },
  );
  console.log(
    `${b.name}: ${kb(min)} minified, ${kb(gz)} gzip, ${kb(br)} brotli (aim: ${kb(b.aim)}, budget: ${kb(b.budget)} gzip)`,
  );
  const all = await measureBundle({ entryPoints: [entry] });
  if (all.gz > gz)
    console.log(`  + ${kb(all.gz - gz)} gzip loaded on demand (${kb(all.gz)} with everything)`);
  for (const [peer, size] of Object.entries(b.peers)) {
    console.log(`  vs ${peer} ${kb(size)} gzip: ${(gz / size).toFixed(2)}x`);
  }
  // Where the bytes go, by package, largest first.
  const byPackage = new Map();
  for (const [file, info] of Object.entries(Object.values(metafile.outputs)[0]?.inputs ?? {})) {
    const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(file);
    const pkg = m ? m[1] : b.name;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + info.bytesInOutput);
  }
  for (const [pkg, bytes] of [...byPackage].sort((x, y) => y[1] - x[1]))
    console.log(`  ${pkg}: ${kb(bytes)} minified`);
  if (gz > b.aim) console.log(`  over the aim by ${kb(gz - b.aim)}`);
  if (gz > b.budget) {
    console.log(
      `  OVER THE BUDGET by ${kb(gz - b.budget)}: make it smaller, or raise the budget on purpose`,
    );
    process.exitCode = 1;
  }
}
// The aim is where we want to be; the budget, where we are: a bundle that grows past it fails the run, as
// does a missing build.

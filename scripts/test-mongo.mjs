#!/usr/bin/env node
// `pnpm test:mongo`: the store contract suite against a real MongoDB (the one named by MONGODB_URI, each run in
// databases of its own). CI here has no mongod (none can be installed on these machines), so this is the
// one way to run the MongoDB adapter's tests.
import { spawnSync } from 'node:child_process';

if (!/^mongodb(\+srv)?:\/\//.test(process.env.MONGODB_URI ?? '')) {
  console.error(
    'test:mongo: set MONGODB_URI to a MongoDB you may write to, e.g.\n' +
      '  MONGODB_URI=mongodb://127.0.0.1:27017 pnpm test:mongo',
  );
  process.exit(2);
}
const run = spawnSync(
  'pnpm',
  ['exec', 'vitest', 'run', '--project', 'server', 'test/store.test.ts'],
  {
    stdio: 'inherit',
  },
);
process.exit(run.status ?? 1);

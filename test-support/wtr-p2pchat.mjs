// Shared by the packages' web-test-runner configs: Chromium flags, a real @p2pchat server for the run, code
// bundled from sources as an app's bundler would, and a reporter whose counts scripts/test.mjs reads.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { defaultReporter } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { a11ySnapshotPlugin } from '@web/test-runner-commands/plugins';
import { startTestServer } from './server.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

/**
 * A dev-server plugin: starts the real server (GET /p2pchat-server.json tells its URL; GET
 * /p2pchat-server/restart restarts it on the same port and store), serves each `bundles` entry bundled with
 * its dependencies (GET /<name>.js), and axe-core (GET /axe.js).
 */
export function p2pchatServer(bundles, define = {}) {
  let server;
  const built = new Map();
  const require = createRequire(import.meta.url);
  return {
    name: 'p2pchat-server',
    async serverStart() {
      for (const [name, entry] of Object.entries(bundles)) {
        const out = await build({
          entryPoints: [entry],
          bundle: true,
          format: 'esm',
          platform: 'browser',
          target: 'es2022',
          sourcemap: 'inline',
          conditions: ['@p2pchat/source'],
          define,
          write: false,
        });
        built.set(`/${name}.js`, out.outputFiles[0].text);
      }
      server = await startTestServer({ env: { CORS_ORIGINS: '*' }, name: 'wtr' });
    },
    async serverStop() {
      await server?.stop();
    },
    async serve(context) {
      if (context.path === '/p2pchat-server.json')
        return { body: JSON.stringify({ url: server.url }), type: 'json' };
      if (built.has(context.path)) return { body: built.get(context.path), type: 'js' };
      if (context.path === '/axe.js') {
        const file = require.resolve('axe-core/axe.min.js', { paths: [process.cwd()] });
        return { body: readFileSync(file, 'utf8'), type: 'js' };
      }
      if (context.path === '/p2pchat-server/restart') {
        // The same port and store, as after a deploy; browsers must reconnect by themselves.
        await server.restart();
        return { body: JSON.stringify({ url: server.url }), type: 'json' };
      }
      return undefined;
    },
  };
}

/** Writes passed/failed/skipped counts to `file` (scripts/test.mjs sets WTR_RESULTS_FILE). */
export function countingReporter(file) {
  const count = (suite, totals) => {
    for (const t of suite?.tests ?? [])
      totals[t.skipped ? 'skipped' : t.passed ? 'passed' : 'failed'] += 1;
    for (const s of suite?.suites ?? []) count(s, totals);
    return totals;
  };
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        count(session.testResults, totals);
        // a file that failed to load or threw outside a test counts as a failure
        if (!session.passed && (session.errors?.length ?? 0) > 0) totals.failed += 1;
      }
      if (file) writeFileSync(file, JSON.stringify(totals));
    },
  };
}

/**
 * A package's web-test-runner config: its test files, the sources to bundle and serve by name, and what the
 * bundler replaces in them (`define`, as an app's bundler sets `process.env.NODE_ENV` for React).
 */
export function wtrConfig({ files, bundles, define }) {
  return {
    files,
    nodeResolve: true,
    // a11ySnapshot: Chromium's accessibility tree (names and descriptions as a screen reader gets them)
    plugins: [
      esbuildPlugin({ ts: true, target: 'es2022' }),
      p2pchatServer(bundles, define),
      a11ySnapshotPlugin(),
    ],
    browsers: [
      chromeLauncher({
        launchOptions: { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS },
      }),
    ],
    concurrency: 1,
    testFramework: { config: { timeout: 30000 } },
    browserStartTimeout: 60000,
    testsFinishTimeout: 180000,
    reporters: [defaultReporter(), countingReporter(process.env.WTR_RESULTS_FILE)],
  };
}

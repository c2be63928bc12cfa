// Browser tests of the SDK in real Chromium, against a real server started here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { build } from 'esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { loadConfig, startServer } from '../server/dist/index.js';

// Flags measured to work headless as root here (ENVIRONMENT.md); the mDNS switch keeps host candidates local.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/**
 * Starts the real server for the test run and tells the page where it is (GET /p2pchat-server.json), and
 * serves the SDK bundled from its sources as an app's bundler would (GET /p2pchat-sdk.js), and restarts
 * the server on request (GET /p2pchat-server/restart).
 */
function p2pchatServer() {
  let server;
  let dataDir;
  let bundle;
  const config = (port) =>
    loadConfig({
      PORT: port,
      DATA_DIR: dataDir,
      STUN_URLS: '',
      LOG_LEVEL: 'silent',
      CORS_ORIGINS: '*',
      NODE_ID: 'wtr',
      AUTH_RATE_LIMIT_IP: '100000',
      AUTH_RATE_LIMIT_ACCOUNT: '100000',
    });
  return {
    name: 'p2pchat-server',
    async serverStart() {
      const out = await build({
        entryPoints: [new URL('./src/index.ts', import.meta.url).pathname],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        sourcemap: 'inline',
        write: false,
      });
      bundle = out.outputFiles[0].text;
      dataDir = mkdtempSync(join(tmpdir(), 'p2pchat-wtr-'));
      server = await startServer(config('0'));
    },
    async serverStop() {
      await server?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    serve(context) {
      if (context.path === '/p2pchat-server.json')
        return { body: JSON.stringify({ url: server.url }), type: 'json' };
      if (context.path === '/p2pchat-sdk.js') return { body: bundle, type: 'js' };
      if (context.path === '/p2pchat-server/restart') {
        // The same port and store, as after a deploy; browsers must reconnect by themselves.
        return (async () => {
          const port = String(server.port);
          await server.close();
          server = await startServer(config(port));
          return { body: JSON.stringify({ url: server.url }), type: 'json' };
        })();
      }
    },
  };
}

/** Writes passed/failed/skipped counts where scripts/test.mjs reads them. */
function countingReporter(file) {
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

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: { exportConditions: ['@p2pchat/source', 'browser', 'development'] },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), p2pchatServer()],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS },
    }),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 30000 } },
  browserStartTimeout: 60000,
  testsFinishTimeout: 180000,
  reporters: [
    (await import('@web/test-runner')).defaultReporter(),
    countingReporter(process.env.WTR_RESULTS_FILE),
  ],
};

// Browser tests of the elements in real Chromium, against a real server (see test-support/wtr-p2pchat.mjs).
import { defaultReporter } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, countingReporter, p2pchatServer } from '../../test-support/wtr-p2pchat.mjs';

export default {
  files: ['test/**/*.test.ts'],
  nodeResolve: true,
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022' }),
    p2pchatServer({
      'p2pchat-elements': new URL('./src/index.ts', import.meta.url).pathname,
      'p2pchat-sdk': new URL('../sdk/src/index.ts', import.meta.url).pathname,
    }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS },
    }),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 30000 } },
  browserStartTimeout: 60000,
  testsFinishTimeout: 180000,
  reporters: [defaultReporter(), countingReporter(process.env.WTR_RESULTS_FILE)],
};

// Browser tests of the SDK in real Chromium, against a real server (see test-support/wtr-p2pchat.mjs).
import { wtrConfig } from '../../test-support/wtr-p2pchat.mjs';

export default wtrConfig({
  files: ['test/browser/**/*.test.ts'],
  bundles: { 'p2pchat-sdk': new URL('./src/index.ts', import.meta.url).pathname },
});

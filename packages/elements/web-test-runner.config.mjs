// Browser tests of the elements in real Chromium, against a real server (see test-support/wtr-p2pchat.mjs).
import { wtrConfig } from '../../test-support/wtr-p2pchat.mjs';

export default wtrConfig({
  files: ['test/**/*.test.ts'],
  bundles: {
    'p2pchat-elements': new URL('./src/index.ts', import.meta.url).pathname,
    'p2pchat-sdk': new URL('../sdk/src/index.ts', import.meta.url).pathname,
  },
});

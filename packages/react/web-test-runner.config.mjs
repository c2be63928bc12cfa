// The hooks and components in real Chromium under React's development build (Strict Mode runs every effect
// twice there), against a real server (see test-support/wtr-p2pchat.mjs).
import { wtrConfig } from '../../test-support/wtr-p2pchat.mjs';

export default wtrConfig({
  files: ['test/browser/**/*.test.ts'],
  bundles: { 'p2pchat-react': new URL('./test/browser/bundle.ts', import.meta.url).pathname },
  define: { 'process.env.NODE_ENV': '"development"' },
});

import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  // tsup 8 sets baseUrl for its declaration build, which TypeScript 6 flags as deprecated.
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // React, Lit's React wrapper, the elements and the SDK stay dependencies, shared with the app.
  external: ['react', /^@lit\//, /^lit/, /^@p2pchat\//],
});

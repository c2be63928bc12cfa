import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  // tsup 8 sets baseUrl for its declaration build, which TypeScript 6 flags as deprecated.
  dts: { entry: { index: 'src/index.ts' }, compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // The shared wire contract is a dependency, resolved at run time from @p2pchat/sdk.
  external: ['@p2pchat/sdk'],
});

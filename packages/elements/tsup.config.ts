import { defineConfig } from 'tsup';

export default defineConfig([
  // For bundlers: Lit and the SDK stay dependencies, shared with the app.
  {
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    // tsup 8 sets baseUrl for its declaration build, which TypeScript 6 flags as deprecated.
    dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'browser',
    external: [/^lit/, /^@lit\//, /^@p2pchat\/sdk/],
  },
  // For a plain <script type="module">: one file with Lit and the SDK inside, and its on-demand chunks.
  {
    entry: { 'p2pchat-elements': 'src/index.ts' },
    format: ['esm'],
    sourcemap: true,
    minify: true,
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
    // One file for the first load; what is loaded on demand (file transfers, safety numbers, connection
    // stats, each translation) goes into chunks in dist/p2pchat-elements/, fetched beside it when needed.
    splitting: true,
    esbuildOptions(options) {
      options.legalComments = 'none';
      options.conditions = ['browser', 'import', 'default'];
      options.chunkNames = 'p2pchat-elements/[name]-[hash]';
    },
    // The SDK's certificate files for Node (`certificateDir`) never run in a page: left out, not inlined.
    esbuildPlugins: [
      {
        name: 'node-only-chunks',
        setup(build) {
          build.onResolve({ filter: /node-certificate/ }, (args) =>
            args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
          );
        },
      },
    ],
  },
]);

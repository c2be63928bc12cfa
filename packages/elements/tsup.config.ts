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
  // For a plain <script type="module">: one file with Lit and the SDK inside.
  {
    entry: { 'p2pchat-elements': 'src/index.ts' },
    format: ['esm'],
    sourcemap: true,
    minify: true,
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
    // one file: code the SDK loads on demand (file transfers) is inlined rather than split into a chunk
    splitting: false,
    esbuildOptions(options) {
      options.legalComments = 'none';
      options.conditions = ['browser', 'import', 'default'];
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

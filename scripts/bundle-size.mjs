// One way to measure a browser bundle, for scripts/size.mjs (our budgets) and bench/src/sizes.mjs (ours
// beside the peers): the entry with all its dependencies, bundled for the browser by esbuild, minified,
// then gzip (level 9) and brotli (quality 11).
import { build } from 'esbuild';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * Measures `input` (esbuild's `entryPoints` or `stdin`); answers the sizes in bytes and esbuild's
 * metafile. Rejects when it does not bundle.
 */
export async function measureBundle(input, { lazy = 'inline' } = {}) {
  // lazy: 'external' leaves out what the bundle loads only on demand (import()), to weigh the first load
  // (the SDK's Node-only certificate code never loads in a page, and the single file leaves it out)
  const nodeOnly = /node-certificate/;
  const plugins = [
    {
      name: 'lazy-external',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) =>
          args.kind === 'dynamic-import' && (lazy === 'external' || nodeOnly.test(args.path))
            ? { path: args.path, external: true }
            : undefined,
        );
      },
    },
  ];
  const out = await build({
    ...input,
    plugins,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    legalComments: 'none',
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].contents;
  return {
    min: code.length,
    gz: gzipSync(code, { level: 9 }).length,
    br: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    metafile: out.metafile,
  };
}

/** Kilobytes, as the reports print them. */
export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

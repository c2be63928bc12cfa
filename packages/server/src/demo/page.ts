import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { Router } from 'express';
import { Router as createRouter } from 'express';
import { AppError } from '../domain/errors.js';
import type { OriginPolicy } from '../http/origins.js';

// The demo page: <p2p-chat> from the single-file bundle of @p2pchat/elements, on the server's own origin,
// so it needs no CORS and no configuration. Texts are static; the element renders everything users type.
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>@p2pchat demo</title>
    <link rel="icon" href="data:," />
    <style>
      body { margin: 0; font-family: system-ui, sans-serif; background: #f9fafb; color: #111827; }
      main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
      h1 { font-size: 1.25rem; margin: 0 0 0.25rem; }
      p { margin: 0 0 1rem; color: #4b5563; }
      p2p-chat { --p2p-height: calc(100vh - 7rem); }
      @media (prefers-color-scheme: dark) { body { background: #030712; color: #f9fafb; } p { color: #d1d5db; } }
    </style>
    <script type="module" src="/p2pchat-elements.js"></script>
  </head>
  <body>
    <main>
      <h1>@p2pchat</h1>
      <p>Register two users in two windows, and chat: messages go browser to browser, never through this server.</p>
      <p2p-chat server="/" notifications title-badge></p2p-chat>
    </main>
  </body>
</html>
`;

/** Where the single-file elements bundle is, if @p2pchat/elements is installed and built. */
function bundlePath(): string | null {
  try {
    return createRequire(import.meta.url).resolve('@p2pchat/elements/bundle');
  } catch {
    return null;
  }
}

/** The path the single-file elements bundle is served at. */
export const ELEMENTS_BUNDLE_PATH = '/p2pchat-elements.js';
/** Where the chunks it loads on demand (files, translations) are served: beside it, as it asks for them. */
export const ELEMENTS_CHUNKS_PATH = '/p2pchat-elements/';

// The bundle and every chunk beside it, read once: path served → bytes. Only plain file names are served.
function bundleFiles(path: string): Map<string, Buffer> {
  const files = new Map([[ELEMENTS_BUNDLE_PATH, readFileSync(path)]]);
  const dir = join(dirname(path), 'p2pchat-elements');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // a bundle built without chunks
  }
  for (const name of names)
    if (/^[\w-]+\.js$/.test(name))
      files.set(ELEMENTS_CHUNKS_PATH + name, readFileSync(join(dir, name)));
  return files;
}

/**
 * The single-file elements bundle at {@link ELEMENTS_BUNDLE_PATH} and its on-demand chunks under
 * {@link ELEMENTS_CHUNKS_PATH}, for the demo page and for pages on the origins in `CORS_ORIGINS`
 * (`<script type="module" src="https://chat.example.com/p2pchat-elements.js">`): a module script is fetched
 * with CORS, so an allowed origin gets `Access-Control-Allow-Origin` and a cross-origin resource policy; any
 * other origin gets `403 ORIGIN_NOT_ALLOWED` and neither. Null when the bundle is not built.
 */
export function elementsBundleRoute(origins: OriginPolicy): Router | null {
  const path = bundlePath();
  if (!path) return null;
  const files = bundleFiles(path);
  const r = createRouter();
  r.get([ELEMENTS_BUNDLE_PATH, `${ELEMENTS_CHUNKS_PATH}:file`], (req, res, next) => {
    const body = files.get(req.path);
    if (!body) {
      next();
      return;
    }
    const origin = req.get('origin');
    const selfOrigin = `${req.protocol}://${req.get('host') ?? ''}`;
    if (!origins.allows(origin, selfOrigin)) {
      next(new AppError('ORIGIN_NOT_ALLOWED', 'Pages on this origin may not load the elements.'));
      return;
    }
    res.vary('Origin');
    if (origin !== undefined && origin !== selfOrigin && origins.allowsCrossOrigin(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    // The chunks' names hold a hash of their content: they never change, and may be cached for good.
    const cache =
      req.path === ELEMENTS_BUNDLE_PATH ? 'no-cache' : 'public, max-age=31536000, immutable';
    res.type('text/javascript').set('Cache-Control', cache).send(body);
  });
  return r;
}

/** The demo page at `/`, on the elements bundle. */
export function demoRoutes(): Router {
  const r = createRouter();
  r.get('/', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(PAGE);
  });
  return r;
}

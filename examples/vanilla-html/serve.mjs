// Serves this folder's index.html and the elements bundle with its chunks, as any static host would.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

/**
 * Starts the static page; `server` replaces the chat server URL in the page, and with `bundleFromServer` the
 * page loads the elements from the chat server instead of its own copy. Answers its URL and close().
 */
export async function servePage({ port = 8080, server, bundleFromServer = false } = {}) {
  const html = readFileSync(new URL('./index.html', import.meta.url), 'utf8');
  const chat = server ?? 'http://127.0.0.1:3000';
  let page = html.replace('http://127.0.0.1:3000', chat);
  if (bundleFromServer) page = page.replace('./p2pchat-elements.js', `${chat}/p2pchat-elements.js`);
  // the bundle, and the chunks it loads on demand from the folder beside it
  const bundlePath = createRequire(import.meta.url).resolve('@p2pchat/elements/bundle');
  const scripts = new Map([['/p2pchat-elements.js', readFileSync(bundlePath)]]);
  const chunks = join(dirname(bundlePath), 'p2pchat-elements');
  for (const name of readdirSync(chunks).filter((n) => n.endsWith('.js')))
    scripts.set(`/p2pchat-elements/${name}`, readFileSync(join(chunks, name)));
  const http = createServer((req, res) => {
    if (req.url === '/' || req.url === '/index.html')
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else if (scripts.has(req.url))
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(scripts.get(req.url));
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => http.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${http.address().port}`,
    close: () => new Promise((r) => http.close(r)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await servePage({
    port: Number(process.env.PORT ?? 8080),
    server: process.env.P2PCHAT_SERVER,
  });
  console.log(`page at ${url} (start the server with CORS_ORIGINS=${url})`);
}

import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { build } from 'vite';
import type { InlineConfig } from 'vite';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test-support/chromium.mjs';
import type { RunningServer } from '@p2pchat/server';
import { startTestServer } from '../test-support/server.mjs';
import { createClient } from '@p2pchat/sdk';
import { startBot } from '../examples/node-bot/bot.mjs';

/** The real server, in this process, with everything it logs and every packet it receives kept. */
export interface Observed {
  server: RunningServer;
  url: string;
  dataDir: string;
  logs: string[];
  /** Every Socket.IO (engine.io) packet the server received, as text. */
  packets: string[];
  /** Every HTTP request body the server received. */
  bodies: string[];
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Everything in the store's files (database, WAL), as text. */
  storeText(): string;
}

export async function observedServer(env: Record<string, string> = {}): Promise<Observed> {
  const packets: string[] = [];
  const bodies: string[] = [];
  // Each time the server starts (restarts too): keep every engine.io packet and HTTP body it receives.
  const observe = (server: RunningServer) => {
    server.realtime.io.engine.on(
      'connection',
      (socket: { on(e: 'packet', f: (p: { data?: unknown }) => void): void }) => {
        socket.on('packet', (p) =>
          packets.push(typeof p.data === 'string' ? p.data : JSON.stringify(p.data ?? '')),
        );
      },
    );
    server.httpServer.prependListener('request', (req) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => bodies.push(Buffer.concat(chunks).toString('utf8')));
    });
  };
  const t = await startTestServer({
    env: { LOG_LEVEL: 'debug', ...env },
    name: 'e2e',
    captureLogs: true,
    onStart: observe,
  });
  return Object.assign(t, {
    packets,
    bodies,
    storeText() {
      return readdirSync(t.dataDir)
        .map((f) => readFileSync(join(t.dataDir, f)).toString('latin1'))
        .join('\n');
    },
  });
}

/** Chromium as ENVIRONMENT.md measured it: headless, as root, WebRTC host candidates kept local. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Registers through <p2p-chat>'s own login form, as a person would. */
export async function registerIn(
  page: Page,
  a: { username: string; email: string; password: string },
): Promise<void> {
  await page.locator('p2p-login [role="tab"]', { hasText: 'Register' }).click();
  await page.locator('p2p-login input[name="username"]').fill(a.username);
  await page.locator('p2p-login input[name="email"]').fill(a.email);
  await page.locator('p2p-login input[name="password"]').fill(a.password);
  await page.locator('p2p-login button[type="submit"]').click();
  await page.locator('p2p-chat .header .name').waitFor();
}

/** Two people, each in a browser context of their own, registered on the demo page of `url`. */
export async function twoPeople(browser: Browser, url: string) {
  const [ctxA, ctxB] = [await browser.newContext(), await browser.newContext()];
  const [ada, bob] = [await ctxA.newPage(), await ctxB.newPage()];
  const [a, b] = [person('ada'), person('bob')];
  await ada.goto(`${url}/`);
  await registerIn(ada, a);
  await bob.goto(`${url}/`);
  await registerIn(bob, b);
  return {
    ada,
    bob,
    a,
    b,
    async close() {
      await ctxA.close();
      await ctxB.close();
    },
  };
}

/** Types a message into the open conversation of a page's <p2p-chat> and sends it with Enter. */
export async function sendIn(page: Page, text: string): Promise<void> {
  await page.locator('p2p-chat p2p-composer textarea').fill(text);
  await page.locator('p2p-chat p2p-composer textarea').press('Enter');
}

let n = 0;
export function person(prefix: string) {
  n += 1;
  const tag = `${prefix}${process.pid}_${n}`;
  return { username: tag, email: `${tag}@example.test`, password: `pw-${tag}-long` };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/** The app in `root`, built by Vite into a temporary folder and served from it on 127.0.0.1. */
export async function viteSite(
  root: string,
  config: InlineConfig = {},
): Promise<{ url: string; close(): void }> {
  const out = mkdtempSync(join(tmpdir(), 'p2pchat-vite-'));
  await build({ root, logLevel: 'silent', ...config, build: { outDir: out, emptyOutDir: true } });
  const site = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(out, path === '/' ? 'index.html' : path);
    if (!file.startsWith(out) || !existsSync(file) || !statSync(file).isFile())
      return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    close() {
      site.close();
      rmSync(out, { recursive: true, force: true });
    },
  };
}

/** What {@link appWithBot} sets up; `close()` ends all of it. */
export interface AppWithBot {
  page: Page;
  /** The Node bot's account: it answers every message with "echo: " and the message. */
  botAccount: { username: string; email: string; password: string };
  /** Every error the page threw or logged (resources that failed to load aside). */
  problems: string[];
  /** How many sessions the user named `username` has open, as an online watcher sees them. */
  sessions(username: string): number;
  close(): Promise<void>;
}

/**
 * An app in `root` built by Vite, a server that allows its origin, the Node bot online on it, a watcher,
 * and a Chromium page opened on the app with `?server=` the server's URL.
 */
export async function appWithBot(
  root: string,
  prefix: string,
  config: InlineConfig = {},
): Promise<AppWithBot> {
  const undo: (() => unknown)[] = [];
  const close = async () => {
    for (const f of undo.splice(0).reverse()) await f();
  };
  try {
    const site = await viteSite(root, config);
    undo.push(() => site.close());
    const chat = await observedServer({ CORS_ORIGINS: site.url });
    undo.push(() => chat.stop());
    const botAccount = person(`${prefix}bot`);
    const bot = await startBot({ server: chat.url, ...botAccount, bindAddress: '127.0.0.1' });
    undo.push(() => bot.stop());
    const watcher = createClient({ server: chat.url });
    undo.push(() => watcher.disconnect());
    await watcher.register(person(`${prefix}watch`));
    await watcher.connect();
    const browser = await launchChromium();
    undo.push(() => browser.close());
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
        problems.push(m.text());
    });
    await page.goto(`${site.url}/?server=${encodeURIComponent(chat.url)}`);
    const sessions = (username: string) =>
      watcher.users.find((u) => u.username === username)?.sessions.length ?? 0;
    return { page, botAccount, problems, sessions, close };
  } catch (e) {
    await close();
    throw e;
  }
}

// The packages as a user gets them: packed (`pnpm pack`, as `pnpm publish` would), installed with plain npm
// into a fresh project outside the workspace (third-party dependencies from the registry), then used there:
// every entry imported, a program type-checked against the published types, the server started from its bin
// and its demo page opened in Chromium. Slow (npm install, better-sqlite3 may compile): its own suite.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, person, registerIn } from './harness.js';
import { installedApp, pack, publishable, run } from './packed.js';

const root = new URL('..', import.meta.url).pathname;
const fixture = new URL('./fixtures/installed-app/', import.meta.url).pathname;

let work: string;
let app: string;
let tarballs = new Map<string, string>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'p2pchat-install-'));
  tarballs = await pack(
    publishable.map((p) => p.name),
    join(work, 'packs'),
  );
  app = join(work, 'app');
  await installedApp(fixture, app, tarballs, {
    typescript: '6.0.3',
    '@types/node': '20.19.43',
    // for @p2pchat/react, whose peer is React
    react: '19.3.1',
    'react-dom': '19.3.1',
    '@types/react': '19.3.1',
  });
}, 660_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packages, packed and installed with npm into a fresh project', () => {
  it('install every publishable package, each with its README, built files and no tests', async () => {
    expect([...tarballs.keys()].sort()).toEqual([
      '@p2pchat/elements',
      '@p2pchat/react',
      '@p2pchat/sdk',
      '@p2pchat/server',
    ]);
    for (const [name, file] of tarballs) {
      const { stdout } = await run('tar', ['-tzf', file]);
      const files = stdout.split('\n').filter(Boolean);
      expect(files, name).toContain('package/README.md');
      expect(
        files.some((f) => f.startsWith('package/dist/')),
        name,
      ).toBe(true);
      expect(
        files.filter((f) => /\.test\.|\.stories\.|\/test\//.test(f)),
        name,
      ).toEqual([]);
      const installed = JSON.parse(
        readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8'),
      ) as { version: string; dependencies?: Record<string, string> };
      // workspace:* became the version being published
      expect(JSON.stringify(installed.dependencies ?? {}), name).not.toContain('workspace:');
    }
  });

  it('import every entry as ESM in plain Node, elements included, and render React on a server', async () => {
    const { stdout } = await run('node', ['imports.mjs'], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({
      sdk: 'function',
      protocol: 'function',
      server: 'function',
      elements: 'function',
      languages: ['en', 'ar', 'de', 'es', 'fr', 'ja'],
      react: '<p2p-chat></p2p-chat>',
      sameError: true,
    });
  });

  it.each(['nodenext', 'bundler'])(
    'type-check a program against the published types (%s resolution, library types checked too)',
    async (resolution) => {
      const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await run('node', [tsc, '-p', `tsconfig.${resolution}.json`], {
        cwd: app,
      }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? String(e) }));
      expect(result.stdout).toBe('');
    },
  );

  it('are clean by arethetypeswrong and publint', async () => {
    for (const [name, file] of tarballs) {
      const attw = await run(
        'pnpm',
        ['exec', 'attw', file, '--profile', 'esm-only', '--format', 'ascii'],
        {
          cwd: root,
        },
      ).then(
        () => 'clean',
        (e: { stdout?: string }) => e.stdout ?? 'failed',
      );
      expect(attw, `attw ${name}`).toBe('clean');
      const installed = join(app, 'node_modules', name);
      const publint = await run('pnpm', ['exec', 'publint', '--strict', installed], {
        cwd: root,
      }).then(
        () => 'clean',
        (e: { stdout?: string }) => e.stdout ?? 'failed',
      );
      expect(publint, `publint ${name}`).toBe('clean');
    }
  });

  describe('the server from its bin', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('starts with npx p2pchat-server, serves the demo that registers and chats, and stops on SIGTERM', async () => {
      const child = spawn('npx', ['p2pchat-server'], {
        cwd: app,
        env: {
          ...process.env,
          PORT: '0',
          DATA_DIR: join(work, 'data'),
          STUN_URLS: '',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        // its own process group, as a terminal's job: Ctrl-C (here SIGTERM) reaches npx and the server
        detached: true,
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<string>((resolve) =>
        child.on('exit', (code, signal) => resolve(signal ?? String(code))),
      );
      let url: string | undefined;
      try {
        const deadline = Date.now() + 30_000;
        while (!url && Date.now() < deadline) {
          url = /listening on (http:\/\/[\d.:]+)/.exec(output)?.[1];
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(url, output).toBeDefined();
        const page = await (await browser.newContext()).newPage();
        await page.goto(`${url}/`);
        await registerIn(page, person('installed'));
        await page.locator('p2p-chat .connection', { hasText: 'Connected' }).waitFor();
      } finally {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      }
      // npx ends as the signal tells it (npm re-raises it once its child is done); the server under it
      // shuts down and frees the port, leaving no process behind
      expect(['0', 'SIGTERM']).toContain(await exited);
      const after = await fetch(`${url}/healthz`).then(
        () => 'still answering',
        () => 'gone',
      );
      expect(after).toBe('gone');
    });
  });
});

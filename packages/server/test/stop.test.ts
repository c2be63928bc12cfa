import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openClient } from './clients.js';
import { tempDir } from './helpers.js';
import { CLI } from './spawn.js';

// "Stopping always works": SIGTERM ends the process within the documented bound (about 10 s) whatever the
// shutdown waits for. Each case makes the server wait on something that never finishes, then stops it.
const STOP_BOUND_MS = 10_000;
const dirs: string[] = [];
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts the CLI; with `readStdout: false` nobody ever reads its log pipe (a harness that hung). */
async function start(readStdout: boolean) {
  const dir = tempDir('p2pchat-stop-');
  dirs.push(dir);
  const child = spawn(process.execPath, [CLI], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      STUN_URLS: '',
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  if (readStdout) child.stdout.resume();
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no URL: ${err}`)), 20_000);
    child.stderr.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
  });
  return { child, url, exited, stderr: () => err };
}

/** Sends SIGTERM; answers how long the process took to end, and how. */
async function stop(s: Awaited<ReturnType<typeof start>>) {
  const t0 = Date.now();
  s.child.kill('SIGTERM');
  const how = await Promise.race([
    s.exited,
    new Promise<null>((r) => setTimeout(() => r(null), 30_000)),
  ]);
  return { ms: Date.now() - t0, how };
}

describe('SIGTERM ends the server within the bound', () => {
  it('when its log pipe is full and nobody reads it', async () => {
    const s = await start(false);
    // One log line per request: a few hundred fill the pipe (64 KiB). Requests go on being answered or
    // not; what matters is that the stop still happens.
    for (let i = 0; i < 2000; i++) {
      const ok = await fetch(`${s.url}/healthz`, { signal: AbortSignal.timeout(500) }).then(
        (r) => r.ok,
        () => false,
      );
      if (!ok) break;
    }
    const { ms, how } = await stop(s);
    console.log(`[stop] full log pipe: ended after ${ms} ms (${JSON.stringify(how)})`);
    expect(how).not.toBeNull();
    expect(ms).toBeLessThan(STOP_BOUND_MS + 3000);
  }, 60_000);

  it('when a client is stuck mid-request (a body that never ends)', async () => {
    const s = await start(true);
    const u = new URL(s.url);
    const { connect } = await import('node:net');
    const sock = connect(Number(u.port), u.hostname);
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":',
    );
    const c = openClient(s.url, { token: 'nope' }); // and a socket that never authenticates
    const { ms, how } = await stop(s);
    sock.destroy();
    c.close();
    expect(how).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(STOP_BOUND_MS + 3000);
  }, 60_000);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer as startShared } from '../../../test-support/server.mjs';
import type { RunningServer, StartOptions } from '../src/server.js';

/** A server under test: the real one, on a free port, with its own data folder and captured log lines. */
export interface TestServer extends RunningServer {
  dataDir: string;
  logs: string[];
  /** Closes the server and removes its data folder. */
  stop(): Promise<void>;
}

/** A new temporary folder, removed by the caller. */
export function tempDir(prefix = 'p2pchat-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts the real server; `env` overrides the test defaults (port 0, no STUN, generous rate limits). */
export async function startTestServer(
  env: Record<string, string> = {},
  options: Omit<StartOptions, 'logDestination'> = {},
): Promise<TestServer> {
  const t = await startShared({ env, options, name: 'test-node', captureLogs: true });
  return { ...t.server, dataDir: t.dataDir, logs: t.logs, stop: () => t.stop() };
}

/** An HTTP answer, with the body parsed as JSON when it is JSON. */
export interface Reply {
  status: number;
  headers: Headers;
  // The tests inspect bodies loosely; the shapes are checked by the assertions.
  body: Record<string, unknown> & { error?: { code: string; message: string; issues?: unknown[] } };
  text: string;
}

/** Calls the API: `call(server, 'POST', '/api/login', { … }, { token })`. A string body is sent as is. */
export async function call(
  server: { url: string },
  method: string,
  path: string,
  body?: unknown,
  opts: { token?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(server.url + path, { method, headers, body: payload });
  const text = await res.text();
  let parsed: Reply['body'];
  try {
    parsed = text ? (JSON.parse(text) as Reply['body']) : {};
  } catch {
    parsed = {};
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

let counter = 0;
/** A fresh, valid registration body. */
export function newAccount(prefix = 'user'): { username: string; email: string; password: string } {
  counter += 1;
  const tag = `${prefix}${process.pid}_${counter}`;
  return { username: tag, email: `${tag}@example.test`, password: `pw-${tag}-secret` };
}

/** Registers a fresh account and answers it with its token. */
export async function registered(server: { url: string }, prefix = 'user') {
  const account = newAccount(prefix);
  const res = await call(server, 'POST', '/api/register', account);
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { ...account, token: res.body.token as string, user: res.body.user as { id: string } };
}

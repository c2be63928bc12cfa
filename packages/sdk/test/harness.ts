import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { afterAll, afterEach, beforeAll } from 'vitest';
// The real server, through the shared test harness (a test-only import; the SDK does not depend on it).
import { startTestServer } from '../../../test-support/server.mjs';
import type { TestServerHandle } from '../../../test-support/server.mjs';
import { createClient, memoryStorage } from '../src/index.js';
import type { ClientEvents, ClientOptions, P2PClient } from '../src/index.js';
import type { PeerSession } from '../src/rtc/peer-session.js';

/** A real server on a free port with its own data folder (test-support/server.mjs). */
export type Harness = TestServerHandle;

export function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  return startTestServer({ env, name: 'sdk-test' });
}

/**
 * One real server for a test file, and the clients its tests make: every client in `clients` is
 * disconnected after each test, and the server stopped after the file.
 */
export function useHarness(env: Record<string, string> = {}) {
  const used = { h: undefined as unknown as Harness, clients: [] as P2PClient[] };
  beforeAll(async () => {
    used.h = await startHarness(env);
  });
  afterEach(() => {
    for (const c of used.clients.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    await used.h.stop();
  });
  return used;
}

let n = 0;
/**
 * A client in Node: node-datachannel for WebRTC, bound to loopback, sessions in memory. It answers anyone
 * (the connection policy has tests of its own), unless `options` says otherwise.
 */
export function nodeClient(url: string, options: Partial<ClientOptions> = {}): P2PClient {
  return createClient({
    server: url,
    storage: memoryStorage(),
    reach: { policy: 'anyone' },
    ...options,
    rtc: {
      RTCPeerConnection: RTCPeerConnection as never,
      config: { bindAddress: '127.0.0.1' },
    },
    signaling: { reconnectionDelayMax: 1000, transports: ['websocket'] },
  });
}

/** Registers a fresh user on a new client and connects it. */
export async function onlineUser(
  url: string,
  prefix = 'sdk',
  options: Partial<ClientOptions> = {},
) {
  n += 1;
  const tag = `${prefix}${process.pid}_${n}`;
  const account = { username: tag, email: `${tag}@example.test`, password: `pw-${tag}-long` };
  const client = nodeClient(url, options);
  const user = await client.register(account);
  await client.connect();
  return { client, user, account };
}

/** Resolves with the next event of `client` that matches. */
export function nextEvent<E extends keyof ClientEvents>(
  client: P2PClient,
  event: E,
  pred: (...args: ClientEvents[E]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<ClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(event, (...args: ClientEvents[E]) => {
      if (!pred(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args);
    });
  });
}

/** Waits until `check` holds, polling. */
export async function until(
  check: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The client's peer sessions (a look inside, for tests that break or inspect connections). */
export function peerSessions(client: P2PClient): PeerSession[] {
  return [...(client as unknown as { directory: { peers: Set<PeerSession> } }).directory.peers];
}

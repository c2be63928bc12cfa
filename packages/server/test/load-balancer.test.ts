import { rmSync } from 'node:fs';
import { request } from 'node:https';
import type { RelayedSignal } from '@p2pchat/sdk/protocol';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasNginx, startNginx } from '../../../test-support/nginx.mjs';
import type { Nginx } from '../../../test-support/nginx.mjs';
import { hasRedis, startRedis } from '../../../test-support/redis.mjs';
import type { RedisServer } from '../../../test-support/redis.mjs';
import { connected, settle } from './clients.js';
import type { TestClient } from './clients.js';
import { tempDir } from './helpers.js';
import type { ServerProcess } from './spawn.js';
import { spawnServer } from './spawn.js';

// docs/deploy.md's "Behind a load balancer, with TLS", as it is written: a real nginx with that
// configuration (TLS, WebSocket upgrades, forwarded address and scheme, ip_hash) in front of two nodes on a
// real redis-server, and clients that go through it over long polling and over WebSocket.
const missing = [!hasNginx() && 'nginx and openssl', !hasRedis() && 'redis-server'].filter(Boolean);
if (missing.length > 0)
  console.log(
    `[load balancer] skipped: ${missing.join(' and ')} not installed (.ci/run installs them)`,
  );

const dataDir = tempDir('p2pchat-lb-');
let redis: RedisServer;
let nginx: Nginx;
const nodes: ServerProcess[] = [];
const clients: { close(): void }[] = [];

/** An HTTPS call through nginx, trusting its self-signed certificate. */
function https(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${nginx.url}${path}`,
      { method, ca: nginx.ca, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          let parsed: Record<string, unknown>;
          try {
            parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            parsed = { text }; // not JSON (the demo page)
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

let n = 0;
async function register(): Promise<{ token: string; user: { id: string } }> {
  n += 1;
  const tag = `lb${process.pid}_${n}`;
  const res = await https('POST', '/api/register', {
    username: tag,
    email: `${tag}@example.test`,
    password: `pw-${tag}-secret`,
  });
  expect(res.status).toBe(201);
  return res.body as { token: string; user: { id: string } };
}

/** A Socket.IO client through nginx over TLS, with the transports given. */
function throughNginx(token: string, transports: ('polling' | 'websocket')[]) {
  const socket = io(nginx.url, {
    auth: { token },
    transports,
    ca: nginx.ca,
    reconnection: false,
    forceNew: true,
  });
  clients.push({ close: () => socket.disconnect() });
  const signals: RelayedSignal[] = [];
  socket.on('signal', (s) => signals.push(s as RelayedSignal));
  return {
    socket,
    signals,
    session: new Promise<{ sessionId: string }>((resolve, reject) => {
      socket.once('session', resolve);
      socket.once('connect_error', reject);
    }),
  };
}

beforeAll(async () => {
  if (missing.length > 0) return;
  redis = await startRedis();
  const env = {
    DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    TRUST_PROXY: '1',
    AUTH_RATE_LIMIT_IP: '1000',
    LOG_LEVEL: 'warn',
  };
  nodes.push(...(await Promise.all([spawnServer(env), spawnServer(env)])));
  nginx = await startNginx(nodes.map((s) => new URL(s.url).host));
});
afterAll(async () => {
  for (const c of clients) c.close();
  await nginx?.stop();
  for (const s of nodes) s.child.kill('SIGKILL');
  await Promise.all(nodes.map((s) => s.exited));
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(missing.length > 0)('two nodes on Redis behind nginx with TLS', () => {
  it('serves the API and the demo page over https, and sessions over long polling and WebSocket', async () => {
    expect((await https('GET', '/healthz')).status).toBe(200);
    const page = await https('GET', '/');
    expect(page.status).toBe(200);
    expect(String(page.body.text)).toContain('<p2p-chat');
    const alice = await register();
    const bob = await register();
    // long polling only: every request of the session must reach the node that holds it
    const a = throughNginx(alice.token, ['polling']);
    const b = throughNginx(bob.token, ['polling', 'websocket']);
    const [sa] = await Promise.all([a.session, b.session]);
    await settle(300);
    expect(a.socket.io.engine.transport.name).toBe('polling');
    expect(b.socket.io.engine.transport.name).toBe('websocket');
    // a user on the other node, reached directly (another machine's clients), signals both ways
    const c: TestClient = await connected(nodes[1]?.url ?? '', { token: (await register()).token });
    clients.push(c);
    const carol = (c.received<{ user: { id: string } }>('session')[0]?.user.id ?? '') as string;
    expect(
      await c.signal({
        to: alice.user.id,
        type: 'offer',
        data: { type: 'offer', sdp: 'v=0\r\n' },
      }),
    ).toEqual({ ok: true });
    const deadline = Date.now() + 5000;
    while (a.signals.length === 0 && Date.now() < deadline) await settle(50);
    expect(a.signals[0]?.from.userId).toBe(carol);
    const ack = (await a.socket.timeout(5000).emitWithAck('signal', {
      to: carol,
      type: 'answer',
      data: { type: 'answer', sdp: 'v=0\r\n' },
    } as never)) as unknown;
    expect(ack).toEqual({ ok: true });
    const answer = await c.next<RelayedSignal>('signal');
    expect(answer.from).toMatchObject({ userId: alice.user.id, sessionId: sa.sessionId });
    expect(nginx.log).not.toMatch(/\[(error|crit|alert|emerg)\]/);
  });
});

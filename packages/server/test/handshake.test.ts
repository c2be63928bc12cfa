import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connected, refused } from './clients.js';
import type { TestServer } from './helpers.js';
import { call, registered, startTestServer } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    CORS_ORIGINS: 'https://chat.example.test',
    SESSIONS_PER_USER: '2',
  });
});
afterAll(async () => {
  await server.stop();
});

describe('socket handshake', () => {
  it.each([
    ['no auth at all', {}],
    ['an empty token', { token: '' }],
    ['an unknown token', { token: 'x'.repeat(43) }],
    ['an operator object as token', { token: { $ne: null } }],
    [
      "a user id instead of a token (the original design's flaw)",
      { user_id: 'anyone', username: 'admin' },
    ],
  ])('refuses %s with connect_error UNAUTHENTICATED', async (_name, auth) => {
    const err = await refused(server.url, { auth });
    expect(err.data?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a revoked token', async () => {
    const a = await registered(server);
    await call(server, 'POST', '/api/logout', undefined, { token: a.token });
    expect((await refused(server.url, { token: a.token })).data?.code).toBe('UNAUTHENTICATED');
  });

  it('takes identity from the token alone, whatever else the handshake claims', async () => {
    const a = await registered(server);
    const victim = await registered(server);
    const client = await connected(server.url, {
      auth: {
        token: a.token,
        user_id: victim.user.id,
        userId: victim.user.id,
        username: victim.username,
      },
    });
    try {
      const [session] = client.received<{
        user: { id: string; username: string };
        sessionId: string;
        protocolVersion: number;
      }>('session');
      expect(session?.user).toMatchObject({ id: a.user.id, username: a.username });
      expect(session?.sessionId).toBe(client.socket.id);
      expect(session?.protocolVersion).toBe(1);
      expect(session?.user).not.toHaveProperty('email');
    } finally {
      client.close();
    }
  });

  it.each(['websocket', 'polling'] as const)(
    'checks the Origin of a %s handshake against CORS_ORIGINS',
    async (transport) => {
      const a = await registered(server);
      const bad = await refused(server.url, {
        token: a.token,
        transports: [transport],
        extraHeaders: { origin: 'https://evil.example.test' },
      });
      expect(bad).toBeInstanceOf(Error);
      const good = await connected(server.url, {
        token: a.token,
        transports: [transport],
        extraHeaders: { origin: 'https://chat.example.test' },
      });
      good.close();
      const own = await connected(server.url, {
        token: a.token,
        transports: [transport],
        extraHeaders: { origin: server.url },
      });
      own.close();
    },
  );

  it('caps the sessions one user may open', async () => {
    const a = await registered(server);
    const one = await connected(server.url, { token: a.token });
    const two = await connected(server.url, { token: a.token });
    try {
      expect((await refused(server.url, { token: a.token })).data?.code).toBe('TOO_MANY_SESSIONS');
      // another user is not affected
      const b = await registered(server);
      (await connected(server.url, { token: b.token })).close();
    } finally {
      one.close();
      two.close();
    }
  });
});

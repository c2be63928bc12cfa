import {
  AuthResponseSchema,
  ErrorBodySchema,
  PrivateUserSchema,
  PublicUserSchema,
} from '@p2pchat/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './helpers.js';
import { call, newAccount, registered, startTestServer } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    TURN_URLS: 'turn:127.0.0.1:3478',
    TURN_SECRET: 'a-test-turn-secret-0123',
    TURN_TTL: '600',
  });
});
afterAll(async () => {
  await server.stop();
});

describe('register', () => {
  it("creates an account with the original design's defaults and answers a token", async () => {
    const account = newAccount();
    const res = await call(server, 'POST', '/api/register', account);
    expect(res.status).toBe(201);
    const body = AuthResponseSchema.parse(res.body);
    expect(body.user).toMatchObject({
      username: account.username,
      email: account.email,
      displayName: account.username,
      status: 'Available',
      bio: '',
      avatarUrl: '',
    });
    expect(body.token.length).toBeGreaterThanOrEqual(43);
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(res.text).not.toContain(account.password);
    expect(res.text).not.toContain('passwordHash');
  });

  it('keeps a display name given at registration', async () => {
    const res = await call(server, 'POST', '/api/register', {
      ...newAccount(),
      displayName: '  Ada Lovelace ',
    });
    expect(res.status).toBe(201);
    expect((res.body.user as { displayName: string }).displayName).toBe('Ada Lovelace');
  });

  it.each([
    [
      'the same username in another case',
      (a: ReturnType<typeof newAccount>) => ({
        ...newAccount(),
        username: a.username.toUpperCase(),
      }),
    ],
    [
      'the same e-mail in another case',
      (a: ReturnType<typeof newAccount>) => ({ ...newAccount(), email: a.email.toUpperCase() }),
    ],
  ])('answers 409 CONFLICT for %s', async (_name, clash) => {
    const a = await registered(server);
    const res = await call(server, 'POST', '/api/register', clash(a));
    expect(res.status).toBe(409);
    expect(ErrorBodySchema.parse(res.body).error.code).toBe('CONFLICT');
  });
});

describe('login', () => {
  it.each(['email', 'username'] as const)('logs in by %s, and records the login', async (by) => {
    const a = await registered(server);
    const res = await call(server, 'POST', '/api/login', {
      [by]: a[by].toUpperCase(),
      password: a.password,
    });
    expect(res.status).toBe(200);
    const body = AuthResponseSchema.parse(res.body);
    expect(body.user.id).toBe(a.user.id);
    expect(body.user.lastLogin).not.toBeNull();
    expect(body.token).not.toBe(a.token);
  });

  it('gives a longer-lived token with remember: true', async () => {
    const a = await registered(server);
    const plain = AuthResponseSchema.parse(
      (await call(server, 'POST', '/api/login', { email: a.email, password: a.password })).body,
    );
    const kept = AuthResponseSchema.parse(
      (
        await call(server, 'POST', '/api/login', {
          email: a.email,
          password: a.password,
          remember: true,
        })
      ).body,
    );
    const day = 86_400_000;
    expect(new Date(plain.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(day);
    expect(new Date(kept.expiresAt).getTime() - Date.now()).toBeGreaterThan(7 * day);
  });

  it('answers an unknown account and a wrong password with the same status and body', async () => {
    const a = await registered(server);
    const unknown = await call(server, 'POST', '/api/login', {
      email: `nobody-${a.email}`,
      password: a.password,
    });
    const wrong = await call(server, 'POST', '/api/login', {
      email: a.email,
      password: `${a.password}x`,
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.text).toBe(wrong.text);
    expect(ErrorBodySchema.parse(wrong.body).error.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses an inactive account even with the right password', async () => {
    const a = await registered(server);
    await server.store.users.setActive(a.user.id, false);
    const res = await call(server, 'POST', '/api/login', { email: a.email, password: a.password });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('ACCOUNT_DISABLED');
    expect(res.body).not.toHaveProperty('token');
    // and its existing tokens stop working
    expect((await call(server, 'GET', '/api/profile', undefined, { token: a.token })).status).toBe(
      401,
    );
  });
});

describe('tokens and logout', () => {
  it.each([
    ['no Authorization header', undefined],
    ['an unknown token', 'x'.repeat(43)],
    ['a malformed header', 'not a bearer'],
  ])('answers 401 UNAUTHENTICATED with %s', async (_name, token) => {
    const headers: Record<string, string> =
      token === 'not a bearer' ? { authorization: 'Basic abc' } : {};
    const res = await call(
      server,
      'GET',
      '/api/profile',
      undefined,
      token && token !== 'not a bearer' ? { token } : { headers },
    );
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('UNAUTHENTICATED');
  });

  it('revokes the token at logout, and only that token', async () => {
    const a = await registered(server);
    const other = AuthResponseSchema.parse(
      (await call(server, 'POST', '/api/login', { email: a.email, password: a.password })).body,
    );
    expect((await call(server, 'POST', '/api/logout', undefined, { token: a.token })).status).toBe(
      204,
    );
    expect((await call(server, 'GET', '/api/profile', undefined, { token: a.token })).status).toBe(
      401,
    );
    expect((await call(server, 'POST', '/api/logout', undefined, { token: a.token })).status).toBe(
      401,
    );
    expect(
      (await call(server, 'GET', '/api/profile', undefined, { token: other.token })).status,
    ).toBe(200);
  });

  it('refuses an expired token', async () => {
    const short = await startTestServer({ TOKEN_TTL: '1s' });
    try {
      const a = await registered(short);
      await new Promise((r) => setTimeout(r, 1100));
      const res = await call(short, 'GET', '/api/profile', undefined, { token: a.token });
      expect(res.status).toBe(401);
    } finally {
      await short.stop();
    }
  });

  it('stores tokens hashed: the token itself is nowhere in the store', async () => {
    const a = await registered(server);
    const { hashToken } = await import('../src/domain/tokens.js');
    expect(await server.store.tokens.find(a.token)).toBeNull();
    expect(await server.store.tokens.find(hashToken(a.token))).toMatchObject({ userId: a.user.id });
  });
});

describe('profile', () => {
  it('shows the private view to its owner', async () => {
    const a = await registered(server);
    const res = await call(server, 'GET', '/api/profile', undefined, { token: a.token });
    expect(res.status).toBe(200);
    const user = PrivateUserSchema.parse(res.body.user);
    expect(user).toMatchObject({ id: a.user.id, email: a.email });
  });

  it.each(['PUT', 'PATCH'])('changes only the fields given with %s', async (method) => {
    const a = await registered(server);
    const res = await call(
      server,
      method,
      '/api/profile',
      { displayName: 'Ada', status: 'Busy', avatarUrl: 'https://example.test/a.png' },
      { token: a.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({
      displayName: 'Ada',
      status: 'Busy',
      bio: '',
      avatarUrl: 'https://example.test/a.png',
    });
    const again = await call(
      server,
      method,
      '/api/profile',
      { bio: 'Mathematician' },
      { token: a.token },
    );
    expect(again.body.user).toMatchObject({
      displayName: 'Ada',
      status: 'Busy',
      bio: 'Mathematician',
    });
  });

  it('clears the avatar with an empty string', async () => {
    const a = await registered(server);
    await call(
      server,
      'PATCH',
      '/api/profile',
      { avatarUrl: 'https://example.test/a.png' },
      { token: a.token },
    );
    const res = await call(server, 'PATCH', '/api/profile', { avatarUrl: '' }, { token: a.token });
    expect((res.body.user as { avatarUrl: string }).avatarUrl).toBe('');
  });
});

describe('public user lookup', () => {
  it('shows only the public view, found in any case', async () => {
    const a = await registered(server);
    const b = await registered(server);
    const res = await call(server, 'GET', `/api/users/${a.username.toUpperCase()}`, undefined, {
      token: b.token,
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.user as object).sort()).toEqual(
      Object.keys(PublicUserSchema.shape).sort(),
    );
    expect(res.text).not.toContain(a.email);
  });

  it.each(['nobody-here', '..', '%7B%22%24ne%22%3Anull%7D'])('answers 404 for %s', async (name) => {
    const b = await registered(server);
    const res = await call(server, 'GET', `/api/users/${name}`, undefined, { token: b.token });
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('NOT_FOUND');
  });
});

describe('ICE servers', () => {
  it('mints TURN credentials in the coturn REST scheme, valid for the configured time', async () => {
    const a = await registered(server);
    const res = await call(server, 'GET', '/api/ice-servers', undefined, { token: a.token });
    expect(res.status).toBe(200);
    const { createHmac } = await import('node:crypto');
    const turn = (
      res.body.iceServers as { urls: string[]; username: string; credential: string }[]
    )[0];
    expect(turn?.urls).toEqual(['turn:127.0.0.1:3478']);
    const [expiry, userId] = (turn?.username ?? '').split(':');
    expect(userId).toBe(a.user.id);
    const left = Number(expiry) - Date.now() / 1000;
    expect(left).toBeGreaterThan(590);
    expect(left).toBeLessThanOrEqual(600);
    expect(turn?.credential).toBe(
      createHmac('sha1', 'a-test-turn-secret-0123')
        .update(turn?.username ?? '')
        .digest('base64'),
    );
    expect(res.body.ttl).toBe(600);
    expect(res.body.relayOnly).toBeUndefined(); // relay-only is not required here
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('tells clients when the server requires relay-only connections (RELAY_ONLY=on)', async () => {
    const { iceServersFor } = await import('../src/domain/ice.js');
    const base = {
      stunUrls: [],
      turnUrls: ['turn:t.test'],
      turnSecret: 'x'.repeat(16),
      turnTtl: 60,
    };
    expect(iceServersFor('u1', { ...base, relayOnly: true }).relayOnly).toBe(true);
    expect(iceServersFor('u1', base).relayOnly).toBeUndefined();
  });

  it('needs a token', async () => {
    expect((await call(server, 'GET', '/api/ice-servers')).status).toBe(401);
  });
});

describe('health and readiness', () => {
  it('answers /healthz and /readyz while running', async () => {
    expect((await call(server, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call(server, 'GET', '/readyz')).status).toBe(200);
  });

  it('answers 503 on /readyz once the store is gone', async () => {
    const s = await startTestServer();
    try {
      await s.store.close();
      const res = await call(s, 'GET', '/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable' });
    } finally {
      await s.stop();
    }
  });

  it('sends security headers and no X-Powered-By', async () => {
    const res = await call(server, 'GET', '/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

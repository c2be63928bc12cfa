import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './helpers.js';
import { call, newAccount, startTestServer } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    CORS_ORIGINS: 'https://chat.example.test,http://localhost:5173',
  });
});
afterAll(async () => {
  await server.stop();
});

describe('CORS from CORS_ORIGINS', () => {
  it.each(['https://chat.example.test', 'http://localhost:5173'])(
    'lets the listed origin %s read answers',
    async (origin) => {
      const res = await call(server, 'POST', '/api/register', newAccount(), {
        headers: { origin },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    },
  );

  it('answers a preflight from a listed origin', async () => {
    const res = await fetch(`${server.url}/api/profile`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://chat.example.test',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://chat.example.test');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'authorization',
    );
  });

  it.each([
    'https://evil.example.test',
    'null',
    'https://chat.example.test.evil.test',
    'http://chat.example.test',
  ])('refuses %s with 403 ORIGIN_NOT_ALLOWED before doing anything', async (origin) => {
    const account = newAccount();
    const res = await call(server, 'POST', '/api/register', account, { headers: { origin } });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await server.store.users.findByEmail(account.email)).toBeNull();
  });

  it("allows the server's own origin (a page it serves) and requests with no Origin", async () => {
    const own = await call(server, 'POST', '/api/register', newAccount(), {
      headers: { origin: server.url },
    });
    expect(own.status).toBe(201);
    expect((await call(server, 'POST', '/api/register', newAccount())).status).toBe(201);
  });
});

describe('the elements bundle, served to pages on allowed origins', () => {
  it.each([
    [
      'an allowed origin',
      'https://app.example.test',
      200,
      'https://app.example.test',
      'cross-origin',
    ],
    ['no origin (the server’s own page, or a non-browser)', undefined, 200, null, 'same-origin'],
    ['another origin', 'https://evil.example.test', 403, null, 'same-origin'],
  ])('answers %s', async (_name, origin, status, allowOrigin, policy) => {
    const s = await startTestServer({ CORS_ORIGINS: 'https://app.example.test', DEMO_PAGE: 'off' });
    try {
      const res = await fetch(`${s.url}/p2pchat-elements.js`, {
        headers: origin ? { origin } : {},
      });
      expect(res.status).toBe(status);
      expect(res.headers.get('access-control-allow-origin')).toBe(allowOrigin);
      expect(res.headers.get('cross-origin-resource-policy')).toBe(policy);
      if (status === 200) {
        expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
        const text = await res.text();
        expect(text).toContain('customElements');
        // the chunks it loads beside it are served the same way, and cached for good (hashed names)
        const chunk = /\.\/(p2pchat-elements\/[\w-]+\.js)/.exec(text)?.[1];
        expect(chunk).toBeDefined();
        const c = await fetch(`${s.url}/${chunk}`, { headers: origin ? { origin } : {} });
        expect(c.status).toBe(200);
        expect(c.headers.get('access-control-allow-origin')).toBe(allowOrigin);
        expect(c.headers.get('cache-control')).toContain('immutable');
        // nothing else is: not a name outside the folder, not one that is not there
        for (const bad of ['p2pchat-elements/..%2Fp2pchat-elements.js', 'p2pchat-elements/nope.js'])
          expect((await fetch(`${s.url}/${bad}`)).status).toBe(404);
      } else {
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
          'ORIGIN_NOT_ALLOWED',
        );
      }
      // the demo page is off; the bundle is served all the same
      expect((await fetch(`${s.url}/`)).status).toBe(404);
    } finally {
      await s.stop();
    }
  });
});

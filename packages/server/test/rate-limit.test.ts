import { afterEach, describe, expect, it } from 'vitest';
import type { TestServer } from './helpers.js';
import { call, newAccount, registered, startTestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('rate limits on login and register', () => {
  it('answers 429 RATE_LIMITED with Retry-After once an IP has made too many attempts', async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_IP: '5', AUTH_RATE_LIMIT_ACCOUNT: '1000' });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 7; i++) {
      last = await call(server, 'POST', '/api/login', {
        email: `nobody${i}@example.test`,
        password: 'password123',
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(last?.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    // registration counts against the same IP budget
    expect((await call(server, 'POST', '/api/register', newAccount())).status).toBe(429);
  });

  it('locks an account after repeated wrong passwords, even for the right one, from any address', async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_IP: '1000', AUTH_RATE_LIMIT_ACCOUNT: '3' });
    const a = await registered(server);
    const wrong = [];
    for (let i = 0; i < 3; i++) {
      wrong.push(
        (await call(server, 'POST', '/api/login', { email: a.email, password: 'wrong-password' }))
          .status,
      );
    }
    expect(wrong).toEqual([401, 401, 401]);
    const right = await call(server, 'POST', '/api/login', {
      email: a.email,
      password: a.password,
    });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
    // another account is not affected
    const b = await registered(server);
    expect(
      (await call(server, 'POST', '/api/login', { email: b.email, password: b.password })).status,
    ).toBe(200);
  });

  it('limits an unknown account exactly like a known one, so the limit reveals nothing', async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_IP: '1000', AUTH_RATE_LIMIT_ACCOUNT: '2' });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (
          await call(server, 'POST', '/api/login', {
            email: 'ghost@example.test',
            password: 'password123',
          })
        ).status,
      );
    }
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('forgets failures after a successful login', async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_IP: '1000', AUTH_RATE_LIMIT_ACCOUNT: '3' });
    const a = await registered(server);
    for (let i = 0; i < 2; i++)
      await call(server, 'POST', '/api/login', { email: a.email, password: 'wrong-password' });
    expect(
      (await call(server, 'POST', '/api/login', { email: a.email, password: a.password })).status,
    ).toBe(200);
    for (let i = 0; i < 2; i++)
      await call(server, 'POST', '/api/login', { email: a.email, password: 'wrong-password' });
    expect(
      (await call(server, 'POST', '/api/login', { email: a.email, password: a.password })).status,
    ).toBe(200);
  });

  it('limits repeated registrations of one e-mail address', async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_IP: '1000', AUTH_RATE_LIMIT_ACCOUNT: '3' });
    const account = newAccount();
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (
          await call(server, 'POST', '/api/register', {
            ...account,
            username: `${account.username}${i}`,
          })
        ).status,
      );
    }
    expect(statuses).toEqual([201, 409, 409, 429]);
  });
});

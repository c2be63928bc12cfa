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

  it('stops an address that keeps failing on an account, even with the right password', async () => {
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

describe('login limits cannot be used to lock the owner out', () => {
  // Addresses come from X-Forwarded-For (TRUST_PROXY=1), as behind a proxy.
  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
  const attempt = (s: TestServer, email: string, password: string, ip: string) =>
    call(s, 'POST', '/api/login', { email, password }, from(ip));

  it.each([
    ['one address failing past its limit', 1, 12],
    ['many addresses failing once each, past the account’s ceiling', 25, 1],
    ['many addresses failing three times each, past the ceiling', 10, 3],
  ])('%s: the owner still logs in from their own address', async (_name, addresses, each) => {
    server = await startTestServer({
      TRUST_PROXY: '1',
      AUTH_RATE_LIMIT_IP: '1000',
      AUTH_RATE_LIMIT_ACCOUNT: '2', // per address; the ceiling for all addresses is 20
    });
    const owner = await registered(server);
    for (let k = 0; k < addresses; k++)
      for (let i = 0; i < each; i++)
        await attempt(server, owner.email, 'guess-1234', `10.0.${k}.1`);
    const res = await attempt(server, owner.email, owner.password, '192.0.2.7');
    expect(res.status).toBe(200);
  });

  it('past the ceiling, refuses an address that has failed three times, and lets a fresh one guess once more', async () => {
    server = await startTestServer({
      TRUST_PROXY: '1',
      AUTH_RATE_LIMIT_IP: '1000',
      AUTH_RATE_LIMIT_ACCOUNT: '5', // per address; the ceiling for all addresses is 50
    });
    const owner = await registered(server);
    // 17 addresses × 3 failures = 51, past the ceiling; each address is under its own limit of 5
    for (let k = 0; k < 17; k++)
      for (let i = 0; i < 3; i++) await attempt(server, owner.email, 'guess-1234', `10.0.${k}.1`);
    await new Promise((r) => setTimeout(r, 1100)); // the 1 s wait after a third failure is over
    const again = await attempt(server, owner.email, 'guess-1234', '10.0.16.1');
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(60); // until the window ends
    expect((await attempt(server, owner.email, 'guess-1234', '10.9.0.1')).status).toBe(401);
    expect((await attempt(server, owner.email, owner.password, '192.0.2.7')).status).toBe(200);
  });

  it('below the ceiling, the same address may go on after its wait', async () => {
    server = await startTestServer({
      TRUST_PROXY: '1',
      AUTH_RATE_LIMIT_IP: '1000',
      AUTH_RATE_LIMIT_ACCOUNT: '5',
    });
    const owner = await registered(server);
    for (let i = 0; i < 3; i++) await attempt(server, owner.email, 'guess-1234', '10.0.0.1');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await attempt(server, owner.email, 'guess-1234', '10.0.0.1')).status).toBe(401);
  });

  it('makes an address wait longer after each failure past the third: 1 s, 2 s, 4 s', async () => {
    server = await startTestServer({
      TRUST_PROXY: '1',
      AUTH_RATE_LIMIT_IP: '1000',
      AUTH_RATE_LIMIT_ACCOUNT: '10',
    });
    const owner = await registered(server);
    const ip = '10.7.0.1';
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) await attempt(server, owner.email, 'guess-1234', ip);
    for (let n = 0; n < 3; n++) {
      const refused = await attempt(server, owner.email, 'guess-1234', ip);
      expect(refused.status).toBe(429);
      const wait = Number(refused.headers.get('retry-after'));
      waits.push(wait);
      await new Promise((r) => setTimeout(r, wait * 1000 + 50));
      expect((await attempt(server, owner.email, 'guess-1234', ip)).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4]);
  }, 20_000);
});

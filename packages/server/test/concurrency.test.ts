import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './helpers.js';
import { call, newAccount, startTestServer } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

describe('concurrent registrations', () => {
  it('makes exactly one account of 50 identical registrations at once', async () => {
    const account = newAccount('race');
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => call(server, 'POST', '/api/register', account)),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(await server.store.users.findByEmail(account.email)).not.toBeNull();
  });

  it('makes exactly one account when the e-mail differs only in case and surrounding spaces', async () => {
    const account = newAccount('race');
    const [local, domain] = account.email.split('@') as [string, string];
    const variants = Array.from({ length: 50 }, (_, i) => {
      const email = [
        account.email,
        account.email.toUpperCase(),
        `  ${account.email}`,
        `${local.toUpperCase()}@${domain}\t`,
        ` ${local}@${domain.toUpperCase()} `,
      ][i % 5];
      // a distinct username each time, so only the e-mail can clash
      return { ...account, username: `${account.username}_${i}`, email };
    });
    const replies = await Promise.all(
      variants.map((v) => call(server, 'POST', '/api/register', v)),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const login = await call(server, 'POST', '/api/login', {
      email: ` ${account.email.toUpperCase()} `,
      password: account.password,
    });
    expect(login.status).toBe(200);
  });

  it('makes exactly one account when the username differs only in case', async () => {
    const account = newAccount('race');
    const variants = Array.from({ length: 30 }, (_, i) => ({
      ...account,
      username: i % 2 ? account.username.toUpperCase() : account.username,
      email: `${i}-${account.email}`,
    }));
    const replies = await Promise.all(
      variants.map((v) => call(server, 'POST', '/api/register', v)),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status >= 500)).toEqual([]);
  });
});

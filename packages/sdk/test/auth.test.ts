import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, memoryStorage, P2PError } from '../src/index.js';
import type { Harness } from './harness.js';
import { nextEvent, nodeClient, onlineUser, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

describe('accounts through the SDK', () => {
  it('registers, logs out, logs in by e-mail or username, and restores the session from storage', async () => {
    const storage = memoryStorage();
    const a = createClient({ server: h.url, storage });
    const account = {
      username: `restore${process.pid}`,
      email: `restore${process.pid}@example.test`,
      password: 'a-fine-password',
    };
    const authEvents: unknown[] = [];
    a.on('auth', (u) => authEvents.push(u?.username ?? null));
    const user = await a.register(account);
    expect(user.username).toBe(account.username);
    expect(storage.load()?.token).toBeTruthy();

    // "after a reload": a new client on the same storage
    const reloaded = createClient({ server: h.url, storage });
    expect((await reloaded.restore())?.id).toBe(user.id);
    expect(reloaded.user?.email).toBe(account.email);

    await reloaded.logout();
    expect(storage.load()).toBeNull();
    expect(await createClient({ server: h.url, storage }).restore()).toBeNull();
    // the token is revoked on the server: the first client cannot use it either
    await expect(a.profile()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', layer: 'auth' });

    expect(
      (await a.login({ username: account.username.toUpperCase(), password: account.password })).id,
    ).toBe(user.id);
    expect(
      (await a.login({ email: account.email, password: account.password, remember: true })).id,
    ).toBe(user.id);
    expect(authEvents).toEqual([account.username, null, account.username, account.username]);
  });

  it('deletes the account with the password: other tabs are told, and the username is free again', async () => {
    const { client, user, account } = await onlineUser(h.url, 'del');
    const otherTab = nodeClient(h.url);
    await otherTab.login({ email: account.email, password: account.password });
    await otherTab.connect();
    await expect(client.deleteAccount('not-the-password')).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect((await client.profile()).id).toBe(user.id); // nothing happened
    const ended = nextEvent(otherTab, 'session:ended');
    await client.deleteAccount(account.password);
    expect(await ended).toEqual(['account-closed']);
    expect(client.user).toBeNull();
    expect(otherTab.user).toBeNull(); // the other tab forgot the session too
    await expect(otherTab.profile()).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' });
    await expect(
      nodeClient(h.url).login({ email: account.email, password: account.password }),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const again = await nodeClient(h.url).register(account);
    expect(again.id).not.toBe(user.id);
    otherTab.disconnect();
  });

  it('reads and updates the profile', async () => {
    const { client } = await onlineUser(h.url, 'prof');
    const updated = await client.updateProfile({ displayName: 'Prof. X', status: 'Teaching' });
    expect(updated).toMatchObject({ displayName: 'Prof. X', status: 'Teaching' });
    expect((await client.profile()).displayName).toBe('Prof. X');
    await expect(client.updateProfile({ avatarUrl: 'javascript:alert(1)' })).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
    });
    client.disconnect();
  });

  it.each([
    [
      'a wrong password',
      { email: 'nobody@example.test', password: 'wrong-password' },
      'INVALID_CREDENTIALS',
    ],
    ['an invalid body', { email: 'not-an-email', password: 'x' }, 'INVALID_PAYLOAD'],
  ])("rejects %s with a P2PError carrying the server's code", async (_name, body, code) => {
    const err = await createClient({ server: h.url, storage: memoryStorage() })
      .login(body)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(P2PError);
    expect(err).toMatchObject({ code, layer: 'auth' });
  });

  it('rejects with NETWORK when the server cannot be reached', async () => {
    const c = createClient({ server: 'http://127.0.0.1:1', storage: memoryStorage() });
    await expect(c.login({ email: 'a@b.test', password: 'password1' })).rejects.toMatchObject({
      code: 'NETWORK',
    });
  });

  it('needs a login before connecting, and the server refuses a revoked token', async () => {
    const c = nodeClient(h.url);
    await expect(c.connect()).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' });
    const { client, account } = await onlineUser(h.url, 'ended');
    await client.logout();
    expect(client.user).toBeNull();
    expect(client.connectionState).toBe('disconnected');
    // the old token is dead on the server: a client holding it cannot connect
    await client.login({ email: account.email, password: account.password });
    const stale = (client as unknown as { account: { session: { token: string } } }).account.session
      .token;
    await client.logout();
    const again = nodeClient(h.url);
    (again as unknown as { account: { session: unknown } }).account.session = {
      token: stale,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      user: {},
    };
    await expect(again.connect()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('is told when another tab logs out with the same token', async () => {
    const { client, account } = await onlineUser(h.url, 'tabs');
    const storage = memoryStorage();
    const other = createClient({ server: h.url, storage });
    // the same token, as two tabs sharing localStorage would have
    const token = (
      client as unknown as {
        account: { session: { token: string; expiresAt: string; user: never } };
      }
    ).account.session;
    storage.save(token);
    await other.restore();
    const ended = nextEvent(client, 'session:ended');
    await other.logout();
    expect((await ended)[0]).toBe('logout');
    expect(client.user).toBeNull();
    expect(account.username).toBeTruthy();
  });
});

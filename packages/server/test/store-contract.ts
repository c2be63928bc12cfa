import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store, UserRecord } from '../src/store/port.js';
import { UniqueViolationError } from '../src/store/port.js';

/** How a contract run gets a fresh, empty store, and how it disposes of it. */
export interface StoreHarness {
  open(): Promise<Store>;
  dispose(store: Store): Promise<void>;
}

function user(overrides: Partial<UserRecord> = {}): UserRecord {
  const tag = randomUUID().slice(0, 8);
  return {
    id: randomUUID(),
    username: `User_${tag}`,
    usernameKey: `user_${tag}`,
    email: `u_${tag}@example.test`,
    passwordHash: '$argon2id$fake',
    displayName: `User ${tag}`,
    bio: '',
    status: 'Available',
    avatarUrl: '',
    createdAt: new Date(1_700_000_000_000),
    lastLogin: null,
    isActive: true,
    ...overrides,
  };
}

/** The behaviour every store adapter must have. */
export function describeStoreContract(name: string, harness: StoreHarness): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await harness.open();
    });
    afterEach(async () => {
      await harness.dispose(store);
    });

    it('answers a ping while open', async () => {
      expect(await store.ping()).toBe(true);
    });

    it('stores a user and finds it by id, username key and e-mail, with every field intact', async () => {
      const u = user({ bio: 'line one\nline two', lastLogin: new Date(1_700_000_123_000) });
      await store.users.create(u);
      expect(await store.users.findById(u.id)).toEqual(u);
      expect(await store.users.findByUsernameKey(u.usernameKey)).toEqual(u);
      expect(await store.users.findByEmail(u.email)).toEqual(u);
    });

    it('answers null for a user that does not exist', async () => {
      expect(await store.users.findById('nope')).toBeNull();
      expect(await store.users.findByUsernameKey('nope')).toBeNull();
      expect(await store.users.findByEmail('nope@example.test')).toBeNull();
    });

    it.each([
      ['username', (a: UserRecord) => ({ usernameKey: a.usernameKey })],
      ['email', (a: UserRecord) => ({ email: a.email })],
    ] as const)('refuses a second user with the same %s', async (field, clash) => {
      const a = user();
      await store.users.create(a);
      const err = await store.users.create(user(clash(a))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UniqueViolationError);
      expect((err as UniqueViolationError).field).toBe(field);
    });

    it('lets exactly one of many concurrent identical creations win', async () => {
      const base = user();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.users.create({ ...base, id: randomUUID() })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(UniqueViolationError);
      }
    });

    it('updates only the profile fields given', async () => {
      const u = user();
      await store.users.create(u);
      const updated = await store.users.updateProfile(u.id, { status: 'Busy', bio: 'hi' });
      expect(updated).toEqual({ ...u, status: 'Busy', bio: 'hi' });
      expect(await store.users.updateProfile('missing', { status: 'x' })).toBeNull();
    });

    it('records logins and deactivation', async () => {
      const u = user();
      await store.users.create(u);
      const at = new Date(1_800_000_000_000);
      await store.users.recordLogin(u.id, at);
      await store.users.setActive(u.id, false);
      expect(await store.users.findById(u.id)).toMatchObject({ lastLogin: at, isActive: false });
    });

    it('keeps tokens by hash, revokes each once, and purges expired ones', async () => {
      const live = {
        tokenHash: 'h-live',
        userId: 'u1',
        createdAt: new Date(1000),
        expiresAt: new Date(Date.now() + 60_000),
        revokedAt: null,
      };
      const old = {
        tokenHash: 'h-old',
        userId: 'u1',
        createdAt: new Date(1000),
        expiresAt: new Date(Date.now() - 60_000),
        revokedAt: null,
      };
      await store.tokens.create(live);
      await store.tokens.create(old);
      expect(await store.tokens.find('h-live')).toEqual(live);
      const at = new Date();
      expect(await store.tokens.revoke('h-live', at)).toBe(true);
      expect(await store.tokens.revoke('h-live', at)).toBe(false);
      expect((await store.tokens.find('h-live'))?.revokedAt).toEqual(at);
      expect(await store.tokens.deleteExpired(new Date())).toBe(1);
      expect(await store.tokens.find('h-old')).toBeNull();
      expect(await store.tokens.find('unknown')).toBeNull();
    });

    it("revokes all of one user's tokens at once, and lists what was revoked since a moment", async () => {
      const [a, b] = [user(), user()];
      await store.users.create(a);
      await store.users.create(b);
      const t0 = new Date(1_700_000_000_000);
      const later = new Date(t0.getTime() + 86_400_000);
      for (const [hash, userId] of [
        ['a1', a.id],
        ['a2', a.id],
        ['b1', b.id],
      ] as const)
        await store.tokens.create({
          tokenHash: hash,
          userId,
          createdAt: t0,
          expiresAt: later,
          revokedAt: null,
        });
      await store.tokens.revoke('a2', new Date(t0.getTime() + 1000)); // already revoked: not counted again
      expect(await store.tokens.revokeAllForUser(a.id, new Date(t0.getTime() + 5000))).toBe(1);
      expect((await store.tokens.find('a1'))?.revokedAt).toEqual(new Date(t0.getTime() + 5000));
      expect((await store.tokens.find('b1'))?.revokedAt).toBeNull();
      const since = async (ms: number) =>
        (await store.tokens.revokedSince(new Date(t0.getTime() + ms)))
          .map((r) => `${r.tokenHash}:${r.userId === a.id ? 'a' : '?'}`)
          .sort();
      expect(await since(0)).toEqual(['a1:a', 'a2:a']);
      expect(await since(2000)).toEqual(['a1:a']);
      expect(await since(6000)).toEqual([]);
    });

    it('removes a user with their tokens and chat sessions, and nobody else’s', async () => {
      const [a, b] = [user(), user()];
      await store.users.create(a);
      await store.users.create(b);
      const t0 = new Date(1_700_000_000_000);
      for (const u of [a, b]) {
        await store.tokens.create({
          tokenHash: `t-${u.id}`,
          userId: u.id,
          createdAt: t0,
          expiresAt: new Date(t0.getTime() + 1000),
          revokedAt: null,
        });
        await store.sessions.open({
          sessionId: `s-${u.id}`,
          userId: u.id,
          nodeId: 'n',
          connectedAt: t0,
          disconnectedAt: null,
          isActive: true,
        });
      }
      expect(await store.users.remove(a.id)).toBe(true);
      expect(await store.users.findById(a.id)).toBeNull();
      expect(await store.users.findByEmail(a.email)).toBeNull();
      expect(await store.tokens.find(`t-${a.id}`)).toBeNull();
      expect(await store.sessions.find(`s-${a.id}`)).toBeNull();
      expect(await store.users.findById(b.id)).not.toBeNull();
      expect(await store.tokens.find(`t-${b.id}`)).not.toBeNull();
      expect(await store.sessions.find(`s-${b.id}`)).not.toBeNull();
      expect(await store.users.remove(a.id)).toBe(false);
      // the username and e-mail can be registered again, as a new account
      await store.users.create({
        ...user(),
        username: a.username,
        usernameKey: a.usernameKey,
        email: a.email,
      });
    });

    it('purges the records of sessions that ended before the retention limit, never open ones', async () => {
      const t0 = new Date(1_700_000_000_000);
      const at = (days: number) => new Date(t0.getTime() + days * 86_400_000);
      const open = (sessionId: string) =>
        store.sessions.open({
          sessionId,
          userId: 'u',
          nodeId: 'n',
          connectedAt: t0,
          disconnectedAt: null,
          isActive: true,
        });
      for (const id of ['old', 'recent', 'live']) await open(id);
      await store.sessions.close('old', at(1));
      await store.sessions.close('recent', at(40));
      expect(await store.sessions.purgeClosedBefore(at(30))).toBe(1);
      expect(await store.sessions.find('old')).toBeNull();
      expect(await store.sessions.find('recent')).not.toBeNull();
      expect(await store.sessions.find('live')).toMatchObject({ isActive: true });
      expect(await store.sessions.purgeClosedBefore(at(365))).toBe(1); // the live one stays
      expect(await store.sessions.find('live')).not.toBeNull();
    });

    it("opens and closes chat sessions, and closes a crashed node's sessions only", async () => {
      const t0 = new Date(1_700_000_000_000);
      await store.sessions.open({
        sessionId: 's1',
        userId: 'u1',
        nodeId: 'a',
        connectedAt: t0,
        disconnectedAt: null,
        isActive: true,
      });
      await store.sessions.open({
        sessionId: 's2',
        userId: 'u1',
        nodeId: 'a',
        connectedAt: new Date(t0.getTime() + 1),
        disconnectedAt: null,
        isActive: true,
      });
      await store.sessions.open({
        sessionId: 's3',
        userId: 'u2',
        nodeId: 'b',
        connectedAt: new Date(t0.getTime() + 2),
        disconnectedAt: null,
        isActive: true,
      });
      expect((await store.sessions.listActive('u1')).map((s) => s.sessionId)).toEqual(['s1', 's2']);

      const t1 = new Date(1_700_000_100_000);
      await store.sessions.close('s1', t1);
      expect(await store.sessions.find('s1')).toMatchObject({
        isActive: false,
        disconnectedAt: t1,
      });

      expect(await store.sessions.closeActiveOnNode('a', t1)).toBe(1);
      expect((await store.sessions.listActive()).map((s) => s.sessionId)).toEqual(['s3']);
      expect(await store.sessions.find('missing')).toBeNull();
    });

    it('closes the sessions of nodes whose heartbeat stopped (or never came), and only theirs', async () => {
      const t0 = new Date(1_700_000_000_000);
      const at = (s: number) => new Date(t0.getTime() + s * 1000);
      const open = (sessionId: string, nodeId: string) =>
        store.sessions.open({
          sessionId,
          userId: 'u',
          nodeId,
          connectedAt: t0,
          disconnectedAt: null,
          isActive: true,
        });
      await store.nodes.beat('alive', at(0));
      await store.nodes.beat('stopped', at(0));
      await store.nodes.beat('alive', at(20)); // a second beat moves it forward
      for (const [id, node] of [
        ['on-alive', 'alive'],
        ['on-stopped', 'stopped'],
        ['on-unknown', 'never-beat'],
      ] as const)
        await open(id, node);

      expect(await store.sessions.closeOrphaned(at(10), at(25))).toBe(2);
      expect(await store.sessions.find('on-alive')).toMatchObject({ isActive: true });
      for (const id of ['on-stopped', 'on-unknown'])
        expect(await store.sessions.find(id)).toMatchObject({
          isActive: false,
          disconnectedAt: at(25),
        });
      // the stopped node is forgotten; the live one is not, until it leaves
      expect(await store.sessions.closeOrphaned(at(10), at(26))).toBe(0);
      await store.nodes.forget('alive');
      expect(await store.sessions.closeOrphaned(at(10), at(27))).toBe(1);
      expect(await store.sessions.find('on-alive')).toMatchObject({ isActive: false });
    });
  });
}

import { rmSync } from 'node:fs';
import type { PresenceChanges, PresenceSnapshot, RelayedSignal } from '@p2pchat/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, startRedis } from '../../../test-support/redis.mjs';
import type { RedisServer } from '../../../test-support/redis.mjs';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';
import { connected, refused, settle } from './clients.js';
import type { TestClient } from './clients.js';
import { call, registered, tempDir } from './helpers.js';
import type { ServerProcess } from './spawn.js';
import { spawnServer } from './spawn.js';

// Several real server processes on one embedded store, joined by a real redis-server: each sentence of
// "Scale out" that must hold for the cluster as it holds for one process.
const skip = !hasRedis();
if (skip) console.log('[cluster] skipped: redis-server is not installed (.ci/run installs it)');

const dataDir = tempDir('p2pchat-cluster-');
let redis: RedisServer;
const started: ServerProcess[] = [];
const clients: TestClient[] = [];

const baseEnv = () => ({
  DATA_DIR: dataDir,
  REDIS_URL: redis.url,
  AUTH_RATE_LIMIT_IP: '100000',
  AUTH_RATE_LIMIT_ACCOUNT: '3',
  SESSIONS_PER_USER: '3',
  LOG_LEVEL: 'warn',
});
async function node(extra: Record<string, string> = {}): Promise<ServerProcess> {
  const s = await spawnServer({ ...baseEnv(), ...extra });
  started.push(s);
  return s;
}
async function client(url: string, token: string): Promise<TestClient> {
  const c = await connected(url, { token });
  clients.push(c);
  return c;
}

/** What a client currently believes about who is online, from its snapshot and every change since. */
function roster(c: TestClient): Map<string, string[]> {
  const view = new Map<string, string[]>();
  for (const { event, payload } of c.events) {
    if (event === 'presence:snapshot') {
      view.clear();
      for (const e of (payload as PresenceSnapshot).users) view.set(e.user.id, e.sessions);
    } else if (event === 'presence:changes') {
      const ch = payload as PresenceChanges;
      for (const e of ch.users) view.set(e.user.id, e.sessions);
      for (const id of ch.offline) view.delete(id);
    }
  }
  return view;
}
/** How many times the user went from offline to online, and back, in what the client saw. */
function transitions(c: TestClient, userId: string): { online: number; offline: number } {
  let online = 0;
  let offline = 0;
  let here = false;
  for (const { event, payload } of c.events) {
    let now: boolean = here;
    if (event === 'presence:snapshot')
      now = (payload as PresenceSnapshot).users.some((e) => e.user.id === userId);
    else if (event === 'presence:changes') {
      const ch = payload as PresenceChanges;
      if (ch.users.some((e) => e.user.id === userId)) now = true;
      if (ch.offline.includes(userId)) now = false;
    } else continue;
    if (now && !here) online++;
    if (!now && here) offline++;
    here = now;
  }
  return { online, offline };
}
async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<number> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await settle(50);
  }
  return Date.now() - start;
}
const offer = (to: string, toSession?: string) => ({
  to,
  ...(toSession ? { toSession } : {}),
  type: 'offer',
  data: { type: 'offer', sdp: 'v=0\r\n' },
});

beforeAll(async () => {
  if (skip) return;
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of started) s.child.kill('SIGKILL');
  await Promise.all(started.map((s) => s.exited));
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(skip)('three server processes on Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let c: ServerProcess;
  beforeAll(async () => {
    [a, b, c] = await Promise.all([node(), node(), node()]);
  });

  it('count presence per user across nodes: one online, one offline, however many tabs on however many nodes', async () => {
    const watcher = await registered(a, 'watch');
    const alice = await registered(b, 'alice');
    const w = await client(c.url, watcher.token);
    const tab1 = await client(a.url, alice.token);
    await until('the watcher on C sees alice, who is on A', () => roster(w).has(alice.user.id));
    const tab2 = await client(b.url, alice.token);
    await until('both tabs of alice show on C', () => roster(w).get(alice.user.id)?.length === 2);
    expect(roster(w).get(alice.user.id)?.sort()).toEqual([tab1.socket.id, tab2.socket.id].sort());
    tab1.close();
    await until('one tab left', () => roster(w).get(alice.user.id)?.length === 1);
    tab2.close();
    await until('alice offline on C', () => !roster(w).has(alice.user.id));
    await settle(300);
    expect(transitions(w, alice.user.id)).toEqual({ online: 1, offline: 1 });
  });

  it('relay a signal from a user on one node to a user on another, stamped with the real sender', async () => {
    const alice = await registered(a, 'alice');
    const bob = await registered(a, 'bob');
    const ca = await client(a.url, alice.token);
    const cb = await client(b.url, bob.token);
    await until('A knows bob is online on B', () => roster(ca).has(bob.user.id));
    expect(await ca.signal(offer(bob.user.id))).toEqual({ ok: true });
    const got = await cb.next<RelayedSignal>('signal');
    expect(got.from).toEqual({
      userId: alice.user.id,
      username: alice.username,
      sessionId: ca.socket.id,
    });
    // and to one named session on a third node
    const cc = await client(c.url, bob.token);
    await until('A knows bob’s session on C', () => roster(ca).get(bob.user.id)?.length === 2);
    expect(await ca.signal(offer(bob.user.id, cc.socket.id))).toEqual({ ok: true });
    const named = await cc.next<RelayedSignal>('signal');
    expect(named.toSession).toBe(cc.socket.id);
    await settle(200);
    expect(cb.received('signal')).toHaveLength(1); // the named signal went to C's session only
    // a session that is nowhere is refused, as on one node
    expect(await ca.signal(offer(bob.user.id, 'no-such-session-id-00'))).toMatchObject({
      ok: false,
      code: 'PEER_UNAVAILABLE',
    });
  });

  it('close the sockets of a logged-out token on every node', async () => {
    const carol = await registered(a, 'carol');
    const onB = await client(b.url, carol.token);
    const onC = await client(c.url, carol.token);
    expect((await call(a, 'POST', '/api/logout', undefined, { token: carol.token })).status).toBe(
      204,
    );
    for (const s of [onB, onC])
      expect(await s.next('session:ended', undefined, 3000)).toEqual({ reason: 'logout' });
  });

  it('show a profile changed on one node to watchers on the others, whether or not its owner is on that node', async () => {
    const gina = await registered(a, 'gina');
    const watcher = await registered(a, 'watch');
    await client(b.url, gina.token); // gina's only session is on B; she edits her profile through A
    const w = await client(c.url, watcher.token);
    await until('C sees gina', () => roster(w).has(gina.user.id));
    const res = await call(
      a,
      'PATCH',
      '/api/profile',
      { status: 'On a train' },
      { token: gina.token },
    );
    expect(res.status).toBe(200);
    await w.next<PresenceChanges>('presence:changes', (ch) =>
      ch.users.some((e) => e.user.id === gina.user.id && e.user.status === 'On a train'),
    );
  });

  it('close every socket of a deleted account on every node within a second', async () => {
    const hal = await registered(a, 'hal');
    const onB = await client(b.url, hal.token);
    const onC = await client(c.url, hal.token);
    const t0 = Date.now();
    const res = await call(
      a,
      'DELETE',
      '/api/profile',
      { password: hal.password },
      { token: hal.token },
    );
    expect(res.status).toBe(204);
    for (const s of [onB, onC])
      expect(await s.next('session:ended', undefined, 1000)).toEqual({ reason: 'account-closed' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('cap sessions per user across nodes', async () => {
    const dave = await registered(a, 'dave');
    await client(a.url, dave.token);
    const second = await client(b.url, dave.token);
    await client(c.url, dave.token);
    await settle(300); // every node has heard of all three
    for (const s of [a, b, c])
      expect((await refused(s.url, { token: dave.token })).data?.code).toBe('TOO_MANY_SESSIONS');
    second.close();
    await settle(300);
    await client(b.url, dave.token); // room again
  });

  it('count failed logins per account across nodes', async () => {
    const erin = await registered(a, 'erin');
    const wrong = { email: erin.email, password: 'not-the-password' };
    for (const s of [a, b, c])
      expect((await call(s, 'POST', '/api/login', wrong)).status).toBe(401);
    const fourth = await call(a, 'POST', '/api/login', wrong);
    expect(fourth.status).toBe(429);
    expect(fourth.body.error?.code).toBe('RATE_LIMITED');
  });

  it('show the users of a node killed with SIGKILL offline on the others within 15 s, and close its sessions', async () => {
    const doomed = await node();
    const frank = await registered(a, 'frank');
    const watcher = await registered(a, 'watch');
    const f = await client(doomed.url, frank.token);
    const w = await client(a.url, watcher.token);
    await until('A sees frank', () => roster(w).has(frank.user.id));
    const sessionId = f.socket.id ?? '';
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const killedAt = Date.now();
    await until('frank offline on A', () => !roster(w).has(frank.user.id), 15_000);
    const offlineAfter = Date.now() - killedAt;
    const store = openEmbeddedStore({ dataDir });
    try {
      for (;;) {
        const rec = await store.sessions.find(sessionId);
        if (rec && !rec.isActive) break;
        if (Date.now() - killedAt > 15_000)
          throw new Error('the session record is still open after 15 s');
        await settle(250);
      }
      console.log(
        `[cluster] SIGKILL: offline on the others after ${offlineAfter} ms, session record closed after ≤ ${Date.now() - killedAt} ms`,
      );
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(skip)('Redis down for 30 s', () => {
  it('no node stops serving its own users, and cross-node signals and presence come back by themselves', async () => {
    const [a, b] = await Promise.all([node(), node()]);
    const alice = await registered(a, 'alice');
    const bob = await registered(a, 'bob');
    const carol = await registered(a, 'carol');
    const ca = await client(a.url, alice.token);
    const cc = await client(a.url, carol.token);
    const cb = await client(b.url, bob.token);
    await until('A sees bob on B', () => roster(ca).has(bob.user.id));

    await redis.kill();
    const outageStart = Date.now();
    // A serves its own users: a signal between two of them, a login, a new session, presence on A.
    expect(await ca.signal(offer(carol.user.id))).toEqual({ ok: true });
    await cc.next('signal');
    const login = await call(a, 'POST', '/api/login', {
      email: alice.email,
      password: alice.password,
    });
    expect(login.status).toBe(200);
    const dan = await registered(b, 'dan');
    const cd = await client(b.url, dan.token);
    await until('B tells bob about dan, on B too', () => roster(cb).has(dan.user.id));
    // Across nodes, bob is gone from A's view once B has been silent too long, and no signal goes there.
    await until('A drops bob while B is unreachable', () => !roster(ca).has(bob.user.id), 15_000);
    expect(await ca.signal(offer(bob.user.id))).toMatchObject({
      ok: false,
      code: 'PEER_UNAVAILABLE',
    });
    const wait = 30_000 - (Date.now() - outageStart);
    if (wait > 0) await settle(wait);
    for (const s of [a, b]) expect(s.child.exitCode).toBeNull();

    await redis.start();
    const back = await until(
      'the rosters are whole again without anyone reconnecting',
      () =>
        roster(ca).has(bob.user.id) &&
        roster(ca).has(dan.user.id) &&
        roster(cb).has(alice.user.id) &&
        roster(cb).has(carol.user.id),
      20_000,
    );
    expect(await ca.signal(offer(bob.user.id))).toEqual({ ok: true });
    expect((await cb.next<RelayedSignal>('signal')).from.userId).toBe(alice.user.id);
    expect(await cd.signal(offer(carol.user.id))).toEqual({ ok: true });
    await cc.next<RelayedSignal>('signal', (sig) => sig.from.userId === dan.user.id);
    for (const x of [ca, cb, cc, cd]) expect(x.received('disconnect')).toEqual([]);
    console.log(`[cluster] Redis back: rosters whole and signals across nodes after ${back} ms`);
  }, 90_000);
});

describe('p2pchat-server --workers 2: one port, every core, one embedded store', () => {
  it('spreads sessions over the workers, which share presence, signals and limits, and survive a worker crash', async () => {
    const dir = tempDir('p2pchat-workers-');
    const primary = await spawnServer(
      {
        DATA_DIR: dir,
        AUTH_RATE_LIMIT_IP: '100000',
        AUTH_RATE_LIMIT_ACCOUNT: '3',
        LOG_LEVEL: 'warn',
      },
      ['--workers', '2'],
    );
    started.push(primary);
    const spawnedAt = Date.now();
    try {
      const users = await Promise.all([0, 1, 2, 3, 4].map(() => registered(primary, 'w')));
      // long polling first, then the upgrade: every request of a session must reach the same worker
      const cs: TestClient[] = [];
      for (const u of users.slice(0, 4)) {
        const c = await connected(primary.url, {
          token: u.token,
          transports: ['polling', 'websocket'],
        });
        clients.push(c);
        cs.push(c);
      }
      const ids = users.slice(0, 4).map((u) => u.user.id);
      await until('every client sees all four users', () =>
        cs.every((c) => ids.every((id) => roster(c).has(id))),
      );
      const store = openEmbeddedStore({ dataDir: dir });
      const open = await store.sessions.listActive();
      await store.close();
      const byNode = new Map(open.map((r) => [r.sessionId, r.nodeId]));
      const nodes = new Set(cs.map((c) => byNode.get(c.socket.id ?? '')));
      expect(nodes.size).toBe(2); // the sessions are on both workers

      // every pair, in both directions: half of them cross from one worker to the other
      for (const [i, from] of cs.entries())
        for (const [j, to] of cs.entries()) {
          if (i === j) continue;
          expect(await from.signal(offer(ids[j] as string))).toEqual({ ok: true });
          await to.next<RelayedSignal>('signal', (s) => s.from.userId === ids[i]);
        }

      // failed logins count once for the whole machine, whichever worker answers
      const wrong = { email: users[0]?.email, password: 'not-the-password' };
      const statuses = [];
      for (let k = 0; k < 4; k++)
        statuses.push((await call(primary, 'POST', '/api/login', wrong)).status);
      expect(statuses).toEqual([401, 401, 401, 429]);

      // a worker killed outright: the primary starts another, the others see its users go offline
      const victim = open.find((r) => r.sessionId === cs[0]?.socket.id);
      const victimPid = Number(/-(\d+)$/.exec(victim?.nodeId ?? '')?.[1]);
      expect(victimPid).toBeGreaterThan(0);
      // (a worker that dies within 5 s of starting is not restarted: let this one live that long)
      await settle(5_200 - (Date.now() - spawnedAt));
      process.kill(victimPid, 'SIGKILL');
      await until('the primary restarted the worker', () =>
        /stopped \(SIGKILL\)/.test(primary.output()),
      );
      expect(primary.output()).not.toMatch(/not restarting/);
      // someone arriving while the new worker starts is served by the one still running, not handed to the
      // starting one (which cannot take a connection yet, so the client would hang)
      clients.push(await connected(primary.url, { token: users[4]?.token }));
      const gone = cs.filter((c) => byNode.get(c.socket.id ?? '') === victim?.nodeId);
      const kept = cs.filter((c) => !gone.includes(c));
      const goneIds = gone.map((c) => ids[cs.indexOf(c)] as string);
      await until(
        'the killed worker’s users are offline for the others',
        () => kept.every((c) => goneIds.every((id) => !roster(c).has(id))),
        15_000,
      );
      const again = await connected(primary.url, { token: users[0]?.token });
      clients.push(again);
      await until('the others see that user again', () =>
        kept.every((c) => roster(c).has(ids[0] as string)),
      );

      primary.child.kill('SIGTERM');
      expect(await primary.exited).toBe(0);
      expect(() => process.kill(victimPid, 0)).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(skip)('--workers 2 on Redis, beside another node: one cluster of three', () => {
  it('shares presence and signals between a machine of two workers and a third process', async () => {
    const machine = await spawnServer({ ...baseEnv(), LOG_LEVEL: 'warn' }, ['--workers', '2']);
    started.push(machine);
    const other = await node();
    const users = await Promise.all([0, 1, 2].map(() => registered(machine, 'wr')));
    const ids = users.map((u) => u.user.id);
    const cs = [
      await client(machine.url, users[0]?.token ?? ''),
      await client(machine.url, users[1]?.token ?? ''),
      await client(other.url, users[2]?.token ?? ''),
    ];
    await until('everyone sees everyone', () =>
      cs.every((c) => ids.every((id) => roster(c).has(id))),
    );
    for (const [i, from] of cs.entries())
      for (const [j, to] of cs.entries()) {
        if (i === j) continue;
        expect(await from.signal(offer(ids[j] as string))).toEqual({ ok: true });
        await to.next<RelayedSignal>('signal', (s) => s.from.userId === ids[i]);
      }
    machine.child.kill('SIGTERM');
    expect(await machine.exited).toBe(0);
    await until('the machine’s users offline on the third node', () =>
      [ids[0], ids[1]].every((id) => !roster(cs[2] as TestClient).has(id as string)),
    );
  }, 60_000);
});

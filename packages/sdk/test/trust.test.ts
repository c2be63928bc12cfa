import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { nodeCertificateFiles } from '../src/trust/node-certificate.js';
import { nodeClient } from './harness.js';
import { nextEvent, onlineUser, peerSessions, until, useHarness } from './harness.js';
import { mallory } from './mallory.js';

const used = useHarness();

describe('safety numbers between two Node clients', () => {
  it('are the same on both sides, from each side’s own certificate and the one the connection used', async () => {
    const ada = await onlineUser(used.h.url, 'tada');
    const bob = await onlineUser(used.h.url, 'tbob');
    used.clients.push(ada.client, bob.client);
    await until(() => ada.client.users.some((u) => u.id === bob.user.id), 5000, 'bob online');
    await expect(ada.client.conversation(bob.user.id).safetyNumbers()).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
    });
    await ada.client.conversation(bob.user.id).send('hi');
    await until(() => bob.client.conversation(ada.user.id).state === 'open', 5000, 'open at bob');
    const [atAda] = await ada.client.conversation(bob.user.id).safetyNumbers();
    const [atBob] = await bob.client.conversation(ada.user.id).safetyNumbers();
    expect(atAda?.digits).toMatch(/^\d{5}( \d{5}){11}$/);
    expect(atAda?.digits).toBe(atBob?.digits);
    expect(atAda?.short).toBe(atBob?.short);
    // each side's certificate is the other's remote one; node-datachannel reports no certificate stats, so
    // the peer's comes from its description, which libdatachannel checks the handshake against
    expect(atAda?.local).toBe(atBob?.remote);
    expect(atAda?.remote).toBe(atBob?.local);
    expect([atAda?.source, atAda?.mismatch]).toEqual(['sdp', false]);
    // another pair of connections has other certificates, so another number
    const carol = await onlineUser(used.h.url, 'tcarol');
    used.clients.push(carol.client);
    await until(
      () => carol.client.users.some((u) => u.id === bob.user.id),
      5000,
      'bob online for carol',
    );
    await carol.client.conversation(bob.user.id).send('hi');
    const [atCarol] = await carol.client.conversation(bob.user.id).safetyNumbers();
    expect(atCarol?.digits).not.toBe(atAda?.digits);
  });

  it('marks a contact verified, and raises key-change when a new connection uses another certificate', async () => {
    const ada = await onlineUser(used.h.url, 'vada');
    const bob = await onlineUser(used.h.url, 'vbob');
    used.clients.push(ada.client, bob.client);
    await until(() => ada.client.users.some((u) => u.id === bob.user.id), 5000, 'bob online');
    const chat = ada.client.conversation(bob.user.id);
    await expect(chat.verify()).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    await chat.send('hi');
    expect(chat.trust).toBe('unverified');
    const trusted = nextEvent(ada.client, 'trust');
    await chat.verify();
    expect((await trusted)[0]).toEqual({ userId: bob.user.id, trust: 'verified' });
    expect(chat.trust).toBe('verified');
    // node-datachannel makes a new certificate for every connection: a rebuilt one is another key
    const changed = nextEvent(ada.client, 'key-change', () => true, 40_000);
    for (const p of peerSessions(ada.client))
      if (p.remoteUserId === bob.user.id) p.close('connection failed');
    const [change] = await changed;
    expect(change.userId).toBe(bob.user.id);
    expect(chat.trust).toBe('changed');
    const [now] = await chat.safetyNumbers();
    expect(change.fingerprint).toBe(now?.remote);
    await chat.verify();
    expect(chat.trust).toBe('verified');
    chat.unverify();
    expect(chat.trust).toBe('unverified');
  });

  it('differ when the signaling server sits in the middle of the connection', async () => {
    const ada = await onlineUser(used.h.url, 'mada');
    const bob = await onlineUser(used.h.url, 'mbob');
    used.clients.push(ada.client, bob.client);
    await until(() => ada.client.users.some((u) => u.id === bob.user.id), 5000, 'bob online');
    const m = mallory(used.h.server, ada.user, bob.user);
    try {
      // they chat as usual: every frame goes through Mallory, who reads it
      const atBob = nextEvent(bob.client, 'message', () => true, 20_000);
      await ada.client.conversation(bob.user.id).send('our secret');
      expect((await atBob)[0].body).toBe('our secret');
      await until(() => bob.client.conversation(ada.user.id).state === 'open', 5000, 'open at bob');
      const [atAda] = await ada.client.conversation(bob.user.id).safetyNumbers();
      const [atBobNumber] = await bob.client.conversation(ada.user.id).safetyNumbers();
      // each side sees Mallory's certificate as the other's, so the numbers they compare differ
      expect(atAda?.remote?.toLowerCase()).toBe(m.fingerprints().toAda?.toLowerCase());
      expect(atBobNumber?.remote?.toLowerCase()).toBe(m.fingerprints().toBob?.toLowerCase());
      expect(atAda?.digits).not.toBe(atBobNumber?.digits);
      expect(atAda?.short).not.toBe(atBobNumber?.short);
      console.log(
        `[trust] with Mallory in the middle: ada reads ${atAda?.short}, bob reads ${atBobNumber?.short}`,
      );
    } finally {
      m.close();
    }
  });

  it('keeps a Node client’s certificate in certificateDir, so a verified contact stays verified', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2pchat-certs-'));
    try {
      const ada = await onlineUser(used.h.url, 'cada', { certificateDir: join(dir, 'ada') });
      const bob = await onlineUser(used.h.url, 'cbob', { certificateDir: join(dir, 'bob') });
      used.clients.push(ada.client, bob.client);
      await until(() => ada.client.users.some((u) => u.id === bob.user.id), 5000, 'bob online');
      const chat = ada.client.conversation(bob.user.id);
      await chat.send('hi');
      const [first] = await chat.safetyNumbers();
      await chat.verify();
      // the key is the owner's alone
      const key = join(dir, 'bob', `p2pchat-${bob.user.id}.key.pem`);
      expect(statSync(key).mode & 0o077).toBe(0);
      // a rebuilt connection uses the same certificates: still verified, no key-change
      let changes = 0;
      ada.client.on('key-change', () => (changes += 1));
      const reopened = nextEvent(
        ada.client,
        'peer',
        (p) => p.userId === bob.user.id && p.state === 'open',
        40_000,
      );
      for (const p of peerSessions(ada.client))
        if (p.remoteUserId === bob.user.id) p.close('connection failed');
      await reopened;
      const [second] = await chat.safetyNumbers();
      expect(second?.digits).toBe(first?.digits);
      // bob restarts (a new client, the same folder): the same certificate again
      bob.client.disconnect();
      const bob2 = nodeClient(used.h.url, { certificateDir: join(dir, 'bob') });
      used.clients.push(bob2);
      await bob2.login({ email: bob.account.email, password: bob.account.password });
      await bob2.connect();
      await until(() => ada.client.users.some((u) => u.id === bob.user.id), 5000, 'bob back');
      await chat.send('still you?');
      const [third] = await chat.safetyNumbers();
      expect(third?.remote).toBe(first?.remote);
      await new Promise((r) => setTimeout(r, 300)); // a key check would have run by now
      expect(changes).toBe(0);
      expect(chat.trust).toBe('verified');
      // a damaged certificate file is made anew rather than breaking every connection
      bob2.disconnect();
      writeFileSync(join(dir, 'bob', `p2pchat-${bob.user.id}.cert.pem`), 'not a certificate');
      const bob3 = nodeClient(used.h.url, { certificateDir: join(dir, 'bob') });
      used.clients.push(bob3);
      await bob3.login({ email: bob.account.email, password: bob.account.password });
      await bob3.connect();
      await until(() => ada.client.users.some((u) => u.id === bob.user.id), 5000, 'bob back again');
      await chat.send('and now?');
      const [fourth] = await chat.safetyNumbers();
      expect(fourth?.remote).not.toBe(first?.remote); // a new key, so ada is told
      await until(() => chat.trust === 'changed', 5000, 'the key change noticed');
    } finally {
      for (const c of used.clients) c.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes certificates that libdatachannel takes, every time (strict DER)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2pchat-certs-'));
    try {
      for (let i = 0; i < 12; i++) {
        const files = await nodeCertificateFiles(dir, `account-${i}`);
        const pc = new RTCPeerConnection({ ...files, iceServers: [] } as RTCConfiguration);
        pc.createDataChannel('x');
        await pc.setLocalDescription(await pc.createOffer());
        expect(pc.localDescription?.sdp).toMatch(/a=fingerprint:sha-256 /);
        pc.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warn a side that verified the other when Mallory steps into a new connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2pchat-certs-'));
    const ada = await onlineUser(used.h.url, 'wada', { certificateDir: join(dir, 'ada') });
    const bob = await onlineUser(used.h.url, 'wbob', { certificateDir: join(dir, 'bob') });
    used.clients.push(ada.client, bob.client);
    const m = mallory(used.h.server, ada.user, bob.user);
    m.pause(); // a direct connection first
    try {
      await until(() => ada.client.users.some((u) => u.id === bob.user.id), 5000, 'bob online');
      const chat = ada.client.conversation(bob.user.id);
      await chat.send('hello');
      await until(() => bob.client.conversation(ada.user.id).state === 'open', 5000, 'open at bob');
      const [direct] = await chat.safetyNumbers();
      expect((await bob.client.conversation(ada.user.id).safetyNumbers())[0]?.digits).toBe(
        direct?.digits,
      );
      await chat.verify();
      // Mallory takes over the signals; the connection breaks, and the next one goes through her
      m.resume();
      const warned = nextEvent(ada.client, 'key-change', () => true, 40_000);
      for (const p of peerSessions(ada.client))
        if (p.remoteUserId === bob.user.id) p.close('connection failed');
      for (const p of peerSessions(bob.client))
        if (p.remoteUserId === ada.user.id) p.close('connection failed');
      expect((await warned)[0].fingerprint.toLowerCase()).toBe(
        m.fingerprints().toAda?.toLowerCase(),
      );
      expect(chat.trust).toBe('changed');
      const [through] = await chat.safetyNumbers();
      expect(through?.digits).not.toBe(direct?.digits);
    } finally {
      m.close();
      for (const c of used.clients) c.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

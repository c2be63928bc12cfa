import { describe, expect, it } from 'vitest';
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
});

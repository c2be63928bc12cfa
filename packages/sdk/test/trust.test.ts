import { describe, expect, it } from 'vitest';
import { onlineUser, until, useHarness } from './harness.js';

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
});

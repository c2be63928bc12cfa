/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import {
  clients,
  createClient,
  indexedDbCertificates,
  memoryStorage,
  next,
  online,
  serverUrl,
  until,
} from './helpers.js';

describe('safety numbers in Chromium', () => {
  it('are the same on both sides, from the certificates the DTLS handshake used', async () => {
    const ada = await online('tada');
    const bob = await online('tbob');
    await until(() => ada.client.users.some((u) => u.id === bob.user.id), 'presence');
    await ada.client.conversation(bob.user.id).send('hi');
    await until(() => bob.client.conversation(ada.user.id).state === 'open', 'open at bob');
    const [atAda] = await ada.client.conversation(bob.user.id).safetyNumbers();
    const [atBob] = await bob.client.conversation(ada.user.id).safetyNumbers();
    expect(atAda?.source).to.equal('dtls');
    expect(atAda?.mismatch).to.equal(false);
    expect(atAda?.digits).to.match(/^\d{5}( \d{5}){11}$/);
    expect(atAda?.digits).to.equal(atBob?.digits);
    expect(atAda?.local).to.equal(atBob?.remote);
  });

  it('keeps this device’s certificate per account across reloads, so the number stays the same', async () => {
    const bob = await online('tbob2');
    // ada's session and certificate live in this browser (localStorage and IndexedDB), as after a reload
    const first = createClient({ server: serverUrl, reach: { policy: 'anyone' } });
    clients.push(first);
    const tag = `tada2${Date.now() % 100000}`;
    const ada = await first.register({
      username: tag,
      email: `${tag}@example.test`,
      password: `pw-${tag}-long`,
    });
    await first.connect();
    await first.conversation(bob.user.id).send('before the reload');
    const [before] = await first.conversation(bob.user.id).safetyNumbers();
    first.disconnect();
    const again = createClient({ server: serverUrl, reach: { policy: 'anyone' } });
    clients.push(again);
    expect((await again.restore())?.id).to.equal(ada.id);
    await again.connect();
    await until(() => again.users.some((u) => u.id === bob.user.id), 'bob online');
    await again.conversation(bob.user.id).send('after the reload');
    const [after] = await again.conversation(bob.user.id).safetyNumbers();
    expect(after?.local).to.equal(before?.local);
    expect(after?.digits).to.equal(before?.digits); // bob's certificate is stable too
    const [atBob] = await bob.client.conversation(ada.id).safetyNumbers();
    expect(atBob?.digits).to.equal(after?.digits);
    await again.logout({ forget: true }); // erases this account's certificate on this device
  });

  it('warns when a verified contact connects with another certificate, until it is verified again', async () => {
    const ada = await online('tada3');
    const bobStorage = memoryStorage();
    const bob = await online('tbob3', bobStorage);
    await until(() => ada.client.users.some((u) => u.id === bob.user.id), 'presence');
    const chat = ada.client.conversation(bob.user.id);
    await chat.send('hi');
    expect(chat.trust).to.equal('unverified');
    await chat.verify(); // after comparing the numbers
    expect(chat.trust).to.equal('verified');
    // bob comes back with a new certificate (a new device, or his was replaced): his old one is gone
    bob.client.disconnect();
    await indexedDbCertificates().remove(bob.user.id);
    const bob2 = createClient({
      server: serverUrl,
      storage: bobStorage,
      reach: { policy: 'anyone' },
    });
    clients.push(bob2);
    await bob2.restore();
    await bob2.connect();
    await until(
      () => ada.client.users.some((u) => u.id === bob.user.id && u.sessions.length === 1),
      'bob back',
    );
    const warned = next(ada.client, 'key-change');
    await chat.send('are you still you?');
    const [change] = await warned;
    expect(change.userId).to.equal(bob.user.id);
    expect(chat.trust).to.equal('changed');
    const [now] = await chat.safetyNumbers();
    expect(change.fingerprint).to.equal(now?.remote);
    await chat.verify(); // compared again
    expect(chat.trust).to.equal('verified');
  });
});

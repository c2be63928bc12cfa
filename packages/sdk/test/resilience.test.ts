import { describe, expect, it } from 'vitest';
import type { ChatMessage, SignalingState } from '../src/index.js';
import { nextEvent, onlineUser, peerSessions, startHarness, until } from './harness.js';

describe('a server restart', () => {
  it('reconnects signaling with backoff, re-syncs the roster, and the conversation goes on', async () => {
    const h = await startHarness();
    try {
      const ada = await onlineUser(h.url, 'ada');
      const bob = await onlineUser(h.url, 'bob');
      await until(() => ada.client.users.some((u) => u.id === bob.user.id));
      await ada.client.conversation(bob.user.id).send('before the restart');
      const states: SignalingState[] = [];
      ada.client.on('connection', (s) => states.push(s));

      await h.restart();
      await until(() => states.includes('reconnecting'), 10_000, 'the drop to be noticed');
      await until(
        () =>
          ada.client.connectionState === 'connected' && bob.client.connectionState === 'connected',
        15_000,
        'reconnect',
      );
      await until(
        () =>
          ada.client.users.some((u) => u.id === bob.user.id) &&
          bob.client.users.some((u) => u.id === ada.user.id),
        10_000,
        'roster re-sync',
      );
      // the roster holds the session ids the restarted server gave out, not the old ones
      const bobNow = h.server.realtime.roster
        .snapshot()
        .users.find((u) => u.user.id === bob.user.id);
      expect(ada.client.users.find((u) => u.id === bob.user.id)?.sessions).toEqual(
        bobNow?.sessions,
      );

      const atBob = nextEvent(
        bob.client,
        'message',
        (m) => (m as ChatMessage).body === 'after the restart',
      );
      await ada.client.conversation(bob.user.id).send('after the restart');
      await atBob;
      const atAda = nextEvent(ada.client, 'message');
      await bob.client.conversation(ada.user.id).send('and back');
      await atAda;
      ada.client.disconnect();
      bob.client.disconnect();
    } finally {
      await h.stop();
    }
  });

  it('re-establishes a conversation whose peer connection dropped', async () => {
    const h = await startHarness();
    try {
      const ada = await onlineUser(h.url, 'ada');
      const bob = await onlineUser(h.url, 'bob');
      await until(() => ada.client.users.some((u) => u.id === bob.user.id));
      await ada.client.conversation(bob.user.id).send('first');
      // Break the connection underneath, as a network failure does: the connection really closes, and this
      // side gets the "failed" state a browser reports (node-datachannel fires no event for a local close).
      const peers = peerSessions(ada.client);
      const reopened = nextEvent(
        ada.client,
        'peer',
        (p) => p.userId === bob.user.id && p.state === 'open',
        40_000,
      );
      for (const p of [...peers]) p.close('connection failed');
      await reopened;
      const atBob = nextEvent(bob.client, 'message', (m) => (m as ChatMessage).body === 'second');
      await ada.client.conversation(bob.user.id).send('second');
      await atBob;
      ada.client.disconnect();
      bob.client.disconnect();
    } finally {
      await h.stop();
    }
  });
});

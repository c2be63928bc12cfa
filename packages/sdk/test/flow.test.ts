import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../src/index.js';
import type { Harness } from './harness.js';
import { nextEvent, onlineUser, startHarness, until } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

describe('the ten-line flow', () => {
  it('logs in, sees presence, and sends a message that the peer acknowledges', async () => {
    const ada = await onlineUser(h.url, 'ada');
    const bob = await onlineUser(h.url, 'bob');
    await until(
      () => ada.client.users.some((u) => u.id === bob.user.id),
      5000,
      "bob in ada's roster",
    );
    const received = nextEvent(bob.client, 'message');
    const chat = ada.client.conversation(bob.user.id);
    const sent = await chat.send('hello');
    const [m] = (await received) as [ChatMessage];
    expect(m).toMatchObject({
      id: sent.id,
      body: 'hello',
      from: { id: ada.user.id, username: ada.user.username },
    });
    expect(typeof m.sentAt).toBe('number');
    ada.client.disconnect();
    bob.client.disconnect();
  });
});

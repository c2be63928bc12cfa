import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, P2PClient, P2PError } from '../src/index.js';
import type { Harness } from './harness.js';
import { nextEvent, onlineUser, peerSessions, startHarness, until } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

type TamperableSocket = {
  data: { user?: { id: string } };
  use(
    fn: (
      packet: [string, { type?: string; data?: { sdp?: string } } | undefined],
      next: () => void,
    ) => void,
  ): void;
};

// Reaches into a client's open data channel to a user, to send what a hostile peer would.
function rawChannel(client: P2PClient, userId: string): RTCDataChannel {
  const peer = peerSessions(client).find((p) => p.remoteUserId === userId && p.state === 'open');
  if (!peer) throw new Error('no open channel');
  return peer.channel;
}

const GARBAGE: [string, string | Uint8Array][] = [
  ['not JSON', 'hello there'],
  ['truncated JSON', '{"t":"msg","id":"1","body":"x"'],
  ['a JSON array', '[1,2,3]'],
  ['a JSON string', '"msg"'],
  ['null', 'null'],
  ['an unknown frame type', '{"t":"exec","cmd":"rm -rf /"}'],
  ['a message without a body', '{"t":"msg","id":"m1","sentAt":1}'],
  ['a body of the wrong type', '{"t":"msg","id":"m2","body":{"$ne":null},"sentAt":1}'],
  ['an empty id', '{"t":"msg","id":"","body":"x","sentAt":1}'],
  ['a negative time', '{"t":"msg","id":"m3","body":"x","sentAt":-5}'],
  [
    'an over-long body',
    JSON.stringify({ t: 'msg', id: 'm4', body: 'x'.repeat(32_769), sentAt: 1700000000000 }),
  ],
  [
    'a body over the limit in bytes, not in characters',
    JSON.stringify({ t: 'msg', id: 'm4b', body: '語'.repeat(10_923), sentAt: 1700000000000 }),
  ],
  [
    'a frame over 64 KiB',
    JSON.stringify({ t: 'msg', id: 'm5', body: 'y'.repeat(70_000), sentAt: 1 }),
  ],
  ['binary data', new Uint8Array([0, 1, 2, 255])],
  [
    'prototype pollution',
    '{"t":"msg","id":"m6","body":"hi","sentAt":1700000000000,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted2":true}}}',
  ],
  ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`],
];

describe('a hostile peer', () => {
  it('cannot crash, pollute or confuse a client with garbage frames', async () => {
    const victim = await onlineUser(h.url, 'victim');
    const mallory = await onlineUser(h.url, 'mallory');
    const friend = await onlineUser(h.url, 'friend');
    const errors: P2PError[] = [];
    victim.client.on('error', (e) => errors.push(e));
    const messages: ChatMessage[] = [];
    victim.client.on('message', (m) => messages.push(m));
    await until(() => mallory.client.users.some((u) => u.id === victim.user.id));
    await mallory.client.conversation(victim.user.id).send('innocent start');
    const channel = rawChannel(mallory.client, victim.user.id);
    for (const [, frame] of GARBAGE) channel.send(frame as string);

    await until(() => errors.length >= GARBAGE.length - 1, 10_000, 'the garbage to be refused');
    expect(errors.every((e) => e.code === 'PEER_PROTOCOL' && e.layer === 'peer')).toBe(true);
    // the pollution frame's "hi" is a valid message once unknown keys are dropped: it arrives, harmlessly
    expect(messages.map((m) => m.body)).toEqual(['innocent start', 'hi']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted2).toBeUndefined();

    // and the victim goes on chatting, with mallory and with others
    const back = nextEvent(mallory.client, 'message');
    await victim.client.conversation(mallory.user.id).send('still here');
    await back;
    await until(() => victim.client.users.some((u) => u.id === friend.user.id));
    expect((await victim.client.conversation(friend.user.id).send('all good')).body).toBe(
      'all good',
    );
    for (const c of [victim, mallory, friend]) c.client.disconnect();
  });

  // Each case: lines a peer put into the offer it sent. None may cost the victim the connection.
  const BAD_CANDIDATE_LINES: [string, (sdp: string) => string][] = [
    ['a candidate that does not parse', (sdp) => afterMid(sdp, ['a=candidate:zzz'])],
    [
      'an address that is not one',
      (sdp) => afterMid(sdp, ['a=candidate:1 1 UDP 2122252543 999.1.1.1 9 typ host']),
    ],
    [
      'an unknown transport',
      (sdp) => afterMid(sdp, ['a=candidate:1 1 SCTP 2122252543 127.0.0.1 9 typ host']),
    ],
    [
      'a candidate outside any media section',
      (sdp) => sdp.replace(/^(v=0\r?\n)/, '$1a=candidate:1 1 UDP 1 127.0.0.1 9 typ host\r\n'),
    ],
    [
      'five hundred unusable candidates',
      (sdp) =>
        afterMid(
          sdp,
          Array.from({ length: 500 }, () => 'a=candidate:zzz'),
        ),
    ],
  ];
  function afterMid(sdp: string, lines: string[]): string {
    return sdp.replace(/(a=mid:[^\r\n]*\r?\n)/, `$1${lines.join('\r\n')}\r\n`);
  }

  it.each(BAD_CANDIDATE_LINES)(
    'cannot break a connection with %s in its description',
    async (_name, tamper) => {
      const victim = await onlineUser(h.url, 'victim');
      const odd = await onlineUser(h.url, 'odd');
      const errors: P2PError[] = [];
      victim.client.on('error', (e) => errors.push(e));
      odd.client.on('error', (e) => errors.push(e));
      // the odd peer's offers are rewritten on their way through the server
      const io = h.server.realtime.io as unknown as {
        sockets: { sockets: Map<string, TamperableSocket> };
      };
      let tampered = 0;
      for (const socket of io.sockets.sockets.values()) {
        if (socket.data.user?.id !== odd.user.id) continue;
        socket.use(([event, payload], next) => {
          if (event === 'signal' && payload?.type === 'offer' && payload.data?.sdp) {
            payload.data.sdp = tamper(payload.data.sdp);
            tampered += 1;
          }
          next();
        });
      }
      await until(() => odd.client.users.some((u) => u.id === victim.user.id));
      const got = nextEvent(victim.client, 'message');
      await odd.client.conversation(victim.user.id).send('still fine');
      expect((await got)[0].body).toBe('still fine');
      expect(tampered).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      for (const c of [victim, odd]) c.client.disconnect();
    },
  );

  it('is cut off when it floods, and others are not', async () => {
    const victim = await onlineUser(h.url, 'victim');
    const flooder = await onlineUser(h.url, 'flooder');
    const errors: P2PError[] = [];
    victim.client.on('error', (e) => errors.push(e));
    await until(() => flooder.client.users.some((u) => u.id === victim.user.id));
    await flooder.client.conversation(victim.user.id).send('hi');
    const channel = rawChannel(flooder.client, victim.user.id);
    const closed = nextEvent(
      victim.client,
      'peer',
      (p) => p.userId === flooder.user.id && p.state === 'closed',
      15_000,
    );
    for (let i = 0; i < 3000; i++) channel.send(JSON.stringify({ t: 'typing', on: i % 2 === 0 }));
    await closed;
    expect(errors.some((e) => e.code === 'PEER_PROTOCOL' && /flooded/.test(e.message))).toBe(true);
    for (const c of [victim, flooder]) c.client.disconnect();
  });
});

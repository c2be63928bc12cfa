import { describe, expect, it } from 'vitest';
import {
  AvatarUrlSchema,
  MAX_SDP_LENGTH,
  ProfileUpdateSchema,
  RelayedSignalSchema,
  SignalRequestSchema,
  UsernameSchema,
} from './index.js';

describe('usernames', () => {
  it.each(['ada', 'Ada_Lovelace', 'a.b-c', 'x_1', '___', 'a'.repeat(32)])('accepts %s', (name) => {
    expect(UsernameSchema.safeParse(name).success).toBe(true);
  });
  it.each([
    'ab',
    'a'.repeat(33),
    'a b',
    'a..b',
    '-ab',
    'ab.',
    'é-tude',
    '<b>x</b>',
    'a\u0000b',
    '',
  ])('refuses %j', (name) => {
    expect(UsernameSchema.safeParse(name).success).toBe(false);
  });
});

describe('avatar URLs', () => {
  it.each(['', 'https://example.test/a.png', 'https://cdn.example.test/u/1?s=64'])(
    'accepts %j',
    (url) => {
      expect(AvatarUrlSchema.safeParse(url).success).toBe(true);
    },
  );
  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:image/svg+xml,<svg/onload=alert(1)>',
    'http://example.test/a.png',
    '//example.test/a.png',
    'ftp://example.test/a.png',
    'https:',
  ])('refuses %j', (url) => {
    expect(AvatarUrlSchema.safeParse(url).success).toBe(false);
  });
});

describe('profile updates', () => {
  it('trims fields and drops unknown ones', () => {
    const parsed = ProfileUpdateSchema.parse({
      displayName: '  Ada  ',
      isAdmin: true,
      email: 'x@y.z',
    });
    expect(parsed).toEqual({ displayName: 'Ada' });
  });
});

describe('signals', () => {
  it('parses each signal type and drops a sender claimed by the client', () => {
    const cases = [
      { to: 'u1', type: 'offer', data: { sdp: 'v=0' } },
      { to: 'u1', toSession: 's1', type: 'answer', data: { sdp: 'v=0' } },
      {
        to: 'u1',
        type: 'candidate',
        data: {
          candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      },
      { to: 'u1', type: 'candidate', data: null },
      { to: 'u1', type: 'bye' },
    ];
    for (const c of cases) {
      const parsed = SignalRequestSchema.parse({ ...c, from: { userId: 'someone-else' } });
      expect(parsed).not.toHaveProperty('from');
      expect(parsed.type).toBe(c.type);
    }
  });

  it.each([
    ['no target', { type: 'offer', data: { sdp: 'v=0' } }],
    ['an empty target', { to: '', type: 'offer', data: { sdp: 'v=0' } }],
    ['an object as target', { to: { $ne: null }, type: 'offer', data: { sdp: 'v=0' } }],
    ['an unknown type', { to: 'u1', type: 'hack', data: {} }],
    ['an offer without sdp', { to: 'u1', type: 'offer', data: {} }],
    [
      'an oversized sdp',
      { to: 'u1', type: 'offer', data: { sdp: 'x'.repeat(MAX_SDP_LENGTH + 1) } },
    ],
    ['a candidate of the wrong shape', { to: 'u1', type: 'candidate', data: { candidate: 42 } }],
  ])('refuses a signal with %s', (_name, payload) => {
    expect(SignalRequestSchema.safeParse(payload).success).toBe(false);
  });

  it('reads a relayed signal with its stamped sender', () => {
    const relayed = RelayedSignalSchema.parse({
      from: { userId: 'u2', username: 'bob', sessionId: 's2' },
      type: 'answer',
      data: { sdp: 'v=0' },
    });
    expect(relayed.from.username).toBe('bob');
  });
});

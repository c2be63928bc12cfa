import { describe, expect, it } from 'vitest';
import { MAX_CANDIDATE_LENGTH, MAX_SDP_LENGTH } from './limits.js';
import { parseSignalRequest } from './signal-check.js';
import { SignalRequestSchema } from './socket.js';

// The hand-written check must say exactly what the schema says, on every input.
const bySchema = (v: unknown) => {
  const r = SignalRequestSchema.safeParse(v);
  return r.success ? r.data : null;
};

describe('parseSignalRequest agrees with SignalRequestSchema', () => {
  const cases: [string, unknown][] = [
    ['an offer', { to: 'u1', type: 'offer', data: { sdp: 'v=0' } }],
    ['an answer to one session', { to: 'u1', toSession: 's1', type: 'answer', data: { sdp: '' } }],
    [
      'a candidate',
      { to: 'u1', type: 'candidate', data: { candidate: 'c', sdpMid: '0', sdpMLineIndex: 0 } },
    ],
    [
      'a candidate with nulls',
      {
        to: 'u1',
        type: 'candidate',
        data: { candidate: 'c', sdpMid: null, sdpMLineIndex: null, usernameFragment: null },
      },
    ],
    ['the end of candidates', { to: 'u1', type: 'candidate', data: null }],
    ['a bye', { to: 'u1', type: 'bye' }],
    ['a hold with data', { to: 'u1', type: 'hold', data: { x: 1 } }],
    ['a decline', { to: 'u1', type: 'decline', data: {} }],
    [
      'extra fields, dropped',
      { to: 'u1', type: 'offer', data: { sdp: 'v=0', x: 1 }, from: 'forged', y: [1] },
    ],
    ['a __proto__ field', JSON.parse('{"to":"u1","type":"bye","__proto__":{"polluted":true}}')],
    ['no target', { type: 'bye' }],
    ['an empty target', { to: '', type: 'bye' }],
    ['a target too long', { to: 'x'.repeat(129), type: 'bye' }],
    ['a target that is not text', { to: 5, type: 'bye' }],
    ['an empty session', { to: 'u1', toSession: '', type: 'bye' }],
    ['an unknown type', { to: 'u1', type: 'eval' }],
    ['no type', { to: 'u1' }],
    ['an offer without sdp', { to: 'u1', type: 'offer', data: {} }],
    ['an offer without data', { to: 'u1', type: 'offer' }],
    ['an sdp too long', { to: 'u1', type: 'offer', data: { sdp: 'x'.repeat(MAX_SDP_LENGTH + 1) } }],
    ['an sdp at the limit', { to: 'u1', type: 'offer', data: { sdp: 'x'.repeat(MAX_SDP_LENGTH) } }],
    [
      'a candidate too long',
      { to: 'u1', type: 'candidate', data: { candidate: 'x'.repeat(MAX_CANDIDATE_LENGTH + 1) } },
    ],
    ['a candidate without text', { to: 'u1', type: 'candidate', data: {} }],
    [
      'a fractional line index',
      { to: 'u1', type: 'candidate', data: { candidate: 'c', sdpMLineIndex: 0.5 } },
    ],
    [
      'a negative line index',
      { to: 'u1', type: 'candidate', data: { candidate: 'c', sdpMLineIndex: -1 } },
    ],
    [
      'a line index too big',
      { to: 'u1', type: 'candidate', data: { candidate: 'c', sdpMLineIndex: 1025 } },
    ],
    [
      'a line index as text',
      { to: 'u1', type: 'candidate', data: { candidate: 'c', sdpMLineIndex: '0' } },
    ],
    [
      'a mid too long',
      { to: 'u1', type: 'candidate', data: { candidate: 'c', sdpMid: 'x'.repeat(129) } },
    ],
    [
      'a fragment too long',
      { to: 'u1', type: 'candidate', data: { candidate: 'c', usernameFragment: 'x'.repeat(257) } },
    ],
    ['a bye with data that is not an object', { to: 'u1', type: 'bye', data: 'x' }],
    ['a bye with a list as data', { to: 'u1', type: 'bye', data: [] }],
    ['a list', [{ to: 'u1', type: 'bye' }]],
    ['null', null],
    ['text', 'bye'],
  ];
  it.each(cases)('%s', (_name, input) => {
    expect(parseSignalRequest(input)).toEqual(bySchema(input));
  });

  it('on a thousand random payloads', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const values = [
      undefined,
      null,
      '',
      'x',
      'u1',
      0,
      1,
      -1,
      0.5,
      1024,
      1025,
      true,
      [],
      {},
      'x'.repeat(129),
    ];
    const obj = (keys: string[]) =>
      Object.fromEntries(keys.filter(() => rand() < 0.7).map((k) => [k, pick(values)]));
    for (let i = 0; i < 1000; i++) {
      const data = pick([
        undefined,
        null,
        'x',
        [],
        obj(['sdp', 'candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment']),
      ]);
      const input = {
        ...obj(['to', 'toSession']),
        type: pick(['offer', 'answer', 'candidate', 'bye', 'hold', 'decline', 'x', undefined]),
        ...(data === undefined ? {} : { data }),
      };
      expect(parseSignalRequest(input), JSON.stringify(input)).toEqual(bySchema(input));
    }
  });
});

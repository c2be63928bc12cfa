import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { jsonBytes } from './signal-relay.js';

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');
const sdp = 'v=0\r\no=- 46117317 2 IN IP4 127.0.0.1\r\ns=-\r\n'.replace(/\r\n/g, ' ');

describe('jsonBytes: the size of a signal as JSON, without serializing it', () => {
  it.each([
    ['an offer', { to: 'u1', type: 'offer', data: { sdp } }],
    [
      'a candidate',
      {
        to: 'u1',
        toSession: 's1',
        type: 'candidate',
        data: {
          candidate: 'candidate:1 1 udp 2113937151 192.0.2.2 5000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      },
    ],
    ['a bye without data', { to: 'u1', type: 'bye' }],
    ['an empty object and array', { a: {}, b: [] }],
    [
      'numbers, booleans and null',
      { n: -12.5, z: 0, big: 1e21, t: true, f: false, x: null, inf: Infinity },
    ],
    [
      'undefined, functions and symbols: left out, or null in an array',
      { u: undefined, f: () => 1, s: Symbol('x'), a: [undefined, () => 1, 1] },
    ],
    ['text beyond ASCII', { to: 'ü', type: 'bye', data: { name: 'Zoë 東京 🚀' } }],
    ['nested arrays', { a: [[1, [2, [3]]], 'x'] }],
    ['padding beyond the limit', { to: 'u1', type: 'bye', padding: 'x'.repeat(70 * 1024) }],
  ])('is exact for %s', (_what, value) => {
    expect(jsonBytes(value)).toBe(bytes(value));
  });

  it('undercounts escapes only, by what they add', () => {
    const v = { s: 'a "quoted" \\ line\nand a tab\t' };
    const escapes = bytes(v) - jsonBytes(v);
    expect(escapes).toBe(5); // the two quotes, the backslash, the newline and the tab: one byte more each
  });

  it('stops at a depth no signal has, so a nested bomb costs nothing to measure', () => {
    let bomb: unknown = 'x';
    for (let i = 0; i < 100_000; i++) bomb = [bomb];
    expect(jsonBytes(bomb)).toBe(Number.POSITIVE_INFINITY);
    const deep = (levels: number): unknown => (levels === 0 ? 1 : { a: deep(levels - 1) });
    expect(jsonBytes(deep(8))).toBe(bytes(deep(8))); // as deep as it is measured
    expect(jsonBytes(deep(9))).toBe(Number.POSITIVE_INFINITY);
  });

  it('calls a BigInt oversized, as JSON cannot hold one', () => {
    expect(jsonBytes({ n: 1n })).toBe(Number.POSITIVE_INFINITY);
  });
});

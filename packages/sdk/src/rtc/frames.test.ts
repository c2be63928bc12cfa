import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, MAX_MESSAGE_LENGTH, parseFrame } from './frames.js';

describe('data-channel frames', () => {
  it.each([
    ['hello', { t: 'hello', v: 1, sessionId: 's1' }],
    ['msg', { t: 'msg', id: 'm1', body: 'hi', sentAt: 1700000000000 }],
    ['ack', { t: 'ack', id: 'm1' }],
    ['typing', { t: 'typing', on: true }],
    ['bye', { t: 'bye' }],
  ])('reads a %s frame', (_name, frame) => {
    expect(parseFrame(JSON.stringify(frame))).toEqual(frame);
  });

  it('keeps only known fields, so nothing can be smuggled in', () => {
    const f = parseFrame(
      '{"t":"msg","id":"m","body":"b","sentAt":1,"__proto__":{"x":1},"admin":true}',
    );
    expect(f).toEqual({ t: 'msg', id: 'm', body: 'b', sentAt: 1 });
    expect(Object.getPrototypeOf(f)).toBe(Object.prototype);
    expect(Object.keys(f ?? {})).toEqual(['t', 'id', 'body', 'sentAt']);
  });

  it.each([
    ['not a string', 42],
    ['binary', new Uint8Array([1, 2])],
    ['not JSON', 'nope'],
    ['an array', '[{"t":"bye"}]'],
    ['null', 'null'],
    ['no type', '{"id":"x"}'],
    ['an unknown type', '{"t":"eval"}'],
    ['a type that is not a string', '{"t":{"toString":"msg"}}'],
    ['a message without body', '{"t":"msg","id":"m","sentAt":1}'],
    ['an empty body', '{"t":"msg","id":"m","body":"","sentAt":1}'],
    [
      'a body too long',
      JSON.stringify({ t: 'msg', id: 'm', body: 'x'.repeat(MAX_MESSAGE_LENGTH + 1), sentAt: 1 }),
    ],
    ['an id too long', JSON.stringify({ t: 'ack', id: 'x'.repeat(65) })],
    ['a fractional time', '{"t":"msg","id":"m","body":"b","sentAt":1.5}'],
    ['a time as a string', '{"t":"msg","id":"m","body":"b","sentAt":"1"}'],
    ['typing as a string', '{"t":"typing","on":"yes"}'],
    [
      'a frame over the byte limit',
      JSON.stringify({ t: 'bye', pad: 'é'.repeat(MAX_FRAME_BYTES / 2 + 1) }),
    ],
  ])('refuses %s', (_name, data) => {
    expect(parseFrame(data)).toBeNull();
  });
});

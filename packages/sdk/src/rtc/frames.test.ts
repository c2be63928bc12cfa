import { describe, expect, it } from 'vitest';
import {
  FRAME_VERSION,
  MAX_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_SYNC_RECORDS,
  parseFrame,
  toSyncRecord,
  utf8Length,
} from './frames.js';

const msgLike = (frame: object) => JSON.stringify(frame);
const msg = (body: string, id = 'm') =>
  JSON.stringify({ t: 'msg', id, body, sentAt: 1700000000000 });

describe('data-channel frames', () => {
  it.each([
    ['hello', { t: 'hello', v: FRAME_VERSION, sessionId: 's1' }],
    ['msg', { t: 'msg', id: 'm1', body: 'hi', sentAt: 1700000000000 }],
    ['reply', { t: 'msg', id: 'm2', body: 'yes', sentAt: 1700000000000, replyTo: 'm1' }],
    ['read', { t: 'read', ids: ['m1', 'm2'] }],
    ['edit', { t: 'edit', id: 'm1', body: 'hi!', at: 1700000000001 }],
    ['del', { t: 'del', id: 'm1' }],
    ['react', { t: 'react', id: 'm1', emoji: '👍🏽', on: true }],
    ['ping', { t: 'ping' }],
    ['ack', { t: 'ack', id: 'm1' }],
    ['typing', { t: 'typing', on: true }],
    ['bye', { t: 'bye' }],
    ['sync', { t: 'sync', records: [{ id: 'm1' }] }],
    ['file offer', { t: 'file', id: 'f1', name: 'a.txt', size: 12, mime: 'text/plain' }],
    ['file resume', { t: 'file', id: 'f1', name: 'a.txt', size: 12, mime: '', resume: true }],
    ['file-ok', { t: 'file-ok', id: 'f1', offset: 1048576 }],
    ['file-at', { t: 'file-at', id: 'f1', offset: 0 }],
    ['file-done', { t: 'file-done', id: 'f1', ok: false }],
    ['file-no', { t: 'file-no', id: 'f1', why: 'declined' }],
  ])('reads a %s frame', (_name, frame) => {
    expect(parseFrame(JSON.stringify(frame))).toEqual(frame);
  });

  // Limits are bytes of UTF-8, whatever the script: what the sender checks is what the receiver checks.
  it.each([
    ['a body of exactly the limit in ASCII', 'x'.repeat(MAX_MESSAGE_BYTES), true],
    ['one byte more', 'x'.repeat(MAX_MESSAGE_BYTES + 1), false],
    ['the limit in three-byte text', '語'.repeat(Math.floor(MAX_MESSAGE_BYTES / 3)), true],
    ['one three-byte character more', '語'.repeat(Math.floor(MAX_MESSAGE_BYTES / 3) + 1), false],
    // 16,384 UTF-16 units, 32,768 bytes: within the byte limit, whatever the unit count
    ['the limit in four-byte emoji', '😀'.repeat(MAX_MESSAGE_BYTES / 4), true],
    ['one emoji more', '😀'.repeat(MAX_MESSAGE_BYTES / 4 + 1), false],
  ])('bounds a body in bytes: %s', (_name, body, ok) => {
    expect(parseFrame(msg(body)) !== null).toBe(ok);
  });

  it.each([
    ['an id of 64 ASCII bytes', msg('b', 'x'.repeat(64)), true],
    ['an id of 22 characters but 66 bytes', msg('b', '語'.repeat(22)), false],
    [
      'a family emoji as a reaction (25 bytes)',
      '{"t":"react","id":"m","emoji":"👨‍👩‍👧‍👦","on":true}',
      true,
    ],
    [
      'a reaction of 11 characters but 33 bytes',
      '{"t":"react","id":"m","emoji":"語語語語語語語語語語語","on":true}',
      false,
    ],
  ])('bounds ids and reactions in bytes: %s', (_name, data, ok) => {
    expect(parseFrame(data) !== null).toBe(ok);
  });

  it.each([
    ['empty', ''],
    ['ASCII', 'hello'],
    ['two-byte', 'é ß ж'],
    ['three-byte', '語 €'],
    ['four-byte pairs', '😀👍🏽'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', '\udc00'],
    ['a high surrogate at the end', 'x\ud83d'],
    ['two high surrogates then a low', '\ud83d\ud83d\ude00'],
  ])('counts UTF-8 bytes as TextEncoder writes them: %s', (_name, s) => {
    expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('keeps only known fields, so nothing can be smuggled in', () => {
    const f = parseFrame(
      '{"t":"msg","id":"m","body":"b","sentAt":1700000000000,"__proto__":{"x":1},"admin":true}',
    );
    expect(f).toEqual({ t: 'msg', id: 'm', body: 'b', sentAt: 1700000000000 });
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
    ['a body too long', msg('x'.repeat(MAX_MESSAGE_BYTES + 1))],
    ['an id too long', JSON.stringify({ t: 'ack', id: 'x'.repeat(65) })],
    ['a fractional time', '{"t":"msg","id":"m","body":"b","sentAt":1.5}'],
    ['a time as a string', '{"t":"msg","id":"m","body":"b","sentAt":"1"}'],
    ['typing as a string', '{"t":"typing","on":"yes"}'],
    // times outside 2000–2100 would throw in toISOString() or sort messages into the far future
    ['a time before 2000', '{"t":"msg","id":"m","body":"b","sentAt":1}'],
    ['a time past Date range', '{"t":"msg","id":"m","body":"b","sentAt":8640000000000001}'],
    ['a negative time', '{"t":"msg","id":"m","body":"b","sentAt":-1}'],
    [
      'a reply to an empty id',
      '{"t":"msg","id":"m","body":"b","sentAt":1700000000000,"replyTo":""}',
    ],
    ['a receipt with no ids', '{"t":"read","ids":[]}'],
    [
      'a receipt with too many ids',
      JSON.stringify({ t: 'read', ids: Array.from({ length: 101 }, (_, i) => `m${i}`) }),
    ],
    ['a receipt with a non-string id', '{"t":"read","ids":[1]}'],
    ['an edit without a time', '{"t":"edit","id":"m","body":"b"}'],
    ['an empty edit', '{"t":"edit","id":"m","body":"","at":1700000000000}'],
    ['a delete without an id', '{"t":"del"}'],
    [
      'a reaction too long',
      JSON.stringify({ t: 'react', id: 'm', emoji: 'x'.repeat(33), on: true }),
    ],
    ['a reaction without on', '{"t":"react","id":"m","emoji":"👍"}'],
    ['a sync without records', '{"t":"sync","records":[]}'],
    ['a file of negative size', '{"t":"file","id":"f","name":"a","size":-1,"mime":""}'],
    ['a file of fractional size', '{"t":"file","id":"f","name":"a","size":1.5,"mime":""}'],
    ['a file past 2^53', '{"t":"file","id":"f","name":"a","size":9007199254740992,"mime":""}'],
    ['a file without a name', '{"t":"file","id":"f","name":"","size":1,"mime":""}'],
    [
      'a file name over 1 KiB',
      msgLike({ t: 'file', id: 'f', name: '語'.repeat(342), size: 1, mime: '' }),
    ],
    [
      'a media type over 255 bytes',
      msgLike({ t: 'file', id: 'f', name: 'a', size: 1, mime: 'x'.repeat(256) }),
    ],
    ['resume as a string', '{"t":"file","id":"f","name":"a","size":1,"mime":"","resume":"yes"}'],
    ['an offset as a string', '{"t":"file-ok","id":"f","offset":"0"}'],
    ['a negative offset', '{"t":"file-at","id":"f","offset":-1}'],
    ['a done without ok', '{"t":"file-done","id":"f"}'],
    ['an unknown stop reason', '{"t":"file-no","id":"f","why":"bored"}'],
    ['a sync with records that are not a list', '{"t":"sync","records":{"0":{}}}'],
    [
      'a sync with too many records',
      JSON.stringify({ t: 'sync', records: Array.from({ length: MAX_SYNC_RECORDS + 1 }, () => 0) }),
    ],
    [
      'a frame over the byte limit',
      JSON.stringify({ t: 'bye', pad: 'é'.repeat(MAX_FRAME_BYTES / 2 + 1) }),
    ],
  ])('refuses %s', (_name, data) => {
    expect(parseFrame(data)).toBeNull();
  });
});

describe('own-device sync records', () => {
  const T = 1_700_000_000_000;
  const good = {
    id: 'm1',
    peerId: 'bob',
    fromId: 'ada',
    fromName: 'Ada',
    direction: 'out',
    body: 'hi',
    sentAt: T,
    storedAt: T,
    changedAt: T,
    status: 'delivered',
  };
  const check = (over: Record<string, unknown>) => toSyncRecord({ ...good, ...over }, 'ada');

  it.each([
    ['a message of yours', {}],
    ['a message of the peer', { fromId: 'bob', direction: 'in', status: 'read' }],
    ['a reply, edited', { replyTo: 'm0', editedAt: T + 1 }],
    ['a message with its recipient’s name', { toName: 'Bob' }],
    ['a deleted message', { body: '', deleted: true }],
    ['reactions by both', { reactions: { '👍': ['ada', 'bob'], '🎉': ['bob'] } }],
  ])('accepts %s', (_name, over) => {
    expect(check(over)).toEqual({ ...good, ...over });
  });

  it.each([
    ['not an object', null],
    ['a conversation with yourself', { peerId: 'ada' }],
    ['a third user as author', { fromId: 'carol' }],
    ['a direction that does not match the author', { direction: 'in' }],
    ['an unknown status', { status: 'seen' }],
    ['an empty body', { body: '' }],
    ['a body too long', { body: 'x'.repeat(MAX_MESSAGE_BYTES + 1) }],
    ['a body too long in bytes', { body: '語'.repeat(MAX_MESSAGE_BYTES / 2) }],
    ['a name too long in bytes', { fromName: '語'.repeat(86) }],
    ['text left in a deleted message', { deleted: true }],
    ['deleted as a string', { deleted: 'yes' }],
    ['a time out of range', { changedAt: 1 }],
    ['no change time', { changedAt: undefined }],
    ['an empty reply id', { replyTo: '' }],
    ['a recipient name that is not text', { toName: 42 }],
    ['reactions as a list', { reactions: [['👍', ['ada']]] }],
    ['a reaction by a third user', { reactions: { '👍': ['carol'] } }],
    ['a reaction given twice by one user', { reactions: { '👍': ['ada', 'ada'] } }],
    ['a reaction nobody gave', { reactions: { '👍': [] } }],
    ['a __proto__ reaction', { reactions: JSON.parse('{"__proto__":["ada"]}') }],
    [
      'too many kinds of reaction',
      { reactions: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`e${i}`, ['ada']])) },
    ],
  ])('refuses %s', (_name, over) => {
    expect(over === null ? toSyncRecord(null, 'ada') : check(over)).toBeNull();
  });

  it('keeps only known fields', () => {
    const r = check({ admin: true, outbox: 'x' });
    expect(Object.keys(r ?? {}).sort()).toEqual(Object.keys(good).sort());
  });
});

import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../history/message-store.js';
import type { SyncRecord } from '../rtc/frames.js';
import { mergeRecord } from './device-sync.js';

const T = 1_700_000_000_000;
const mine: StoredMessage = {
  id: 'm1',
  peerId: 'bob',
  fromId: 'ada',
  fromName: 'Ada',
  direction: 'out',
  body: 'hi',
  sentAt: T,
  storedAt: T,
  status: 'pending',
  changedAt: T,
};
const incoming = (over: Partial<SyncRecord>): SyncRecord =>
  ({ ...mine, changedAt: T, ...over }) as SyncRecord;

describe('merging a record from another session of the user', () => {
  it('stores a message it did not have, never later than now', () => {
    expect(mergeRecord(undefined, incoming({ storedAt: T + 5000 }), T)).toEqual({
      ...mine,
      storedAt: T,
    });
  });

  it.each<[string, Partial<StoredMessage>, Partial<SyncRecord>, Partial<StoredMessage> | null]>([
    ['the same copy', {}, {}, null],
    ['a status further on', {}, { status: 'delivered' }, { status: 'delivered' }],
    ['a status further back', { status: 'read' }, { status: 'delivered' }, null],
    ['a failure over pending', {}, { status: 'failed' }, { status: 'failed' }],
    [
      'delivery over a failure',
      { status: 'failed' },
      { status: 'delivered' },
      { status: 'delivered' },
    ],
    [
      'a deletion, even an older one',
      { changedAt: T + 9 },
      { deleted: true, body: '' },
      { deleted: true, body: '' },
    ],
    [
      'an edit made later',
      {},
      { body: 'hi!', editedAt: T + 1, changedAt: T + 1 },
      { body: 'hi!', editedAt: T + 1, changedAt: T + 1 },
    ],
    [
      'an edit older than ours',
      { body: 'mine', editedAt: T + 5, changedAt: T + 5 },
      { body: 'old', editedAt: T + 1, changedAt: T + 1 },
      null,
    ],
    [
      'an edit of a deleted message',
      { deleted: true, body: '' },
      { body: 'back?', changedAt: T + 1 },
      null,
    ],
    [
      'reactions changed later',
      {},
      { reactions: { '👍': ['bob'] }, changedAt: T + 1 },
      { reactions: { '👍': ['bob'] }, changedAt: T + 1 },
    ],
    [
      'reactions taken back later',
      { reactions: { '👍': ['ada'] } },
      { changedAt: T + 1 },
      { changedAt: T + 1 },
    ],
    [
      'another author under the same id',
      {},
      { fromId: 'bob', direction: 'in', status: 'read' },
      null,
    ],
  ])('%s', (_name, ours, theirs, expected) => {
    const existing = { ...mine, ...ours };
    const merged = mergeRecord(existing, incoming(theirs), T + 100);
    if (expected === null) expect(merged).toBeNull();
    else {
      const want: StoredMessage = { ...existing, ...expected };
      if (!('reactions' in expected) && 'reactions' in existing && theirs.reactions === undefined)
        delete want.reactions;
      expect(merged).toEqual(want);
    }
  });
});

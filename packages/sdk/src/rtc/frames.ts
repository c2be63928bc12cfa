import type { StoredMessage } from '../history/message-store.js';

// Frames are checked by hand rather than with zod: five small shapes do not justify 6 KB gzipped in every
// browser bundle (docs/decisions/0003-frame-validation.md). The server-facing contract stays in zod.

/** The data-channel protocol version; a peer with another version is refused. */
export const FRAME_VERSION = 4;
/** Largest data-channel frame accepted from a peer, in bytes (UTF-8). Larger ones are dropped. */
export const MAX_FRAME_BYTES = 64 * 1024;
/**
 * Largest chat message, in bytes of UTF-8 (32 KiB: 32,768 ASCII characters, about 10,900 in Chinese or
 * Japanese). The sender refuses a longer one with `MESSAGE_TOO_LARGE`; the receiver drops it.
 */
export const MAX_MESSAGE_BYTES = 32 * 1024;
/** Longest message id, in bytes of UTF-8. */
export const MAX_MESSAGE_ID_BYTES = 64;
const MAX_SESSION_ID_BYTES = 64;
// Display names are at most 64 characters (the server's rule): 256 bytes hold any of them.
const MAX_NAME_BYTES = 256;

/**
 * The size of a string in UTF-8, counted without encoding it; a lone surrogate counts 3 bytes, as
 * TextEncoder writes it (U+FFFD).
 */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** `hello`: sent when the channel opens, and again whenever this side's signaling session id changes. */
export interface HelloFrame {
  t: 'hello';
  v: number;
  sessionId: string;
}
/** `msg`: a chat message; `replyTo` quotes an earlier message of the conversation. */
export interface MessageFrame {
  t: 'msg';
  id: string;
  body: string;
  sentAt: number;
  replyTo?: string;
}
/** `read`: the peer has seen these messages of yours (a read receipt). */
export interface ReadFrame {
  t: 'read';
  ids: string[];
}
/** `edit`: the author changed the text of one of their messages. */
export interface EditFrame {
  t: 'edit';
  id: string;
  body: string;
  at: number;
}
/** `del`: the author deleted one of their messages for everyone. */
export interface DeleteFrame {
  t: 'del';
  id: string;
}
/** `react`: the peer added (`on`) or removed a reaction to a message. */
export interface ReactFrame {
  t: 'react';
  id: string;
  emoji: string;
  on: boolean;
}
/** `ack`: the message with this id arrived. */
export interface AckFrame {
  t: 'ack';
  id: string;
}
/** `typing`: the peer started or stopped typing. */
export interface TypingFrame {
  t: 'typing';
  on: boolean;
}
/** `bye`: the peer is closing this connection on purpose. */
export interface ByeFrame {
  t: 'bye';
}
/** `ping`: a heartbeat on a quiet channel, so that a lost path is noticed within seconds (v2). */
export interface PingFrame {
  t: 'ping';
}
/**
 * One message of the local history, as two sessions of the same user exchange it: what the store keeps,
 * always with the time of its last change.
 */
export type SyncRecord = Omit<StoredMessage, 'changedAt' | 'peerBehind'> & {
  /** When a session of the user last changed it (the newer change wins). */
  changedAt: number;
};
/**
 * `sync`: history records, only ever between two sessions of the same user (their own devices and tabs):
 * what one had while the other was away, and every change as it happens. Ignored from anyone else.
 */
export interface SyncFrame {
  t: 'sync';
  /** Each one is checked with {@link toSyncRecord} by the receiver, who knows whose history it must be. */
  records: unknown[];
}
/** `file`: an offer of a file (or, with `resume`, to go on with one the receiver holds part of). */
export interface FileOfferFrame {
  t: 'file';
  id: string;
  name: string;
  size: number;
  mime: string;
  resume?: boolean;
}
/** `file-ok`: the receiver takes the file; bytes go from `offset` (0, or where an interrupted one stopped). */
export interface FileAcceptFrame {
  t: 'file-ok';
  id: string;
  offset: number;
}
/** `file-at`: the receiver holds and has hashed the file up to `offset` (a checkpoint, every MiB). */
export interface FileProgressFrame {
  t: 'file-at';
  id: string;
  offset: number;
}
/** `file-done`: the receiver has the whole file; `ok` says whether its SHA-256 matched. */
export interface FileDoneFrame {
  t: 'file-done';
  id: string;
  ok: boolean;
}
/** Why a transfer ended early, as `file-no` says it. */
export type FileStopReason = 'declined' | 'cancelled' | 'failed' | 'busy' | 'too-large' | 'taken';
/** `file-no`: either side ends the transfer: declined, cancelled, failed, or refused for a limit. */
export interface FileStopFrame {
  t: 'file-no';
  id: string;
  why: FileStopReason;
}
/** Every frame a peer may send. */
export type Frame =
  | FileOfferFrame
  | FileAcceptFrame
  | FileProgressFrame
  | FileDoneFrame
  | FileStopFrame
  | HelloFrame
  | MessageFrame
  | AckFrame
  | TypingFrame
  | ByeFrame
  | PingFrame
  | ReadFrame
  | EditFrame
  | DeleteFrame
  | ReactFrame
  | SyncFrame;

/** The most ids one read receipt may carry. */
export const MAX_RECEIPT_IDS = 100;
/** The longest reaction, in bytes of UTF-8 (a family or a flag with its tags, 25–28 bytes, fits). */
export const MAX_REACTION_BYTES = 32;
// Timestamps a peer may send: from 2000 to 2100 (the receiver's clock orders messages anyway).
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2100, 0, 1);
const time = (v: unknown): v is number =>
  Number.isSafeInteger(v) && (v as number) >= MIN_TIME && (v as number) <= MAX_TIME;

// A string of `min` to `max` bytes of UTF-8. A UTF-16 unit takes 1 to 3 bytes (a pair takes 4), so the
// length alone settles most cases before counting.
const text = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' &&
  v.length >= min &&
  v.length <= max &&
  (v.length * 3 <= max || utf8Length(v) <= max);

/** Longest file name a peer may offer, in bytes of UTF-8 (the receiver shortens it further to show it). */
export const MAX_FILE_NAME_BYTES = 1024;
const MAX_MIME_BYTES = 255;
const STOP_REASONS = new Set(['declined', 'cancelled', 'failed', 'busy', 'too-large', 'taken']);
// A byte count or offset: a whole number from 0 to 2^53 − 1.
const offset = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The most records one `sync` frame may carry. */
export const MAX_SYNC_RECORDS = 200;
/** Distinct reactions one message may hold. */
export const MAX_REACTION_KINDS = 20;
const STATUSES = new Set(['pending', 'delivered', 'read', 'failed']);

/**
 * Checks one record of a `sync` frame; answers a new object of the known fields, or null. It must be a
 * message of a conversation between `selfId` and someone else, written by one of the two, every field within
 * its bounds; a deleted message carries no text.
 */
export function toSyncRecord(json: unknown, selfId: string): SyncRecord | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const r = json as Record<string, unknown>;
  if (!text(r.id, 1, MAX_MESSAGE_ID_BYTES) || !text(r.peerId, 1, MAX_MESSAGE_ID_BYTES)) return null;
  if (r.peerId === selfId || (r.fromId !== selfId && r.fromId !== r.peerId)) return null;
  const direction = r.fromId === selfId ? 'out' : 'in';
  if (r.direction !== direction || !text(r.fromName, 0, MAX_NAME_BYTES)) return null;
  const deleted = r.deleted === true;
  if (r.deleted !== undefined && typeof r.deleted !== 'boolean') return null;
  if (!(deleted ? r.body === '' : text(r.body, 1, MAX_MESSAGE_BYTES))) return null;
  if (!time(r.sentAt) || !time(r.storedAt) || !time(r.changedAt)) return null;
  if (typeof r.status !== 'string' || !STATUSES.has(r.status)) return null;
  if (r.replyTo !== undefined && !text(r.replyTo, 1, MAX_MESSAGE_ID_BYTES)) return null;
  if (r.editedAt !== undefined && !time(r.editedAt)) return null;
  const record: SyncRecord = {
    id: r.id,
    peerId: r.peerId,
    fromId: r.fromId as string,
    fromName: r.fromName,
    direction,
    body: r.body as string,
    sentAt: r.sentAt,
    storedAt: r.storedAt,
    changedAt: r.changedAt,
    status: r.status as SyncRecord['status'],
  };
  if (typeof r.replyTo === 'string') record.replyTo = r.replyTo;
  if (r.toName !== undefined) {
    if (!text(r.toName, 0, MAX_NAME_BYTES)) return null;
    record.toName = r.toName;
  }
  if (typeof r.editedAt === 'number') record.editedAt = r.editedAt;
  if (deleted) record.deleted = true;
  if (r.reactions !== undefined) {
    const reactions = toReactions(r.reactions, [selfId, r.peerId]);
    if (!reactions) return null;
    record.reactions = reactions;
  }
  return record;
}

// Reactions of a record: at most MAX_REACTION_KINDS emoji, each given by one or both users of the conversation.
function toReactions(v: unknown, users: string[]): Record<string, string[]> | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > MAX_REACTION_KINDS) return null;
  const reactions: Record<string, string[]> = {};
  for (const [emoji, who] of entries) {
    if (!text(emoji, 1, MAX_REACTION_BYTES) || emoji === '__proto__') return null;
    if (!Array.isArray(who) || who.length === 0 || who.length > users.length) return null;
    if (!who.every((u) => users.includes(u as string)) || new Set(who).size !== who.length)
      return null;
    reactions[emoji] = [...(who as string[])];
  }
  return reactions;
}

/**
 * Checks a parsed JSON value against the frame shapes. Answers a new object holding only the known fields
 * (unknown ones, `__proto__` included, are dropped), or null.
 */
export function toFrame(json: unknown): Frame | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const f = json as Record<string, unknown>;
  switch (f.t) {
    case 'hello':
      return typeof f.v === 'number' && text(f.sessionId, 0, MAX_SESSION_ID_BYTES)
        ? { t: 'hello', v: f.v, sessionId: f.sessionId }
        : null;
    case 'msg': {
      if (!text(f.id, 1, MAX_MESSAGE_ID_BYTES) || !text(f.body, 1, MAX_MESSAGE_BYTES)) return null;
      if (!time(f.sentAt)) return null;
      if (f.replyTo !== undefined && !text(f.replyTo, 1, MAX_MESSAGE_ID_BYTES)) return null;
      const frame: MessageFrame = { t: 'msg', id: f.id, body: f.body, sentAt: f.sentAt };
      if (typeof f.replyTo === 'string') frame.replyTo = f.replyTo;
      return frame;
    }
    case 'read':
      return Array.isArray(f.ids) &&
        f.ids.length >= 1 &&
        f.ids.length <= MAX_RECEIPT_IDS &&
        f.ids.every((id) => text(id, 1, MAX_MESSAGE_ID_BYTES))
        ? { t: 'read', ids: [...(f.ids as string[])] }
        : null;
    case 'edit':
      return text(f.id, 1, MAX_MESSAGE_ID_BYTES) && text(f.body, 1, MAX_MESSAGE_BYTES) && time(f.at)
        ? { t: 'edit', id: f.id, body: f.body, at: f.at }
        : null;
    case 'del':
      return text(f.id, 1, MAX_MESSAGE_ID_BYTES) ? { t: 'del', id: f.id } : null;
    case 'react':
      return text(f.id, 1, MAX_MESSAGE_ID_BYTES) &&
        text(f.emoji, 1, MAX_REACTION_BYTES) &&
        typeof f.on === 'boolean'
        ? { t: 'react', id: f.id, emoji: f.emoji, on: f.on }
        : null;
    case 'ack':
      return text(f.id, 1, MAX_MESSAGE_ID_BYTES) ? { t: 'ack', id: f.id } : null;
    case 'typing':
      return typeof f.on === 'boolean' ? { t: 'typing', on: f.on } : null;
    case 'bye':
      return { t: 'bye' };
    case 'ping':
      return { t: 'ping' };
    case 'file':
      if (!text(f.id, 1, MAX_MESSAGE_ID_BYTES) || !text(f.name, 1, MAX_FILE_NAME_BYTES))
        return null;
      if (!offset(f.size) || !text(f.mime, 0, MAX_MIME_BYTES)) return null;
      if (f.resume !== undefined && f.resume !== true) return null;
      return {
        t: 'file',
        id: f.id,
        name: f.name,
        size: f.size,
        mime: f.mime,
        ...(f.resume ? { resume: true } : {}),
      };
    case 'file-ok':
    case 'file-at':
      return text(f.id, 1, MAX_MESSAGE_ID_BYTES) && offset(f.offset)
        ? { t: f.t, id: f.id, offset: f.offset }
        : null;
    case 'file-done':
      return text(f.id, 1, MAX_MESSAGE_ID_BYTES) && typeof f.ok === 'boolean'
        ? { t: 'file-done', id: f.id, ok: f.ok }
        : null;
    case 'file-no':
      return text(f.id, 1, MAX_MESSAGE_ID_BYTES) &&
        typeof f.why === 'string' &&
        STOP_REASONS.has(f.why)
        ? { t: 'file-no', id: f.id, why: f.why as FileStopReason }
        : null;
    case 'sync':
      // The records are checked by the receiver, which knows whose history they must belong to.
      return Array.isArray(f.records) &&
        f.records.length >= 1 &&
        f.records.length <= MAX_SYNC_RECORDS
        ? { t: 'sync', records: [...(f.records as unknown[])] }
        : null;
    default:
      return null;
  }
}

/**
 * Reads one frame from a peer: a string of at most {@link MAX_FRAME_BYTES}, JSON, of a {@link Frame} shape.
 * Answers null for anything else; never throws, whatever the peer sent.
 */
export function parseFrame(data: unknown): Frame | null {
  if (typeof data !== 'string') return null;
  // A UTF-16 unit takes 1 to 3 bytes of UTF-8: cheap bounds before counting exactly.
  if (data.length > MAX_FRAME_BYTES) return null;
  if (data.length * 3 > MAX_FRAME_BYTES && utf8Length(data) > MAX_FRAME_BYTES) return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  return toFrame(json);
}

/** The size of a frame on the wire, in bytes (UTF-8 of its JSON). */
export function frameBytes(frame: Frame): number {
  return utf8Length(encodeFrame(frame));
}

/** Serializes a frame for the data channel. */
export function encodeFrame(frame: Frame): string {
  return JSON.stringify(frame);
}

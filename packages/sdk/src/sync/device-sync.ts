// Your own devices in step: every session of a user (tabs, devices) connects to the user's other sessions,
// peer to peer like any conversation, and they exchange history records. On connecting each sends what it
// stored within the horizon (catching up with what the other missed while away); after that every change is
// mirrored as it happens. The server relays the signals only; it never sees a record.
import type { MessageStore, StoredMessage, StoredStatus } from '../history/message-store.js';
import { after } from '../internal/timers.js';
import type { Cancel } from '../internal/timers.js';
import { MAX_FRAME_BYTES, MAX_SYNC_RECORDS, toSyncRecord } from '../rtc/frames.js';
import type { SyncFrame, SyncRecord } from '../rtc/frames.js';
import type { PeerSession } from '../rtc/peer-session.js';

/** How far back own-device sync reaches by default: messages stored in the last 30 days. */
export const DEFAULT_SYNC_HORIZON = 30 * 24 * 60 * 60 * 1000;
/** The most records one session sends another on catching up (the newest first). */
export const MAX_CATCH_UP = 5000;
// The most records one connection may make this session store: a catch-up and plenty of live changes.
const MAX_ACCEPTED_PER_CONNECTION = 4 * MAX_CATCH_UP;
// Room left in a frame for its envelope.
const BATCH_BYTES = MAX_FRAME_BYTES - 1024;
// Changes made together (a read receipt over many messages) go as one frame.
const MIRROR_DELAY_MS = 20;

const RANK: Record<StoredStatus, number> = { pending: 0, failed: 1, delivered: 2, read: 3 };

/**
 * The result of a record from another session of the user meeting this session's copy, or null when it
 * changes nothing. Status only moves forward (pending → failed → delivered → read), a deletion is final, and
 * text and reactions come from whichever copy was changed last.
 */
export function mergeRecord(
  existing: StoredMessage | undefined,
  incoming: SyncRecord,
  now: number,
): StoredMessage | null {
  if (!existing) return { ...incoming, storedAt: Math.min(incoming.storedAt, now) };
  if (existing.fromId !== incoming.fromId) return null; // not the same message: keep ours
  const next: StoredMessage = { ...existing };
  let changed = false;
  if (RANK[incoming.status] > RANK[existing.status]) {
    next.status = incoming.status;
    changed = true;
  }
  if (incoming.deleted && !existing.deleted) {
    next.deleted = true;
    next.body = '';
    delete next.editedAt;
    changed = true;
  }
  if (incoming.changedAt > (existing.changedAt ?? 0)) {
    if (!next.deleted && (incoming.body !== next.body || incoming.editedAt !== next.editedAt)) {
      next.body = incoming.body;
      if (incoming.editedAt === undefined) delete next.editedAt;
      else next.editedAt = incoming.editedAt;
      changed = true;
    }
    if (JSON.stringify(incoming.reactions ?? {}) !== JSON.stringify(next.reactions ?? {})) {
      if (incoming.reactions && Object.keys(incoming.reactions).length > 0)
        next.reactions = incoming.reactions;
      else delete next.reactions;
      changed = true;
    }
    if (changed) next.changedAt = incoming.changedAt;
  }
  return changed ? next : null;
}

/** What own-device sync needs from its client. */
export interface DeviceSyncHost {
  selfId(): string | undefined;
  /** Connections to the user's other sessions that are open now. */
  ownSessions(): PeerSession[];
  /** A valid record from another session of the user, to be merged into its conversation. */
  absorb(record: SyncRecord): void;
  /** A session sent more than it may, or records that are not the user's. */
  onAbuse(session: PeerSession): void;
}

/** Own-device sync for one client: mirrors local changes, sends catch-ups, accepts records. */
export class DeviceSync {
  private readonly outgoing = new Map<string, SyncRecord>();
  private cancelFlush: Cancel | undefined;
  private readonly accepted = new WeakMap<PeerSession, number>();

  constructor(
    private readonly host: DeviceSyncHost,
    /** How far back a catch-up reaches, ms; 0 turns own-device sync off. */
    readonly horizon: number,
  ) {}

  /** Whether sessions of the user sync with each other at all. */
  get enabled(): boolean {
    return this.horizon > 0;
  }

  /**
   * The store the client uses: every message put into it is stamped with the time of the change and, once
   * the change is made, mirrored to the user's other sessions. Merges of their records bypass it.
   */
  mirroring(store: MessageStore): MessageStore {
    return {
      open: (accountId) => store.open(accountId),
      get: (peerId, id) => store.get(peerId, id),
      page: (peerId, options) => store.page(peerId, options),
      pending: () => store.pending(),
      conversations: () => store.conversations(),
      unread: (peerId, change) => store.unread(peerId, change),
      search: (text, limit) => store.search(text, limit),
      clear: () => store.clear(),
      close: () => store.close(),
      put: async (m) => {
        const stamped: StoredMessage = { ...m, changedAt: Math.max(Date.now(), m.changedAt ?? 0) };
        await store.put(stamped);
        if (this.enabled) this.queue(stamped);
      },
    };
  }

  /** A connection to another session of the user opened: it gets what this one stored within the horizon. */
  async catchUp(session: PeerSession, store: MessageStore): Promise<number> {
    if (!this.enabled) return 0;
    const since = Date.now() - this.horizon;
    const records: SyncRecord[] = [];
    for (const conversation of await store.conversations()) {
      let before: string | null = null;
      do {
        const page = await store.page(conversation.peerId, { before, limit: 200 });
        for (const m of page.messages) {
          if (m.storedAt < since) break;
          records.push(asRecord(m));
        }
        const last = page.messages.at(-1);
        before = last && last.storedAt >= since ? page.next : null;
      } while (before !== null && records.length < MAX_CATCH_UP);
      if (records.length >= MAX_CATCH_UP) break;
    }
    // Oldest first, so the other side's history fills in order.
    records.sort((a, b) => a.storedAt - b.storedAt);
    this.sendBatches([session], records.slice(-MAX_CATCH_UP));
    return Math.min(records.length, MAX_CATCH_UP);
  }

  /** A `sync` frame from one of the user's other sessions: each valid record is merged. */
  receive(session: PeerSession, frame: SyncFrame): void {
    const self = this.host.selfId();
    if (!self || session.remoteUserId !== self) return; // only the user's own sessions may sync
    const count = (this.accepted.get(session) ?? 0) + frame.records.length;
    this.accepted.set(session, count);
    if (count > MAX_ACCEPTED_PER_CONNECTION) {
      this.host.onAbuse(session);
      return;
    }
    for (const raw of frame.records) {
      const record = toSyncRecord(raw, self);
      if (record) this.host.absorb(record);
    }
  }

  /** Stops mirroring (logout, disconnect). */
  reset(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    this.outgoing.clear();
  }

  private queue(m: StoredMessage): void {
    this.outgoing.set(`${m.peerId}\u0000${m.id}`, asRecord(m));
    this.cancelFlush ??= after(MIRROR_DELAY_MS, () => {
      this.cancelFlush = undefined;
      const records = [...this.outgoing.values()];
      this.outgoing.clear();
      this.sendBatches(this.host.ownSessions(), records);
    });
  }

  private sendBatches(sessions: PeerSession[], records: SyncRecord[]): void {
    if (sessions.length === 0 || records.length === 0) return;
    let batch: SyncRecord[] = [];
    let bytes = 0;
    const flush = () => {
      if (batch.length === 0) return;
      for (const s of sessions) s.send({ t: 'sync', records: batch });
      batch = [];
      bytes = 0;
    };
    for (const r of records) {
      // JSON length is a lower bound on UTF-8 bytes; three bytes per unit bounds it above.
      const size = JSON.stringify(r).length * 3;
      if (batch.length >= MAX_SYNC_RECORDS || (bytes + size > BATCH_BYTES && batch.length > 0))
        flush();
      batch.push(r);
      bytes += size;
    }
    flush();
  }
}

function asRecord(m: StoredMessage): SyncRecord {
  const r: SyncRecord = {
    id: m.id,
    peerId: m.peerId,
    fromId: m.fromId,
    fromName: m.fromName,
    direction: m.direction,
    body: m.body,
    sentAt: m.sentAt,
    storedAt: m.storedAt,
    changedAt: m.changedAt ?? m.storedAt,
    status: m.status,
  };
  if (m.replyTo !== undefined) r.replyTo = m.replyTo;
  if (m.toName !== undefined) r.toName = m.toName;
  if (m.editedAt !== undefined) r.editedAt = m.editedAt;
  if (m.deleted) r.deleted = true;
  if (m.reactions && Object.keys(m.reactions).length > 0) r.reactions = m.reactions;
  return r;
}

// The message store: where a client keeps its conversations, on its own device only. Nothing here ever
// reaches the server. Two implementations ship (memory, IndexedDB); the interface is for your own.

/** Where a message stands, from the sender's point of view. */
export type StoredStatus = 'pending' | 'delivered' | 'read' | 'failed';

/** A message as the store keeps it. */
export interface StoredMessage {
  /** Unique per sender. */
  id: string;
  /** The other user of the conversation. */
  peerId: string;
  /** Who wrote it (your own id for messages you sent). */
  fromId: string;
  /** The author's display name when it arrived (for messages of others). */
  fromName: string;
  /** For messages you sent: the recipient's display name then (names the conversation in the list). */
  toName?: string;
  /** `out`: you sent it; `in`: you received it. */
  direction: 'in' | 'out';
  body: string;
  /** The author's clock, ms since the epoch. */
  sentAt: number;
  /** When this device stored it first, ms since the epoch (orders the history). */
  storedAt: number;
  status: StoredStatus;
  /** The id of the message this one replies to. */
  replyTo?: string;
  /** When the author last edited it. */
  editedAt?: number;
  /** Deleted by its author for everyone: the body is gone. */
  deleted?: boolean;
  /** Reactions: emoji → ids of the users who reacted. */
  reactions?: Record<string, string[]>;
  /** When this user last changed it on any of their devices, ms (own-device sync keeps the newest). */
  changedAt?: number;
  /**
   * This device changed it (edited, deleted, reacted to, or read it) while the peer could not be told: the
   * change goes when they are back, even after a reload. Kept on this device only.
   */
  peerBehind?: boolean;
}

/** One conversation in the list: the last message and the unread count. */
export interface ConversationSummary {
  peerId: string;
  peerName: string;
  last: StoredMessage;
  unread: number;
}

/** A page of history, newest first, and the cursor of the next (older) page, or null at the start. */
export interface HistoryPage {
  messages: StoredMessage[];
  next: string | null;
}

/**
 * Where a client keeps messages: per account (`open(accountId)` before use), paged newest first, with the
 * pending ones (the outbox) and unread counts. All methods are async; none throws for a missing item.
 */
export interface MessageStore {
  /** Opens the store of one account (closing another one's). */
  open(accountId: string): Promise<void>;
  /** Adds or replaces a message (by peer and id). */
  put(message: StoredMessage): Promise<void>;
  /** One message, or undefined. */
  get(peerId: string, id: string): Promise<StoredMessage | undefined>;
  /** A page of a conversation, newest first; pass the previous page's `next` for older ones. */
  page(peerId: string, options?: { before?: string | null; limit?: number }): Promise<HistoryPage>;
  /** Every pending message you sent, and every message marked `peerBehind`, oldest first. */
  pending(): Promise<StoredMessage[]>;
  /** Every conversation, most recent activity first. */
  conversations(): Promise<ConversationSummary[]>;
  /** Unread messages of a conversation: `add` to count more (or fewer, never below 0), or reset to 0 with `read`. */
  unread(peerId: string, change: { add: number } | { read: true }): Promise<number>;
  /** Messages whose body contains the text (case-insensitive), newest first. */
  search(text: string, limit?: number): Promise<StoredMessage[]>;
  /** Erases this account's messages. */
  clear(): Promise<void>;
  /** Releases the store (closes its database); the client calls it at logout. */
  close(): Promise<void>;
}

/** Messages per page when none is asked for. */
export const DEFAULT_PAGE = 50;
/** The most messages a store keeps per conversation; the oldest go first. */
export const MAX_PER_CONVERSATION = 10_000;

let lastStamp = 0;
/** The time to store a message at: now, but always later than the last one (two in one ms keep their order). */
export function storeStamp(): number {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return lastStamp;
}

// The order of history: when this device stored it, then the id (a cursor is both, as one string).
export function orderKey(m: Pick<StoredMessage, 'storedAt' | 'id'>): string {
  return `${String(m.storedAt).padStart(15, '0')}:${m.id}`;
}

/** Keeps messages in memory: the default in Node, gone with the process. */
export function memoryMessageStore(): MessageStore {
  // Each account's messages and unread counts, kept apart; `open` picks one.
  const accounts = new Map<
    string,
    { byPeer: Map<string, Map<string, StoredMessage>>; unread: Map<string, number> }
  >();
  let byPeer = new Map<string, Map<string, StoredMessage>>();
  let unread = new Map<string, number>();
  const sorted = (peerId: string) =>
    [...(byPeer.get(peerId)?.values() ?? [])].sort((a, b) =>
      orderKey(b).localeCompare(orderKey(a)),
    );
  return {
    async open(accountId) {
      let account = accounts.get(accountId);
      if (!account) accounts.set(accountId, (account = { byPeer: new Map(), unread: new Map() }));
      ({ byPeer, unread } = account);
    },
    async put(m) {
      let conv = byPeer.get(m.peerId);
      if (!conv) byPeer.set(m.peerId, (conv = new Map()));
      conv.set(m.id, structuredClone(m));
      if (conv.size > MAX_PER_CONVERSATION) {
        const oldest = sorted(m.peerId).at(-1);
        if (oldest) conv.delete(oldest.id);
      }
    },
    async get(peerId, id) {
      const m = byPeer.get(peerId)?.get(id);
      return m && structuredClone(m);
    },
    async page(peerId, { before = null, limit = DEFAULT_PAGE } = {}) {
      const all = sorted(peerId).filter((m) => before === null || orderKey(m) < before);
      const messages = all.slice(0, limit).map((m) => structuredClone(m));
      const last = messages.at(-1);
      return { messages, next: all.length > limit && last ? orderKey(last) : null };
    },
    async pending() {
      return [...byPeer.values()]
        .flatMap((c) => [...c.values()])
        .filter((m) => (m.direction === 'out' && m.status === 'pending') || m.peerBehind === true)
        .sort((a, b) => orderKey(a).localeCompare(orderKey(b)))
        .map((m) => structuredClone(m));
    },
    async conversations() {
      const list: ConversationSummary[] = [];
      for (const peerId of byPeer.keys()) {
        const all = sorted(peerId);
        const last = all[0];
        if (!last) continue;
        const named = all.find((m) => m.direction === 'in');
        const addressed = all.find((m) => m.toName);
        list.push({
          peerId,
          peerName: named?.fromName ?? addressed?.toName ?? '',
          last: structuredClone(last),
          unread: unread.get(peerId) ?? 0,
        });
      }
      return list.sort((a, b) => orderKey(b.last).localeCompare(orderKey(a.last)));
    },
    async unread(peerId, change) {
      const n = 'read' in change ? 0 : Math.max(0, (unread.get(peerId) ?? 0) + change.add);
      unread.set(peerId, n);
      return n;
    },
    async search(text, limit = DEFAULT_PAGE) {
      const needle = text.toLocaleLowerCase();
      if (!needle) return [];
      return [...byPeer.values()]
        .flatMap((c) => [...c.values()])
        .filter((m) => !m.deleted && m.body.toLocaleLowerCase().includes(needle))
        .sort((a, b) => orderKey(b).localeCompare(orderKey(a)))
        .slice(0, limit)
        .map((m) => structuredClone(m));
    },
    async clear() {
      byPeer.clear();
      unread.clear();
    },
    async close() {},
  };
}

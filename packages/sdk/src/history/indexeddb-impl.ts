import { openDB } from 'idb';
import type { DBSchema, IDBPDatabase } from 'idb';
import type {
  ConversationSummary,
  HistoryPage,
  MessageStore,
  StoredMessage,
} from './message-store.js';
import { DEFAULT_PAGE, MAX_PER_CONVERSATION, orderKey } from './message-store.js';

interface Row extends StoredMessage {
  /** {@link orderKey}: the position in the history. */
  order: string;
  /** Present only while the message is an unsent one of ours, or `peerBehind`: the sparse outbox index. */
  outbox?: string;
}

interface Summary {
  peerId: string;
  peerName: string;
  lastOrder: string;
  lastId: string;
  unread: number;
}

interface HistoryDb extends DBSchema {
  messages: {
    key: [string, string];
    value: Row;
    indexes: { byOrder: [string, string]; outbox: string };
  };
  conversations: { key: string; value: Summary };
}

const row = (m: StoredMessage): Row => {
  const r: Row = { ...m, order: orderKey(m) };
  if ((m.direction === 'out' && m.status === 'pending') || m.peerBehind) r.outbox = r.order;
  return r;
};
const message = ({ order: _order, outbox: _outbox, ...m }: Row): StoredMessage => m;

/** The IndexedDB store itself, loaded on first use by {@link indexedDbMessageStore} (indexeddb-store.ts). */
export function openIndexedDbStore(prefix: string): MessageStore {
  let db: IDBPDatabase<HistoryDb> | null = null;
  let name = '';
  const open = () => {
    if (!db) throw new Error('The message store is not open: log in first.');
    return db;
  };
  const self: MessageStore = {
    async open(accountId) {
      if (db && name === prefix + accountId) return;
      await self.close();
      name = prefix + accountId;
      db = await openDB<HistoryDb>(name, 1, {
        upgrade(d) {
          const messages = d.createObjectStore('messages', { keyPath: ['peerId', 'id'] });
          messages.createIndex('byOrder', ['peerId', 'order']);
          messages.createIndex('outbox', 'outbox');
          d.createObjectStore('conversations', { keyPath: 'peerId' });
        },
      });
    },
    async put(m) {
      const tx = open().transaction(['messages', 'conversations'], 'readwrite');
      const r = row(m);
      const existing = await tx.objectStore('messages').get([m.peerId, m.id]);
      if (existing) r.order = existing.order; // a message keeps its place when edited or acknowledged
      if (existing?.outbox && r.outbox) r.outbox = existing.outbox;
      await tx.objectStore('messages').put(r);
      const conversations = tx.objectStore('conversations');
      const summary = (await conversations.get(m.peerId)) ?? {
        peerId: m.peerId,
        peerName: '',
        lastOrder: '',
        lastId: '',
        unread: 0,
      };
      if (m.direction === 'in' && m.fromName) summary.peerName = m.fromName;
      else if (m.direction === 'out' && m.toName && !summary.peerName) summary.peerName = m.toName;
      if (r.order >= summary.lastOrder) {
        summary.lastOrder = r.order;
        summary.lastId = m.id;
      }
      await conversations.put(summary);
      if (!existing) {
        const byOrder = tx.objectStore('messages').index('byOrder');
        const range = IDBKeyRange.bound([m.peerId, ''], [m.peerId, '\uffff']);
        if ((await byOrder.count(range)) > MAX_PER_CONVERSATION) {
          const oldest = await byOrder.openCursor(range);
          await oldest?.delete();
        }
      }
      await tx.done;
    },
    async get(peerId, id) {
      const r = await open().get('messages', [peerId, id]);
      return r && message(r);
    },
    async page(peerId, { before = null, limit = DEFAULT_PAGE } = {}): Promise<HistoryPage> {
      const range = IDBKeyRange.bound([peerId, ''], [peerId, before ?? '\uffff'], false, true);
      const messages: StoredMessage[] = [];
      let more = false;
      let cursor = await open()
        .transaction('messages')
        .store.index('byOrder')
        .openCursor(range, 'prev');
      while (cursor) {
        if (messages.length === limit) {
          more = true;
          break;
        }
        messages.push(message(cursor.value));
        cursor = await cursor.continue();
      }
      const last = messages.at(-1);
      return { messages, next: more && last ? orderKey(last) : null };
    },
    async pending() {
      const rows = await open().getAllFromIndex('messages', 'outbox');
      return rows.map(message);
    },
    async conversations(): Promise<ConversationSummary[]> {
      const d = open();
      const list: ConversationSummary[] = [];
      for (const s of await d.getAll('conversations')) {
        const last = await d.get('messages', [s.peerId, s.lastId]);
        if (last)
          list.push({
            peerId: s.peerId,
            peerName: s.peerName,
            last: message(last),
            unread: s.unread,
          });
      }
      return list.sort((a, b) => orderKey(b.last).localeCompare(orderKey(a.last)));
    },
    async unread(peerId, change) {
      const tx = open().transaction('conversations', 'readwrite');
      const s = await tx.store.get(peerId);
      if (!s) return 0;
      s.unread = 'read' in change ? 0 : Math.max(0, s.unread + change.add);
      await tx.store.put(s);
      await tx.done;
      return s.unread;
    },
    async search(text, limit = DEFAULT_PAGE) {
      const needle = text.toLocaleLowerCase();
      if (!needle) return [];
      const found: StoredMessage[] = [];
      let cursor = await open().transaction('messages').store.openCursor();
      while (cursor) {
        const m = cursor.value;
        if (!m.deleted && m.body.toLocaleLowerCase().includes(needle)) found.push(message(m));
        cursor = await cursor.continue();
      }
      return found.sort((a, b) => orderKey(b).localeCompare(orderKey(a))).slice(0, limit);
    },
    async clear() {
      const tx = open().transaction(['messages', 'conversations'], 'readwrite');
      await Promise.all([
        tx.objectStore('messages').clear(),
        tx.objectStore('conversations').clear(),
      ]);
      await tx.done;
    },
    async close() {
      db?.close();
      db = null;
    },
  };
  return self;
}

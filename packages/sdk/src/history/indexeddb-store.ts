import { lazy } from '../internal/lazy.js';
import type { MessageStore } from './message-store.js';

/**
 * Keeps messages in IndexedDB (the default in browsers), one database per account
 * (`p2pchat-history-<accountId>`), so two accounts in one browser never see each other's history.
 *
 * Its code (and `idb`) loads on first use, so a page that only logs in and shows who is online does not
 * download it; a load that fails is tried again on the next call.
 */
export function indexedDbMessageStore(prefix = 'p2pchat-history-'): MessageStore {
  const impl = lazy(() => import('./indexeddb-impl.js').then((m) => m.openIndexedDbStore(prefix)));
  const store = impl.get;
  return {
    open: async (accountId) => (await store()).open(accountId),
    put: async (message) => (await store()).put(message),
    get: async (peerId, id) => (await store()).get(peerId, id),
    page: async (peerId, options) => (await store()).page(peerId, options),
    pending: async () => (await store()).pending(),
    conversations: async () => (await store()).conversations(),
    unread: async (peerId, change) => (await store()).unread(peerId, change),
    search: async (text, limit) => (await store()).search(text, limit),
    clear: async () => (await store()).clear(),
    // nothing to release if it was never loaded
    close: async () => {
      await (await impl.started())?.close();
    },
  };
}

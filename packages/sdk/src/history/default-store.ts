import { indexedDbMessageStore } from './indexeddb-store.js';
import { memoryMessageStore } from './message-store.js';
import type { MessageStore } from './message-store.js';

/** IndexedDB where there is one (browsers), memory elsewhere. Decided when called, not on import. */
export function defaultMessageStore(): MessageStore {
  return typeof globalThis.indexedDB === 'object' && globalThis.indexedDB !== null
    ? indexedDbMessageStore()
    : memoryMessageStore();
}

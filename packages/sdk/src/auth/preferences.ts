import { localStorageWorks } from './storage.js';

/**
 * Where the client keeps small per-account settings between loads (who may reach you, whom you declined).
 * Synchronous, like `localStorage`; implement it for other places.
 */
export interface PreferenceStorage {
  /** The value stored under `key`, or null. */
  get(key: string): string | null;
  /** Stores `value` under `key`. */
  set(key: string, value: string): void;
  /** Forgets `key`. */
  remove(key: string): void;
}

/** Preferences in memory only (the default in Node). */
export function memoryPreferences(): PreferenceStorage {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k) ?? null,
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
  };
}

/** Preferences in `localStorage` (the default in browsers); a full or blocked storage keeps them in memory. */
export function localStoragePreferences(storage?: Storage): PreferenceStorage {
  const fallback = memoryPreferences();
  const store = () => storage ?? globalThis.localStorage;
  return {
    get(k) {
      try {
        return store().getItem(k) ?? fallback.get(k);
      } catch {
        return fallback.get(k);
      }
    },
    set(k, v) {
      fallback.set(k, v);
      try {
        store().setItem(k, v);
      } catch {
        // kept in memory for this page
      }
    },
    remove(k) {
      fallback.remove(k);
      try {
        store().removeItem(k);
      } catch {
        // nothing to remove
      }
    },
  };
}

/** The default: `localStorage` where it works, memory elsewhere. Decided when called, not on import. */
export function defaultPreferences(): PreferenceStorage {
  return localStorageWorks() ? localStoragePreferences() : memoryPreferences();
}

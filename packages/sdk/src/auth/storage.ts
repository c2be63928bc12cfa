import type { PrivateUser } from '../protocol/users.js';

/** What the client keeps between page loads: the token, when it expires, and who it belongs to. */
export interface StoredSession {
  token: string;
  expiresAt: string;
  user: PrivateUser;
}

/** Where the session is kept. Synchronous, like `localStorage`; implement it for other places. */
export interface SessionStorage {
  /** The stored session, or null when there is none (or it cannot be read). */
  load(): StoredSession | null;
  /** Keeps the session (after a login, or a refreshed token). */
  save(session: StoredSession): void;
  /** Forgets the session (logout). */
  clear(): void;
}

/** Keeps the session in memory only (the default in Node): it ends with the process. */
export function memoryStorage(): SessionStorage {
  let session: StoredSession | null = null;
  return {
    load: () => session,
    save: (s) => {
      session = s;
    },
    clear: () => {
      session = null;
    },
  };
}

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const user = v.user as Record<string, unknown> | null | undefined;
  return (
    typeof v.token === 'string' &&
    typeof v.expiresAt === 'string' &&
    typeof user === 'object' &&
    user !== null &&
    typeof user.id === 'string' &&
    typeof user.username === 'string'
  );
}

/**
 * Keeps the session in `localStorage` under `key` (the default in browsers, as the original app did), so a
 * reload stays logged in. Unreadable or foreign values count as no session.
 */
export function localStorageSession(key = 'p2pchat.session', storage?: Storage): SessionStorage {
  const store = () => storage ?? globalThis.localStorage;
  return {
    load() {
      try {
        const raw = store().getItem(key);
        const value: unknown = raw ? JSON.parse(raw) : null;
        return isStoredSession(value) ? value : null;
      } catch {
        return null;
      }
    },
    save(session) {
      try {
        store().setItem(key, JSON.stringify(session));
      } catch {
        // storage full or blocked (private mode): the session still lives in memory for this page
      }
    },
    clear() {
      try {
        store().removeItem(key);
      } catch {
        // nothing to clear
      }
    },
  };
}

/** Whether `localStorage` can be written here (not in Node, not when blocked). Decided when called. */
export function localStorageWorks(): boolean {
  try {
    const probe = '__p2pchat_probe__';
    globalThis.localStorage.setItem(probe, '1');
    globalThis.localStorage.removeItem(probe);
    return true;
  } catch {
    return false;
  }
}

/** The default storage: `localStorage` where it works, memory elsewhere. Decided when called, not on import. */
export function defaultStorage(): SessionStorage {
  return localStorageWorks() ? localStorageSession() : memoryStorage();
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type {
  ChatSessionRecord,
  ChatSessionRepository,
  NodeRepository,
  ProfilePatch,
  Store,
  TokenRecord,
  TokenRepository,
  UserRecord,
  UserRepository,
} from '../port.js';
import { UniqueViolationError, guardRepositories } from '../port.js';

/** The file the embedded store keeps under `DATA_DIR`. */
export const EMBEDDED_DB_FILE = 'p2pchat.sqlite';

// Numbered migrations: the database records the last one applied (PRAGMA user_version), and each runs once,
// in order, in its own transaction. Never edit one that has shipped; add the next.
const MIGRATIONS: readonly string[] = [
  // 1: users, tokens and chat sessions
  `CREATE TABLE IF NOT EXISTS users (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL,
  username_key  TEXT NOT NULL UNIQUE,
  email         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  display_name  TEXT NOT NULL,
  bio           TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL,
  avatar_url    TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  last_login    INTEGER,
  is_active     INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS auth_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS auth_tokens_expires ON auth_tokens (expires_at);
CREATE TABLE IF NOT EXISTS chat_sessions (
  session_id      TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL,
  node_id         TEXT NOT NULL,
  connected_at    INTEGER NOT NULL,
  disconnected_at INTEGER,
  is_active       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_sessions_active ON chat_sessions (is_active, user_id);`,
  // 2: each server process's heartbeat, so the others can close the sessions of one that died
  `CREATE TABLE IF NOT EXISTS nodes (
  node_id   TEXT PRIMARY KEY,
  last_beat INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_sessions_node ON chat_sessions (is_active, node_id);`,
  // 3: a user's tokens (revoked together when the account is disabled or deleted), and recent revocations
  // (which every process sharing the store acts on)
  `CREATE INDEX IF NOT EXISTS auth_tokens_user ON auth_tokens (user_id);
CREATE INDEX IF NOT EXISTS auth_tokens_revoked ON auth_tokens (revoked_at);`,
];

/** The schema version this build writes (the number of migrations). */
export const EMBEDDED_SCHEMA_VERSION = MIGRATIONS.length;

function migrate(db: Database.Database): void {
  // BEGIN IMMEDIATE: two processes opening a new file at once take turns, and the second sees the first's work.
  const step = db.transaction((index: number) => {
    const current = Number(db.pragma('user_version', { simple: true }));
    if (current > index) return;
    db.exec(MIGRATIONS[index] as string);
    db.pragma(`user_version = ${index + 1}`);
  });
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > MIGRATIONS.length) {
    throw new Error(
      `The embedded store was written by a newer server (schema ${current}; this one knows ${MIGRATIONS.length}).`,
    );
  }
  for (let i = current; i < MIGRATIONS.length; i++) step.immediate(i);
}

interface UserRow {
  id: string;
  username: string;
  username_key: string;
  email: string;
  password_hash: string;
  display_name: string;
  bio: string;
  status: string;
  avatar_url: string;
  created_at: number;
  last_login: number | null;
  is_active: number;
}
interface TokenRow {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}
interface SessionRow {
  session_id: string;
  user_id: string;
  node_id: string;
  connected_at: number;
  disconnected_at: number | null;
  is_active: number;
}

const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

function userFromRow(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    usernameKey: r.username_key,
    email: r.email,
    passwordHash: r.password_hash,
    displayName: r.display_name,
    bio: r.bio,
    status: r.status,
    avatarUrl: r.avatar_url,
    createdAt: new Date(r.created_at),
    lastLogin: toDate(r.last_login),
    isActive: r.is_active === 1,
  };
}
function tokenFromRow(r: TokenRow): TokenRecord {
  return {
    tokenHash: r.token_hash,
    userId: r.user_id,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    revokedAt: toDate(r.revoked_at),
  };
}
function sessionFromRow(r: SessionRow): ChatSessionRecord {
  return {
    sessionId: r.session_id,
    userId: r.user_id,
    nodeId: r.node_id,
    connectedAt: new Date(r.connected_at),
    disconnectedAt: toDate(r.disconnected_at),
    isActive: r.is_active === 1,
  };
}

// SQLite names the column that broke the constraint: "UNIQUE constraint failed: users.email".
function uniqueViolation(err: unknown): UniqueViolationError | null {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return null;
  const message = (err as Error).message;
  if (message.includes('users.email')) return new UniqueViolationError('email');
  if (message.includes('users.username_key')) return new UniqueViolationError('username');
  return new UniqueViolationError('id');
}

/**
 * How long a call waits for another process's write lock before the store counts as unavailable, ms. The
 * driver is synchronous, so the wait holds the whole event loop: short, since the writes of the processes
 * sharing the file (`--workers`) take well under a millisecond each.
 */
const BUSY_TIMEOUT_MS = 250;

// Locked past the wait, a read-only or failing disk, or a closed database: the call may work in a moment.
const UNAVAILABLE_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_READONLY',
  'SQLITE_IOERR',
  'SQLITE_FULL',
]);
function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && [...UNAVAILABLE_CODES].some((c) => code.startsWith(c)))
    return true;
  return err instanceof TypeError && /database connection is not open/i.test(err.message);
}

/** Options of the embedded store. */
export interface EmbeddedStoreOptions {
  /** Folder that holds the database file; created when missing. */
  dataDir: string;
}

/**
 * The embedded store: SQLite through better-sqlite3 in WAL mode, in one file under `dataDir`. Several processes
 * on one machine may open the same file. Every write is committed before the call resolves, so an answered
 * request survives `kill -9`.
 */
export function openEmbeddedStore(options: EmbeddedStoreOptions): Store {
  mkdirSync(options.dataDir, { recursive: true });
  const db = new Database(join(options.dataDir, EMBEDDED_DB_FILE));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash (only power loss can lose the last commits).
  db.pragma('synchronous = NORMAL');
  // Another process holding the write lock longer than this gets callers a fast 503, not a long wait.
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  migrate(db);

  const q = {
    insertUser:
      db.prepare(`INSERT INTO users (id, username, username_key, email, password_hash, display_name,
      bio, status, avatar_url, created_at, last_login, is_active) VALUES (@id, @username, @usernameKey, @email,
      @passwordHash, @displayName, @bio, @status, @avatarUrl, @createdAt, @lastLogin, @isActive)`),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    userByKey: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username_key = ?'),
    userByEmail: db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?'),
    updateProfile: db.prepare(`UPDATE users SET display_name = coalesce(@displayName, display_name),
      bio = coalesce(@bio, bio), status = coalesce(@status, status),
      avatar_url = coalesce(@avatarUrl, avatar_url) WHERE id = @id`),
    recordLogin: db.prepare('UPDATE users SET last_login = ? WHERE id = ?'),
    setActive: db.prepare('UPDATE users SET is_active = ? WHERE id = ?'),
    insertToken:
      db.prepare(`INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at, revoked_at)
      VALUES (?, ?, ?, ?, ?)`),
    findToken: db.prepare<[string], TokenRow>('SELECT * FROM auth_tokens WHERE token_hash = ?'),
    revokeToken: db.prepare(
      'UPDATE auth_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL',
    ),
    deleteExpired: db.prepare('DELETE FROM auth_tokens WHERE expires_at < ?'),
    revokeAllForUser: db.prepare(
      'UPDATE auth_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
    ),
    revokedSince: db.prepare<[number], { token_hash: string; user_id: string }>(
      'SELECT token_hash, user_id FROM auth_tokens WHERE revoked_at >= ?',
    ),
    deleteUserTokens: db.prepare('DELETE FROM auth_tokens WHERE user_id = ?'),
    deleteUserSessions: db.prepare('DELETE FROM chat_sessions WHERE user_id = ?'),
    deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
    purgeClosedSessions: db.prepare(
      'DELETE FROM chat_sessions WHERE is_active = 0 AND disconnected_at < ?',
    ),
    openSession: db.prepare(`INSERT INTO chat_sessions (session_id, user_id, node_id, connected_at,
      disconnected_at, is_active) VALUES (?, ?, ?, ?, ?, ?)`),
    closeSession: db.prepare(
      'UPDATE chat_sessions SET is_active = 0, disconnected_at = ? WHERE session_id = ? AND is_active = 1',
    ),
    closeActiveOnNode: db.prepare(
      'UPDATE chat_sessions SET is_active = 0, disconnected_at = ? WHERE is_active = 1 AND node_id = ?',
    ),
    listActive: db.prepare<[], SessionRow>(
      'SELECT * FROM chat_sessions WHERE is_active = 1 ORDER BY connected_at',
    ),
    listActiveFor: db.prepare<[string], SessionRow>(
      'SELECT * FROM chat_sessions WHERE is_active = 1 AND user_id = ? ORDER BY connected_at',
    ),
    findSession: db.prepare<[string], SessionRow>(
      'SELECT * FROM chat_sessions WHERE session_id = ?',
    ),
    beat: db.prepare(
      'INSERT INTO nodes (node_id, last_beat) VALUES (?, ?) ON CONFLICT (node_id) DO UPDATE SET last_beat = excluded.last_beat',
    ),
    forgetNode: db.prepare('DELETE FROM nodes WHERE node_id = ?'),
    closeOrphaned: db.prepare(`UPDATE chat_sessions SET is_active = 0, disconnected_at = ?
      WHERE is_active = 1 AND node_id NOT IN (SELECT node_id FROM nodes WHERE last_beat >= ?)`),
    forgetStaleNodes: db.prepare('DELETE FROM nodes WHERE last_beat < ?'),
    ping: db.prepare('SELECT 1'),
  };

  const users: UserRepository = {
    async create(u) {
      try {
        q.insertUser.run({
          ...u,
          createdAt: u.createdAt.getTime(),
          lastLogin: u.lastLogin?.getTime() ?? null,
          isActive: u.isActive ? 1 : 0,
        });
      } catch (err) {
        throw uniqueViolation(err) ?? err;
      }
    },
    async findById(id) {
      const row = q.userById.get(id);
      return row ? userFromRow(row) : null;
    },
    async findByUsernameKey(key) {
      const row = q.userByKey.get(key);
      return row ? userFromRow(row) : null;
    },
    async findByEmail(email) {
      const row = q.userByEmail.get(email);
      return row ? userFromRow(row) : null;
    },
    async updateProfile(id, patch: ProfilePatch) {
      q.updateProfile.run({
        id,
        displayName: patch.displayName ?? null,
        bio: patch.bio ?? null,
        status: patch.status ?? null,
        avatarUrl: patch.avatarUrl ?? null,
      });
      const row = q.userById.get(id);
      return row ? userFromRow(row) : null;
    },
    async recordLogin(id, at) {
      q.recordLogin.run(at.getTime(), id);
    },
    async setActive(id, isActive) {
      q.setActive.run(isActive ? 1 : 0, id);
    },
    async remove(id) {
      return db
        .transaction(() => {
          q.deleteUserTokens.run(id);
          q.deleteUserSessions.run(id);
          return q.deleteUser.run(id).changes > 0;
        })
        .immediate();
    },
  };

  const tokens: TokenRepository = {
    async create(t) {
      q.insertToken.run(
        t.tokenHash,
        t.userId,
        t.createdAt.getTime(),
        t.expiresAt.getTime(),
        t.revokedAt?.getTime() ?? null,
      );
    },
    async find(hash) {
      const row = q.findToken.get(hash);
      return row ? tokenFromRow(row) : null;
    },
    async revoke(hash, at) {
      return q.revokeToken.run(at.getTime(), hash).changes > 0;
    },
    async deleteExpired(now) {
      return q.deleteExpired.run(now.getTime()).changes;
    },
    async revokeAllForUser(userId, at) {
      return q.revokeAllForUser.run(at.getTime(), userId).changes;
    },
    async revokedSince(since) {
      return q.revokedSince
        .all(since.getTime())
        .map((r) => ({ tokenHash: r.token_hash, userId: r.user_id }));
    },
  };

  const sessions: ChatSessionRepository = {
    async open(s) {
      q.openSession.run(
        s.sessionId,
        s.userId,
        s.nodeId,
        s.connectedAt.getTime(),
        s.disconnectedAt?.getTime() ?? null,
        s.isActive ? 1 : 0,
      );
    },
    async close(sessionId, at) {
      q.closeSession.run(at.getTime(), sessionId);
    },
    async closeActiveOnNode(nodeId, at) {
      return q.closeActiveOnNode.run(at.getTime(), nodeId).changes;
    },
    async closeOrphaned(staleBefore, at) {
      return db
        .transaction(() => {
          const closed = q.closeOrphaned.run(at.getTime(), staleBefore.getTime()).changes;
          q.forgetStaleNodes.run(staleBefore.getTime());
          return closed;
        })
        .immediate();
    },
    async purgeClosedBefore(before) {
      return q.purgeClosedSessions.run(before.getTime()).changes;
    },
    async listActive(userId) {
      const rows = userId === undefined ? q.listActive.all() : q.listActiveFor.all(userId);
      return rows.map(sessionFromRow);
    },
    async find(sessionId) {
      const row = q.findSession.get(sessionId);
      return row ? sessionFromRow(row) : null;
    },
  };

  const nodes: NodeRepository = {
    async beat(nodeId, at) {
      q.beat.run(nodeId, at.getTime());
    },
    async forget(nodeId) {
      q.forgetNode.run(nodeId);
    },
  };

  return {
    kind: 'embedded',
    ...guardRepositories({ users, tokens, sessions, nodes }, isUnavailable),
    async ping() {
      if (!db.open) return false;
      try {
        q.ping.get();
        // Ready means writable: take the write lock for a moment, waiting briefly if another process has it.
        db.pragma('busy_timeout = 100');
        try {
          db.exec('BEGIN IMMEDIATE; ROLLBACK');
        } finally {
          db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
        }
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

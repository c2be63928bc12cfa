/**
 * The store port: everything the server keeps. Two adapters implement it (embedded SQLite and MongoDB) and
 * both pass the contract suite in `contract.ts`. Usernames and e-mail addresses arrive normalized
 * (`usernameKey` lower-cased, `email` trimmed and lower-cased) and are unique.
 */

/** A user as stored. */
export interface UserRecord {
  id: string;
  username: string;
  usernameKey: string;
  email: string;
  passwordHash: string;
  displayName: string;
  bio: string;
  status: string;
  avatarUrl: string;
  createdAt: Date;
  lastLogin: Date | null;
  isActive: boolean;
}

/** The profile fields a user may change. */
export type ProfilePatch = Partial<
  Pick<UserRecord, 'displayName' | 'bio' | 'status' | 'avatarUrl'>
>;

/** A bearer token as stored: only its hash, never the token. */
export interface TokenRecord {
  tokenHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** The original design's ChatSession: one record per signaling connection. */
export interface ChatSessionRecord {
  sessionId: string;
  userId: string;
  /** The server process that holds the connection, so a restarting node closes only its own. */
  nodeId: string;
  connectedAt: Date;
  disconnectedAt: Date | null;
  isActive: boolean;
}

/** Users: created once, found by id, username key or e-mail. */
export interface UserRepository {
  /** Adds a user; rejects with {@link UniqueViolationError} when the username or e-mail is taken. */
  create(user: UserRecord): Promise<void>;
  /** The user with this id, or null. */
  findById(id: string): Promise<UserRecord | null>;
  /** The user whose normalized username is `usernameKey`, or null. */
  findByUsernameKey(usernameKey: string): Promise<UserRecord | null>;
  /** The user with this (normalized) e-mail address, or null. */
  findByEmail(email: string): Promise<UserRecord | null>;
  /** Applies a profile patch and answers the updated user, or null when there is no such user. */
  updateProfile(id: string, patch: ProfilePatch): Promise<UserRecord | null>;
  /** Sets the user's last login time. */
  recordLogin(id: string, at: Date): Promise<void>;
  /** Activates or deactivates the account (an inactive one cannot log in). */
  setActive(id: string, isActive: boolean): Promise<void>;
  /** Deletes the user with their tokens and chat-session records; answers whether there was such a user. */
  remove(id: string): Promise<boolean>;
}

/** Bearer tokens, by hash. */
export interface TokenRepository {
  /** Stores a new token (its hash only). */
  create(token: TokenRecord): Promise<void>;
  /** The token with this hash, live or not, or null. */
  find(tokenHash: string): Promise<TokenRecord | null>;
  /** Marks a token revoked; answers whether it was live before. */
  revoke(tokenHash: string, at: Date): Promise<boolean>;
  /** Deletes tokens that expired before `now`; answers how many. */
  deleteExpired(now: Date): Promise<number>;
  /** Revokes every live token of the user; answers how many. */
  revokeAllForUser(userId: string, at: Date): Promise<number>;
  /** Tokens revoked at or after `since` (by any process sharing the store), with their users. */
  revokedSince(since: Date): Promise<{ tokenHash: string; userId: string }[]>;
}

/** Chat sessions (signaling connections). */
export interface ChatSessionRepository {
  /** Records a session that opened. */
  open(session: ChatSessionRecord): Promise<void>;
  /** Marks the session ended at `at`. */
  close(sessionId: string, at: Date): Promise<void>;
  /** Closes every session a node left marked active (after a crash or restart); answers how many. */
  closeActiveOnNode(nodeId: string, at: Date): Promise<number>;
  /**
   * Closes every active session whose node has not beaten since `staleBefore` (a process that was killed, or
   * whose machine went away), and forgets those nodes; answers how many sessions it closed.
   */
  closeOrphaned(staleBefore: Date, at: Date): Promise<number>;
  /** The sessions still open, of one user or of everyone. */
  listActive(userId?: string): Promise<ChatSessionRecord[]>;
  /** Deletes the records of sessions that ended before `before`; answers how many. */
  purgeClosedBefore(before: Date): Promise<number>;
  /** The session with this id, or null. */
  find(sessionId: string): Promise<ChatSessionRecord | null>;
}

/** Server processes sharing the store, each with its last heartbeat. */
export interface NodeRepository {
  /** Records that the node is alive at `at`. */
  beat(nodeId: string, at: Date): Promise<void>;
  /** Removes the node (it stopped cleanly). */
  forget(nodeId: string): Promise<void>;
}

/** The store: repositories plus its own life cycle. */
export interface Store {
  /** Which adapter this is, for logs and readiness. */
  readonly kind: 'embedded' | 'mongodb';
  readonly users: UserRepository;
  readonly tokens: TokenRepository;
  readonly sessions: ChatSessionRepository;
  readonly nodes: NodeRepository;
  /** Answers whether the store can serve requests right now. */
  ping(): Promise<boolean>;
  /** Closes the store's connections or files; nothing may use it after. */
  close(): Promise<void>;
}

/** Thrown by `users.create` when a unique field is taken. */
export class UniqueViolationError extends Error {
  override readonly name = 'UniqueViolationError';
  constructor(readonly field: 'username' | 'email' | 'id') {
    super(`${field} is already taken`);
  }
}

/**
 * The store cannot serve the call right now (locked by another process past the wait, unreachable, closed);
 * the same call may succeed in a moment. The server answers `503 UNAVAILABLE` with `Retry-After`.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/**
 * Wraps every method of each repository so that errors `isUnavailable` recognises become
 * {@link StoreUnavailableError}; everything else passes through unchanged.
 */
export function guardRepositories<T extends object>(
  repos: T,
  isUnavailable: (err: unknown) => boolean,
): T {
  const out: Record<string, unknown> = {};
  for (const [name, repo] of Object.entries(repos)) {
    const guarded: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(repo as Record<string, unknown>)) {
      guarded[method] =
        typeof fn !== 'function'
          ? fn
          : async (...args: unknown[]) => {
              try {
                return await (fn as (...a: unknown[]) => Promise<unknown>).apply(repo, args);
              } catch (err) {
                if (isUnavailable(err))
                  throw new StoreUnavailableError(
                    `the store is unavailable (${name}.${method})`,
                    err,
                  );
                throw err;
              }
            };
    }
    out[name] = guarded;
  }
  return out as T;
}

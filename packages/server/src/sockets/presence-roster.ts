import type { PresenceEntry, PresenceSnapshot, PublicUser } from '@p2pchat/sdk/protocol';

/** What changed for a user when one of their sessions opened or closed. */
export interface PresenceChange {
  /** `online`: first session; `offline`: last one closed; `sessions`: the set changed, the user stays online. */
  kind: 'online' | 'offline' | 'sessions';
  entry: PresenceEntry;
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Who is online on this node: each user with the set of their open sessions. Presence is counted per user,
 * so a second tab changes the session set but does not announce the user again.
 */
export class PresenceRoster {
  private readonly users = new Map<string, { user: PublicUser; sessions: Set<string> }>();

  /** Adds a session; answers whether that made the user come online. */
  add(user: PublicUser, sessionId: string): PresenceChange {
    const known = this.users.get(user.id);
    if (known) {
      known.sessions.add(sessionId);
      known.user = user;
      return { kind: 'sessions', entry: this.entryOf(known) };
    }
    const fresh = { user, sessions: new Set([sessionId]) };
    this.users.set(user.id, fresh);
    return { kind: 'online', entry: this.entryOf(fresh) };
  }

  /** Removes a session; answers whether that was the user's last, or null when it was not here. */
  remove(userId: string, sessionId: string): PresenceChange | null {
    const known = this.users.get(userId);
    if (!known || !known.sessions.delete(sessionId)) return null;
    if (known.sessions.size === 0) {
      this.users.delete(userId);
      return { kind: 'offline', entry: this.entryOf(known) };
    }
    return { kind: 'sessions', entry: this.entryOf(known) };
  }

  /** Replaces an online user's public profile; answers the new entry, or null when they are offline. */
  updateUser(user: PublicUser): PresenceEntry | null {
    const known = this.users.get(user.id);
    if (!known) return null;
    known.user = user;
    return this.entryOf(known);
  }

  /** How many sessions the user has open. */
  sessionCount(userId: string): number {
    return this.users.get(userId)?.sessions.size ?? 0;
  }

  /** The user's entry (profile and sessions), or null when they are offline. */
  entry(userId: string): PresenceEntry | null {
    const known = this.users.get(userId);
    return known ? this.entryOf(known) : null;
  }

  /** The user's open sessions on this node. */
  sessionsOf(userId: string): ReadonlySet<string> {
    return this.users.get(userId)?.sessions ?? EMPTY;
  }

  /** Whether `sessionId` is one of the user's open sessions. */
  hasSession(userId: string, sessionId: string): boolean {
    return this.users.get(userId)?.sessions.has(sessionId) ?? false;
  }

  /** Everyone online, in the order they came online. */
  snapshot(): PresenceSnapshot {
    return { users: [...this.users.values()].map((u) => this.entryOf(u)) };
  }

  private entryOf(u: { user: PublicUser; sessions: Set<string> }): PresenceEntry {
    return { user: u.user, sessions: [...u.sessions] };
  }
}

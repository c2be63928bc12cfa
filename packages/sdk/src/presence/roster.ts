import type { PresenceEntry, PresenceSnapshot } from '../protocol/socket.js';
import type { PublicUser } from '../protocol/users.js';

/** An online user as the client sees them: the public profile and their open sessions. */
export interface OnlineUser extends PublicUser {
  /** Ids of the user's open sessions (tabs, devices). */
  sessions: string[];
}

/** Who is online, kept current from the server's snapshot and its online/offline/update events. */
export class Roster {
  private readonly users = new Map<string, OnlineUser>();

  /** Replaces everything with a snapshot (on every connect and reconnect). */
  reset(snapshot: PresenceSnapshot): void {
    this.users.clear();
    for (const entry of snapshot.users) this.put(entry);
  }

  /** Adds or replaces one user; answers them. */
  put(entry: PresenceEntry): OnlineUser {
    const user: OnlineUser = { ...entry.user, sessions: [...entry.sessions] };
    this.users.set(user.id, user);
    return user;
  }

  /** Removes a user; answers whether they were here. */
  remove(userId: string): boolean {
    return this.users.delete(userId);
  }

  /** One online user, or undefined. */
  get(userId: string): OnlineUser | undefined {
    return this.users.get(userId);
  }

  /** Everyone online, in the order they came online. */
  list(): OnlineUser[] {
    return [...this.users.values()];
  }
}

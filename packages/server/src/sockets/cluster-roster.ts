import type { PresenceEntry, PresenceSnapshot, PublicUser } from '@p2pchat/sdk/protocol';
import { PresenceRoster } from './presence-roster.js';

const NO_SESSIONS: readonly string[] = Object.freeze([]);

/** What another node last told us: its users, each with the sessions they have open there. */
interface NodePart {
  version: number;
  /** When we last heard from the node (a beat, a delta or its state), ms since the epoch. */
  heardAt: number;
  users: Map<string, PresenceEntry>;
}

/**
 * Who is online across the cluster: this node's own roster (the truth about its sockets) and, for each other
 * node, the users it last reported. Every question (is this user online, how many sessions, which ones) is
 * answered over all nodes, so presence is counted per user cluster-wide: a user with a tab on each of two
 * nodes is one user online, and goes offline when the last of those tabs closes.
 */
export class ClusterRoster {
  /** This node's sessions. */
  readonly local = new PresenceRoster();
  private readonly nodes = new Map<string, NodePart>();

  /** The nodes we hold a part for, with the version and time we last heard. */
  knownNodes(): ReadonlyMap<string, { version: number; heardAt: number }> {
    return this.nodes;
  }

  /** The version of `node`'s part we hold, or undefined when we hold none. */
  versionOf(node: string): number | undefined {
    return this.nodes.get(node)?.version;
  }

  /** Records that `node` is alive (a beat that matched the version we hold). */
  heard(node: string, at: number): void {
    const part = this.nodes.get(node);
    if (part) part.heardAt = at;
  }

  /**
   * Replaces `node`'s whole part (its state, answered to a `want`); answers the users whose presence that may
   * have changed.
   */
  replaceNode(
    node: string,
    version: number,
    users: readonly PresenceEntry[],
    at: number,
  ): string[] {
    const before = this.nodes.get(node);
    const fresh = new Map(users.map((e) => [e.user.id, e]));
    this.nodes.set(node, { version, heardAt: at, users: fresh });
    return [...new Set([...(before?.users.keys() ?? []), ...fresh.keys()])];
  }

  /** Applies a delta from `node`: `users` as they are there now, `offline` gone from there. */
  applyDelta(
    node: string,
    version: number,
    users: readonly PresenceEntry[],
    offline: readonly string[],
    at: number,
  ): string[] {
    let part = this.nodes.get(node);
    if (!part) this.nodes.set(node, (part = { version, heardAt: at, users: new Map() }));
    part.version = version;
    part.heardAt = at;
    for (const e of users) part.users.set(e.user.id, e);
    for (const id of offline) part.users.delete(id);
    return [...users.map((e) => e.user.id), ...offline];
  }

  /** Forgets `node` (it said goodbye, or went silent); answers the users it had. */
  dropNode(node: string): string[] {
    const part = this.nodes.get(node);
    if (!part) return [];
    this.nodes.delete(node);
    return [...part.users.keys()];
  }

  /** A new profile for a user, wherever their sessions are; answers whether they are online. */
  updateUser(user: PublicUser): boolean {
    let online = this.local.updateUser(user) !== null;
    for (const part of this.nodes.values()) {
      const e = part.users.get(user.id);
      if (e) {
        part.users.set(user.id, { user, sessions: e.sessions });
        online = true;
      }
    }
    return online;
  }

  /** How many sessions the user has open on all nodes. */
  sessionCount(userId: string): number {
    let n = this.local.sessionCount(userId);
    if (this.nodes.size === 0) return n; // one node: no iterator to make for every signal
    for (const part of this.nodes.values()) n += part.users.get(userId)?.sessions.length ?? 0;
    return n;
  }

  /** Whether `sessionId` is one of the user's open sessions on any node. */
  hasSession(userId: string, sessionId: string): boolean {
    if (this.local.hasSession(userId, sessionId)) return true;
    for (const part of this.nodes.values()) {
      if (part.users.get(userId)?.sessions.includes(sessionId)) return true;
    }
    return false;
  }

  /** The user's sessions on other nodes. */
  remoteSessionsOf(userId: string): readonly string[] {
    if (this.nodes.size === 0) return NO_SESSIONS;
    const out: string[] = [];
    for (const part of this.nodes.values()) out.push(...(part.users.get(userId)?.sessions ?? []));
    return out;
  }

  /** The user with all their sessions, or null when they are offline everywhere. */
  entry(userId: string): PresenceEntry | null {
    const local = this.local.entry(userId);
    let user = local?.user;
    const sessions = local ? [...local.sessions] : [];
    for (const part of this.nodes.values()) {
      const e = part.users.get(userId);
      if (!e) continue;
      user ??= e.user;
      sessions.push(...e.sessions);
    }
    return user ? { user, sessions } : null;
  }

  /** Everyone online on any node: this node's users first, then the others' in the order they came. */
  snapshot(): PresenceSnapshot {
    if (this.nodes.size === 0) return this.local.snapshot();
    const seen = new Set<string>();
    const users: PresenceEntry[] = [];
    const add = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      const e = this.entry(id);
      if (e) users.push(e);
    };
    for (const e of this.local.snapshot().users) add(e.user.id);
    for (const part of this.nodes.values()) for (const id of part.users.keys()) add(id);
    return { users };
  }
}

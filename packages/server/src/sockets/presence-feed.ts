import type { PresenceChanges } from '@p2pchat/sdk/protocol';
import type { ClusterRoster } from './cluster-roster.js';
import type { RealtimeServer } from './types.js';

/** How often presence goes out at most, ms: the floor, and the most it stretches to on a busy node. */
export const PRESENCE_INTERVAL = { minMs: 50, maxMs: 1000, socketsPerMs: 10 } as const;

/**
 * Presence, batched and coalesced. Changes (a user online, offline, with another session, with a new
 * profile) are collected, and at most once per interval one `presence:changes` goes to everyone, holding each
 * changed user once, as they are at that moment. New sessions get their `presence:snapshot` in the same
 * flush instead, encoded once for all of them. A quiet server sends at once; a busy one (a reconnect storm
 * after a restart) sends one batch per interval, the interval growing with the number of connections
 * (one ms per ten sockets, from 50 ms to 1 s), so the work grows with the connections, not their square.
 */
export class PresenceFeed {
  private readonly dirty = new Set<string>();
  private readonly awaitingSnapshot = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;
  private closed = false;

  constructor(
    private readonly io: RealtimeServer,
    private readonly roster: ClusterRoster,
  ) {}

  /** The user's presence changed. */
  changed(userId: string): void {
    this.dirty.add(userId);
    this.schedule();
  }

  /** A new session needs the whole roster (sent with the next flush, before any change). */
  snapshotFor(socketId: string): void {
    this.awaitingSnapshot.add(socketId);
    this.schedule();
  }

  /** Sends what is waiting now (at shutdown, or in tests). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.last = Date.now();
    const newcomers = [...this.awaitingSnapshot];
    if (newcomers.length > 0) {
      this.awaitingSnapshot.clear();
      this.io.local.to(newcomers).emit('presence:snapshot', this.roster.snapshot());
    }
    if (this.dirty.size === 0) return;
    const changes: PresenceChanges = { users: [], offline: [] };
    for (const id of this.dirty) {
      const entry = this.roster.entry(id);
      if (entry) changes.users.push(entry);
      else changes.offline.push(id);
    }
    this.dirty.clear();
    // Every node tells its own clients (`local`): a change is never sent twice over the adapter. The
    // newcomers' snapshot, made just now, holds these changes already: in a reconnect storm, where each
    // batch is mostly newcomers, sending it to them too would add a tenth to what each client receives.
    const everyone = this.io.local;
    (newcomers.length > 0 ? everyone.except(newcomers) : everyone).emit(
      'presence:changes',
      changes,
    );
  }

  /** Stops the timer (the server is closing). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const interval = Math.min(
      PRESENCE_INTERVAL.maxMs,
      Math.max(
        PRESENCE_INTERVAL.minMs,
        this.io.sockets.sockets.size / PRESENCE_INTERVAL.socketsPerMs,
      ),
    );
    const wait = Math.max(0, this.last + interval - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }
}

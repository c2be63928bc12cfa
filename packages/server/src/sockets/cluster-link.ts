import { PresenceEntrySchema, PublicUserSchema } from '@p2pchat/sdk/protocol';
import type { PresenceEntry, PublicUser } from '@p2pchat/sdk/protocol';
import { z } from 'zod';
import type { Logger } from '../log.js';
import type { ClusterRoster } from './cluster-roster.js';
import type { InterServerEvents, NodeDelta, RealtimeServer } from './types.js';

/** How nodes keep each other's presence, ms. */
export interface ClusterTimings {
  /** Every node says it is alive (with its presence version) this often. */
  beatMs: number;
  /** A node not heard from for this long is gone: its users go offline on the others. */
  silentMs: number;
  /** Local presence changes are sent to the other nodes at most this often. */
  flushMs: number;
}

/** Defaults of {@link ClusterTimings}: a node killed outright is offline everywhere within about 9 s. */
export const CLUSTER_TIMINGS: ClusterTimings = { beatMs: 2_000, silentMs: 8_000, flushMs: 50 };

const NodeId = z.string().min(1).max(200);
const Version = z.number().int().nonnegative();
const Users = z.array(PresenceEntrySchema).max(1_000_000);
const BeatSchema = z.object({ node: NodeId, version: Version });
const DeltaSchema = BeatSchema.extend({ users: Users, offline: z.array(z.string().max(200)) });
const StateSchema = BeatSchema.extend({ users: Users });
const WantSchema = z.object({ from: NodeId, of: NodeId });
const ByeSchema = z.object({ node: NodeId });
const RevokedSchema = z.object({ tokenHash: z.string().min(1).max(200) });
const ProfileSchema = z.object({ user: PublicUserSchema });
const ClosedSchema = z.object({ userId: z.string().min(1).max(200) });

/** What the link does when another node reports something this node must act on. */
export interface ClusterHandlers {
  /** Users whose cluster-wide presence may have changed (tell this node's clients). */
  presenceChanged(userIds: readonly string[]): void;
  /** A token was revoked on another node. */
  tokenRevoked(tokenHash: string): void;
  /** A profile changed on another node. */
  profileUpdated(user: PublicUser): void;
  /** An account was deleted or disabled on another node. */
  accountClosed(userId: string): void;
}

/**
 * Presence across server nodes, over `io.serverSideEmit`. Each node sends a delta of its own users when
 * they change (batched), and a beat every `beatMs` with its version. A node that hears a version it does not
 * hold (a delta lost while Redis was down, a node it has never heard of, one that restarted) asks for that
 * node's whole state; a node silent for `silentMs` (killed, or cut off) is dropped and its users go offline,
 * to come back with its next beat. Nothing is stored in Redis, so an outage loses nothing that the next beats
 * do not restore.
 */
export class ClusterLink {
  private version = 0;
  private readonly dirty = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private stateTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly beatTimer: ReturnType<typeof setInterval>;
  /** When we last asked each node for its state (one ask per beat at most). */
  private readonly asked = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly io: RealtimeServer,
    private readonly roster: ClusterRoster,
    private readonly nodeId: string,
    private readonly handlers: ClusterHandlers,
    private readonly logger: Logger,
    /** Whether messages can reach the other nodes now (false while Redis is down). */
    private readonly canSend: () => boolean = () => true,
    private readonly timings: ClusterTimings = CLUSTER_TIMINGS,
  ) {
    this.listen();
    this.beatTimer = setInterval(() => this.tick(), timings.beatMs);
    this.beatTimer.unref();
    this.send('presence:want', { from: nodeId, of: '*' });
    this.tick();
  }

  /** One of this node's users came, went, or changed sessions. */
  localChanged(userId: string): void {
    this.dirty.add(userId);
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => this.flush(), this.timings.flushMs);
  }

  /** Tells the other nodes that a token was revoked. */
  tokenRevoked(tokenHash: string): void {
    this.send('account:token-revoked', { tokenHash });
  }

  /** Tells the other nodes that an account was deleted or disabled. */
  accountClosed(userId: string): void {
    this.send('account:closed', { userId });
  }

  /** Tells the other nodes that a profile changed. */
  profileUpdated(user: PublicUser): void {
    this.send('account:profile-updated', { user });
  }

  /** Says goodbye (the node is stopping) and stops every timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.beatTimer);
    clearTimeout(this.flushTimer);
    clearTimeout(this.stateTimer);
    this.send('presence:bye', { node: this.nodeId });
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (this.dirty.size === 0 || this.closed) return;
    const delta: NodeDelta = { node: this.nodeId, version: ++this.version, users: [], offline: [] };
    for (const id of this.dirty) {
      const e = this.roster.local.entry(id);
      if (e) delta.users.push(e);
      else delta.offline.push(id);
    }
    this.dirty.clear();
    // Unsent (Redis down), the version still moves on: the others see the gap in the next beat and ask.
    this.send('presence:delta', delta);
  }

  private tick(): void {
    const now = Date.now();
    for (const [node, { heardAt }] of this.roster.knownNodes()) {
      if (now - heardAt <= this.timings.silentMs) continue;
      this.logger.warn({ node }, 'a server node went silent; its users are shown offline');
      this.handlers.presenceChanged(this.roster.dropNode(node));
      this.asked.delete(node);
    }
    this.send('presence:beat', { node: this.nodeId, version: this.version });
  }

  private sendState(): void {
    // Several nodes asking at once (a restart, Redis back) get one answer.
    if (this.stateTimer || this.closed) return;
    this.stateTimer = setTimeout(() => {
      this.stateTimer = undefined;
      this.flush(); // what is pending goes out first, so the state's version covers it
      this.send('presence:state', {
        node: this.nodeId,
        version: this.version,
        users: this.roster.local.snapshot().users,
      });
    }, this.timings.flushMs);
  }

  private ask(node: string): void {
    const now = Date.now();
    if (now - (this.asked.get(node) ?? 0) < this.timings.beatMs) return;
    this.asked.set(node, now);
    this.send('presence:want', { from: this.nodeId, of: node });
  }

  private send<E extends keyof InterServerEvents>(
    event: E,
    ...args: Parameters<InterServerEvents[E]>
  ): void {
    if (!this.canSend()) return;
    try {
      this.io.serverSideEmit(event, ...args);
    } catch (err) {
      this.logger.warn({ err, event }, 'could not reach the other server nodes');
    }
  }

  private on<T>(event: string, schema: z.ZodType<T>, handle: (msg: T) => void): void {
    (this.io as unknown as { on(e: string, h: (m: unknown) => void): void }).on(event, (raw) => {
      if (this.closed) return;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        this.logger.warn({ event }, 'dropped a malformed message from another server node');
        return;
      }
      handle(parsed.data);
    });
  }

  private listen(): void {
    const mine = (node: string) => node === this.nodeId;
    const changed = (ids: readonly string[]) => {
      if (ids.length > 0) this.handlers.presenceChanged(ids);
    };
    this.on('presence:beat', BeatSchema, ({ node, version }) => {
      if (mine(node)) return;
      if (this.roster.versionOf(node) === version) this.roster.heard(node, Date.now());
      else this.ask(node);
    });
    this.on('presence:delta', DeltaSchema, ({ node, version, users, offline }) => {
      if (mine(node)) return;
      const held = this.roster.versionOf(node);
      changed(this.roster.applyDelta(node, version, users as PresenceEntry[], offline, Date.now()));
      if (held === undefined || version !== held + 1) this.ask(node);
    });
    this.on('presence:state', StateSchema, ({ node, version, users }) => {
      if (mine(node)) return;
      changed(this.roster.replaceNode(node, version, users as PresenceEntry[], Date.now()));
    });
    this.on('presence:want', WantSchema, ({ from, of }) => {
      if (!mine(from) && (of === '*' || mine(of))) this.sendState();
    });
    this.on('presence:bye', ByeSchema, ({ node }) => {
      if (mine(node)) return;
      changed(this.roster.dropNode(node));
      this.asked.delete(node);
    });
    this.on('account:token-revoked', RevokedSchema, ({ tokenHash }) =>
      this.handlers.tokenRevoked(tokenHash),
    );
    this.on('account:profile-updated', ProfileSchema, ({ user }) =>
      this.handlers.profileUpdated(user),
    );
    this.on('account:closed', ClosedSchema, ({ userId }) => this.handlers.accountClosed(userId));
  }
}

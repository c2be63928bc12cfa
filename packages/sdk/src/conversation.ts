import { EventEmitter } from 'eventemitter3';
import { P2PError } from './errors.js';
import type { MessageStore, StoredMessage } from './history/message-store.js';
import type { HistoryPage } from './history/message-store.js';
import { storeStamp } from './history/message-store.js';
import { mergeRecord } from './sync/device-sync.js';
import { after } from './internal/timers.js';
import type { Cancel } from './internal/timers.js';
import {
  MAX_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_REACTION_KINDS,
  MAX_REACTION_BYTES,
  MAX_RECEIPT_IDS,
} from './rtc/frames.js';
import { frameBytes, utf8Length } from './rtc/frames.js';
import type { Frame, MessageFrame, SyncRecord } from './rtc/frames.js';
import type { PeerSession } from './rtc/peer-session.js';
import type { FileSource, FileTransfer } from './files/transfer.js';
import type { SendFileOptions } from './files/limits.js';
import type { ConnectionSafety } from './trust/connection-safety.js';
import type { ConnectionInfo } from './rtc/connection-info.js';

/** Who a message is from, as the signaling server vouched for it. */
export interface Sender {
  id: string;
  username: string;
  /** The display name from presence, or the username when they are not in the roster. */
  displayName: string;
}

/** A chat message, sent or received. */
export interface ChatMessage {
  /** Unique per sender; a message reaching several of your tabs has one id. */
  id: string;
  from: Sender;
  body: string;
  /** When the sender sent it (the sender's clock), ms since the epoch. */
  sentAt: number;
  /** The user on the other side of the conversation. */
  peerId: string;
  /** The id of the message this one replies to. */
  replyTo?: string;
}

/** Where a message you sent stands: on its way (kept until the peer has it), delivered, read, or failed. */
export type DeliveryStatus = 'pending' | 'delivered' | 'read' | 'failed';

/** What `send()` answers: the message, and whether the peer has it yet. */
export interface SentMessage extends ChatMessage {
  /** `pending`: not acknowledged yet (offline peer, or a path being restored); a `status` event tells more. */
  status: 'delivered' | 'pending';
}

/** A change of a sent message's {@link DeliveryStatus}. */
export interface MessageStatus {
  id: string;
  peerId: string;
  status: DeliveryStatus;
  /** Why it failed (`PEER_DECLINED`, `RELAY_FAILED`, `CANCELLED`, `CLOSED`, …). */
  error?: P2PError;
}

/** Events of one {@link Conversation}. */
export interface ConversationEvents {
  /** A message from the peer. */
  message: [message: ChatMessage];
  /** A message of ours reached the peer (their first tab to acknowledge it). */
  delivered: [id: string];
  /** A message of ours changed status (pending → delivered → read, or failed). */
  status: [status: MessageStatus];
  /** A stored message was added (one you send) or changed: edited, deleted, reacted to, or read. */
  changed: [message: StoredMessage];
  /** The peer started or stopped typing. */
  typing: [typing: boolean];
  /** The connection to the peer changed. */
  state: [state: ConversationState];
}

/**
 * Whether the conversation can carry messages right now: `open` once any of the peer's sessions is
 * reachable; `requested` while the peer is asked to accept; `reconnecting` while a dropped path is restored.
 */
export type ConversationState =
  'idle' | 'connecting' | 'requested' | 'open' | 'reconnecting' | 'closed';

/** What a conversation needs from its client. */
export interface ConversationHost {
  self(): Sender;
  /** The account's message store, once open (changes made through it reach the user's other sessions). */
  store(): Promise<MessageStore>;
  /** The same store, for merging what the user's other sessions sent (not mirrored back). */
  rawStore(): Promise<MessageStore>;
  /** Whether read receipts are sent. */
  receipts(): boolean;
  /** Why nothing can be sent to the user now (not connected), or null (offline peers are queued). */
  unreachable(userId: string): P2PError | null;
  /** Whether the user is online now. */
  online(userId: string): boolean;
  /** The user's display name, as far as this client knows it ('' if not). */
  nameOf(userId: string): string;
  /** Opens connections to the user's online sessions unless one is open; rejects if that fails. */
  reach(userId: string): Promise<unknown>;
  /** Peer sessions to the user that are open right now. */
  currentSessions(userId: string): PeerSession[];
  /** Offers a file to the user. */
  sendFile(userId: string, source: FileSource, options: SendFileOptions): Promise<FileTransfer>;
  verify(userId: string, sessionId?: string): Promise<void>;
  unverify(userId: string): void;
  trust(userId: string): 'verified' | 'changed' | 'unverified';
}

/** Timings of a conversation, ms. */
export const CONVERSATION_TIMINGS = {
  /** `send()` waits this long for the acknowledgement before answering `pending`. */
  ackWait: 10_000,
  /** A typing indicator that never hears "stopped" (the peer closed the tab) expires by itself. */
  typingExpiry: 6_000,
  /** Messages younger than this are replayed to a session of the peer that opens after they were sent. */
  replayWindow: 60_000,
} as const;

const REMEMBERED_IDS = 1000;
const REPLAY_MAX = 100;
// Messages waiting for delivery at once, per conversation.
const MAX_PENDING = 500;
// Control frames (edits, deletions, reactions, receipts) waiting for a connection, per conversation.
const MAX_CONTROL_QUEUE = 200;

/** A random id that needs no secure context (unlike `crypto.randomUUID`). */
export function randomId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

interface Outgoing {
  message: ChatMessage;
  frame: MessageFrame;
  settled: boolean;
  resolve(sent: SentMessage): void;
  reject(error: P2PError): void;
  cancelWait: Cancel | undefined;
}

/**
 * A conversation with one user, over peer connections to every open session (tab, device) of theirs.
 * Connections open on demand, the first time a message is sent or one arrives. Every message is kept in the
 * client's message store and delivered exactly once and in order: it stays pending (across reloads, while
 * the peer is offline) until the peer acknowledges it, is sent again over each connection that opens, and
 * the peer drops copies it already has.
 */
export class Conversation {
  state: ConversationState = 'idle';
  private readonly events = new EventEmitter<ConversationEvents>();
  private readonly outbox: Outgoing[] = [];
  private readonly control: { frame: Frame; ids: string[] }[] = [];
  private readonly recent: { frame: MessageFrame; at: number }[] = [];
  private readonly seen = new Set<string>();
  // The version (changedAt) of each message this session last showed, for merges from other sessions.
  private readonly shown = new Map<string, number>();
  private cancelTyping: Cancel | undefined;
  private peerTyping = false;
  private everOpen = false;
  // Frames from the peer are handled one at a time, in order (each may wait for the store).
  private inbound: Promise<void> = Promise.resolve();

  /** @internal Made by the client: `client.conversation(userId)`. */
  constructor(
    /** The user on the other side. */
    readonly peerId: string,
    private readonly host: ConversationHost,
  ) {}

  /** Listens to an event; answers a function that stops listening. */
  on<E extends keyof ConversationEvents>(
    event: E,
    listener: (...args: ConversationEvents[E]) => void,
  ): () => void {
    this.events.on(event, listener as never);
    return () => this.events.off(event, listener as never);
  }

  /** Messages sent but not yet acknowledged, oldest first. */
  get pending(): ChatMessage[] {
    return this.outbox.map((o) => o.message);
  }

  /** A page of this conversation's history, newest first; pass `next` of one page to get the one before. */
  /**
   * Offers a file to the peer, straight over a data channel of its own (never through the server). Resolves
   * with its {@link FileTransfer} once the offer is out: watch its `state` and `progress`, await `done`
   * (resolves when the peer has checked the whole file's SHA-256), or `cancel()` it. A `File` or `Blob` is
   * read in slices; a stream needs `options.size`. Rejects with `FILE_TOO_LARGE`, `INVALID_PAYLOAD`, or the
   * reason no connection to the peer could be opened.
   */
  sendFile(source: FileSource, options: SendFileOptions = {}): Promise<FileTransfer> {
    if (this.state === 'closed')
      return Promise.reject(new P2PError('CLOSED', 'This conversation was closed.', 'peer'));
    return this.host.sendFile(this.peerId, source, options);
  }

  /**
   * The safety number of each open connection to the peer (one per session: each of their devices has a
   * certificate of its own), computed from the certificates the connection's DTLS used and both user ids.
   * The peer sees the same numbers on their side unless someone is in the middle: compare them out of band
   * (read aloud, side by side). `mismatch` means the handshake used another certificate than the peer's
   * description claimed. Rejects with `NOT_CONNECTED` when no connection is open.
   */
  async safetyNumbers(): Promise<ConnectionSafety[]> {
    const sessions = this.host.currentSessions(this.peerId);
    if (sessions.length === 0)
      throw new P2PError('NOT_CONNECTED', 'No connection to this user is open.', 'peer');
    const { connectionSafety } = await import('./trust/connection-safety.js');
    return connectionSafety(this.host.self().id, this.peerId, sessions);
  }

  /**
   * What each open connection to the peer goes over, read from `getStats()`: `direct` or through a TURN
   * `relay`, both candidate types, the round-trip time and the bytes so far. One entry per session (device,
   * tab) of the peer; empty when none is open. Call it again for fresh figures.
   * @example
   * const [c] = await client.conversation(userId).connections();
   * console.log(c ? `${c.route}, ${c.rttMs} ms` : 'not connected');
   */
  async connections(): Promise<ConnectionInfo[]> {
    const sessions = this.host.currentSessions(this.peerId);
    if (sessions.length === 0) return [];
    const { connectionInfos } = await import('./rtc/connection-info.js');
    return connectionInfos(sessions);
  }

  /**
   * After comparing safety numbers with the peer: marks the certificates of the open connections (or of
   * one, by the peer's session id) verified. From then on a connection of theirs with another certificate
   * raises `key-change` and makes `trust` `changed`. Rejects with `NOT_CONNECTED` when none is open.
   */
  verify(sessionId?: string): Promise<void> {
    return this.host.verify(this.peerId, sessionId);
  }

  /** Forgets the peer's verified certificates. */
  unverify(): void {
    this.host.unverify(this.peerId);
  }

  /** `verified`, `changed` (a connection uses a certificate you did not verify) or `unverified`. */
  get trust(): 'verified' | 'changed' | 'unverified' {
    return this.host.trust(this.peerId);
  }

  /**
   * A page of the conversation's local history, newest first: `limit` messages (default 50) before the
   * cursor `before` (a page's `next`; none for the latest).
   */
  async history(options: { before?: string | null; limit?: number } = {}): Promise<HistoryPage> {
    return (await this.host.store()).page(this.peerId, options);
  }

  /**
   * Sends a message to every open session of the peer (opening a connection if none is). It is stored
   * first, so it survives a reload. Resolves with `status: 'delivered'` once one of the peer's sessions
   * acknowledges it, or `status: 'pending'` if that takes longer than 10 s or the peer is offline: the
   * message goes by itself when both are online, and `status` events tell the outcome. Rejects with
   * `INVALID_PAYLOAD`, `MESSAGE_TOO_LARGE`, `CLOSED`, `NOT_CONNECTED`, or the reason the first connection to
   * the peer failed (`CONNECTION_FAILED`, `RELAY_FAILED`, `PEER_DECLINED`).
   */
  async send(body: string, options: { replyTo?: string } = {}): Promise<SentMessage> {
    if (typeof body !== 'string' || body.trim().length === 0) {
      throw new P2PError('INVALID_PAYLOAD', 'A message needs some text.', 'peer');
    }
    tooLarge(body);
    if (this.state === 'closed')
      throw new P2PError('CLOSED', 'This conversation was closed.', 'peer');
    const unreachable = this.host.unreachable(this.peerId);
    if (unreachable) throw unreachable;
    if (this.outbox.length >= MAX_PENDING)
      throw new P2PError('RATE_LIMITED', 'Too many messages are waiting for delivery.', 'peer');
    const store = await this.host.store();
    if (options.replyTo !== undefined && !(await store.get(this.peerId, options.replyTo)))
      throw new P2PError('INVALID_PAYLOAD', 'There is no such message to reply to.', 'peer');
    const self = this.host.self();
    const message: ChatMessage = {
      id: randomId(),
      from: self,
      body,
      sentAt: Date.now(),
      peerId: this.peerId,
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
    };
    fitsAFrame({
      t: 'msg',
      id: message.id,
      body,
      sentAt: message.sentAt,
      replyTo: options.replyTo,
    });
    // The connection starts opening now, while the message is written; kick() below reports its failure.
    this.host.reach(this.peerId).catch(() => undefined);
    await this.save({
      id: message.id,
      peerId: this.peerId,
      fromId: self.id,
      fromName: self.displayName,
      toName: this.host.nameOf(this.peerId),
      direction: 'out',
      body,
      sentAt: message.sentAt,
      storedAt: storeStamp(),
      status: 'pending',
      ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
    });
    const result = this.queue(message);
    this.kick();
    return result;
  }

  /** Cancels a pending message: it is not sent again, and fails with `CANCELLED`. */
  async cancel(id: string): Promise<boolean> {
    const out = this.outbox.find((o) => o.message.id === id);
    if (!out) return false;
    await this.fail(out, new P2PError('CANCELLED', 'The message was cancelled.', 'peer'));
    return true;
  }

  /** Changes the text of one of your messages, here and at the peer (who shows it as edited). */
  async edit(id: string, body: string): Promise<void> {
    if (typeof body !== 'string' || body.trim().length === 0)
      throw new P2PError('INVALID_PAYLOAD', 'An edit needs some text.', 'peer');
    tooLarge(body);
    const m = await this.own(id);
    const at = Date.now();
    fitsAFrame({ t: 'edit', id, body, at });
    const changed: StoredMessage = { ...m, body, editedAt: at };
    await this.save(changed);
    const queued = this.outbox.find((o) => o.message.id === id);
    if (queued) {
      // not delivered yet: the peer gets the new text in the message itself
      queued.message.body = body;
      queued.frame.body = body;
    } else await this.sendControl({ t: 'edit', id, body, at }, [id]);
  }

  /** Deletes one of your messages for everyone: its text is gone here and at the peer. */
  async delete(id: string): Promise<void> {
    const m = await this.own(id);
    await this.save({ ...m, body: '', deleted: true });
    const queued = this.outbox.find((o) => o.message.id === id);
    if (queued)
      await this.fail(queued, new P2PError('CANCELLED', 'The message was deleted.', 'peer'));
    else await this.sendControl({ t: 'del', id }, [id]);
  }

  /** Adds your reaction to a message of the conversation, or takes it back if you had given it. */
  async react(id: string, emoji: string): Promise<void> {
    if (typeof emoji !== 'string' || emoji.length === 0 || utf8Length(emoji) > MAX_REACTION_BYTES)
      throw new P2PError('INVALID_PAYLOAD', 'A reaction is one emoji.', 'peer');
    const store = await this.host.store();
    const m = await store.get(this.peerId, id);
    if (!m || m.deleted) throw new P2PError('INVALID_PAYLOAD', 'There is no such message.', 'peer');
    const me = this.host.self().id;
    const on = !(m.reactions?.[emoji] ?? []).includes(me);
    const changed = withReaction(m, emoji, me, on);
    if (!changed)
      throw new P2PError('RATE_LIMITED', 'That message has all the reactions it can hold.', 'peer');
    await this.save(changed);
    await this.sendControl({ t: 'react', id, emoji, on }, [id]);
  }

  /**
   * Marks the conversation read: its unread count goes to 0, and (unless receipts are off) the peer is told
   * which of their messages you have now seen.
   */
  async markRead(): Promise<void> {
    const store = await this.host.store();
    await store.unread(this.peerId, { read: true });
    if (!this.host.receipts()) return;
    const ids: string[] = [];
    const page = await store.page(this.peerId, { limit: MAX_RECEIPT_IDS });
    for (const m of page.messages) {
      if (m.direction !== 'in' || m.status === 'read') continue;
      ids.push(m.id);
      await store.put({ ...m, status: 'read' });
    }
    if (ids.length > 0) await this.sendControl({ t: 'read', ids }, ids);
  }

  /** Tells the peer you are typing (or stopped); sent only over connections already open. */
  typing(on = true): void {
    for (const s of this.host.currentSessions(this.peerId)) s.send({ t: 'typing', on });
  }

  /**
   * @internal A session of the peer opened (a new tab of theirs, or a connection re-established): recent
   * messages it may have missed go to it, then everything still pending, in order; the peer drops copies.
   */
  flush(session: PeerSession): void {
    this.everOpen = true;
    const since = Date.now() - CONVERSATION_TIMINGS.replayWindow;
    for (const { frame, at } of this.recent) if (at >= since) session.send(frame);
    for (const out of this.outbox) session.send(out.frame);
    const sent = this.control.splice(0);
    for (const { frame } of sent) session.send(frame);
    // the peer has them now: the store stops keeping them for after a reload
    void this.caughtUp(sent.flatMap((c) => c.ids)).catch(() => undefined);
  }

  /**
   * @internal Takes back from the store (after a reload) a pending message, or a change the peer has not
   * heard of (an edit, a deletion, your reactions, a read receipt): it goes when the peer is back.
   */
  restore(stored: StoredMessage, from: Sender): void {
    if (stored.peerBehind) this.restoreChange(stored);
    if (stored.status !== 'pending' || stored.direction !== 'out') return;
    if (this.outbox.some((o) => o.message.id === stored.id)) return;
    const message: ChatMessage = {
      id: stored.id,
      from,
      body: stored.body,
      sentAt: stored.sentAt,
      peerId: this.peerId,
      ...(stored.replyTo === undefined ? {} : { replyTo: stored.replyTo }),
    };
    void this.queue(message).catch(() => undefined); // nobody awaits it: status events tell the outcome
  }

  /**
   * @internal A record from another session of this user (their other tab or device): merged into the
   * history in turn with the peer's own frames, so a message that came both ways is kept once.
   */
  absorb(record: SyncRecord, from: Sender): void {
    this.inbound = this.inbound.then(() => this.merge(record, from)).catch(() => undefined); // a store failure drops that one record
  }

  /** @internal The peer may be reachable now (came online): pending messages try to go. */
  kick(): void {
    if (this.outbox.length === 0 && this.control.length === 0) return;
    this.host.reach(this.peerId).catch((err: unknown) => {
      if (!(err instanceof P2PError)) return;
      // Offline or not connected: the outbox waits. A first contact that fails otherwise says why at once.
      if (err.code === 'PEER_UNAVAILABLE' || err.code === 'NOT_CONNECTED') return;
      if (!this.everOpen) void this.failPending(err);
    });
  }

  /** @internal Fails every pending message (the peer declined, or cannot be reached). */
  async failPending(error: P2PError): Promise<void> {
    for (const out of [...this.outbox]) await this.fail(out, error);
  }

  /** Stops using this conversation (pending messages stay in the store and go after the next login). */
  close(): void {
    for (const out of this.outbox.splice(0)) {
      out.cancelWait?.();
      if (!out.settled) out.reject(new P2PError('CLOSED', 'The conversation was closed.', 'peer'));
    }
    this.setState('closed');
    this.cancelTyping?.();
    this.events.removeAllListeners();
  }

  /** @internal Handles a frame from one of the peer's sessions. */
  receive(session: PeerSession, frame: Frame, from: Sender): void {
    switch (frame.t) {
      case 'typing':
        this.setTyping(frame.on);
        return;
      case 'ack':
        this.inbound = this.inbound.then(() => this.acknowledged(frame.id));
        return;
      case 'msg':
      case 'read':
      case 'edit':
      case 'del':
      case 'react':
        this.inbound = this.inbound
          .then(() => this.handle(session, frame, from))
          .catch(() => undefined); // a store failure drops that one frame, never the conversation
        return;
      default:
        return;
    }
  }

  /** @internal */
  setState(state: ConversationState): void {
    if (this.state === state || this.state === 'closed') return;
    this.state = state;
    this.events.emit('state', state);
  }

  private queue(message: ChatMessage): Promise<SentMessage> {
    const frame: MessageFrame = {
      t: 'msg',
      id: message.id,
      body: message.body,
      sentAt: message.sentAt,
      ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
    };
    const result = new Promise<SentMessage>((resolve, reject) => {
      const out: Outgoing = {
        message,
        frame,
        settled: false,
        resolve,
        reject,
        cancelWait: undefined,
      };
      out.cancelWait = after(CONVERSATION_TIMINGS.ackWait, () => this.settle(out, 'pending'));
      this.outbox.push(out);
      const open = this.host.currentSessions(this.peerId);
      for (const s of open) s.send(frame);
      // The peer is offline: it waits in the outbox, and the caller hears so at once.
      if (open.length === 0 && !this.host.online(this.peerId)) this.settle(out, 'pending');
    });
    return result;
  }

  private async handle(session: PeerSession, frame: Frame, from: Sender): Promise<void> {
    const store = await this.host.store();
    if (frame.t === 'msg') {
      // Stored before it is acknowledged: an ack means this device has it for good, across reloads.
      // Stored once (a store can be shared by tabs of one browser), announced once in each session.
      const known = this.seen.has(frame.id);
      if (!known && !(await store.get(this.peerId, frame.id))) {
        const now = storeStamp();
        await store.put({
          id: frame.id,
          peerId: this.peerId,
          fromId: from.id,
          fromName: from.displayName,
          direction: 'in',
          body: frame.body,
          sentAt: frame.sentAt,
          storedAt: now,
          status: 'delivered',
          ...(frame.replyTo === undefined ? {} : { replyTo: frame.replyTo }),
        });
        await store.unread(this.peerId, { add: 1 });
      }
      session.send({ t: 'ack', id: frame.id });
      if (known) return; // a copy: over a second connection, sent again, or mirrored by another tab
      this.remember(frame.id);
      this.setTyping(false);
      this.events.emit('message', {
        id: frame.id,
        from,
        body: frame.body,
        sentAt: frame.sentAt,
        peerId: this.peerId,
        ...(frame.replyTo === undefined ? {} : { replyTo: frame.replyTo }),
      });
      return;
    }
    if (frame.t === 'read') {
      // Only our own messages that reached this peer can be read by them; anything else is ignored.
      for (const id of frame.ids) {
        const m = await store.get(this.peerId, id);
        if (!m || m.direction !== 'out' || (m.status !== 'delivered' && m.status !== 'read'))
          continue;
        if (m.status === 'read') continue;
        const read: StoredMessage = { ...m, status: 'read' };
        await this.save(read);
        this.events.emit('status', { id, peerId: this.peerId, status: 'read' });
      }
      return;
    }
    if (frame.t === 'edit' || frame.t === 'del') {
      // A peer may change only what the peer wrote in this conversation.
      const m = await store.get(this.peerId, frame.id);
      if (!m || m.direction !== 'in' || m.deleted) return;
      await this.save(
        frame.t === 'edit'
          ? { ...m, body: frame.body, editedAt: frame.at }
          : { ...m, body: '', deleted: true },
      );
      return;
    }
    if (frame.t === 'react') {
      const m = await store.get(this.peerId, frame.id);
      if (!m || m.deleted) return;
      const changed = withReaction(m, frame.emoji, this.peerId, frame.on);
      if (changed) await this.save(changed);
    }
  }

  private async merge(record: SyncRecord, from: Sender): Promise<void> {
    const store = await this.host.rawStore();
    const existing = await store.get(this.peerId, record.id);
    const merged = mergeRecord(existing, record, Date.now());
    const current = merged ?? existing;
    if (!current) return;
    if (merged) {
      await store.put(merged);
      if (merged.direction === 'in') {
        // The unread count follows: a new unread message, or one read on the other device.
        if (!existing && merged.status !== 'read') await store.unread(this.peerId, { add: 1 });
        else if (existing && existing.status !== 'read' && merged.status === 'read')
          await store.unread(this.peerId, { add: -1 });
      } else this.absorbOwn(merged, existing);
    }
    // A change is live when it is recent; the rest is a catch-up of history, shown but not announced.
    const live = record.changedAt > Date.now() - CONVERSATION_TIMINGS.replayWindow;
    if (current.direction === 'in' && live && !this.seen.has(current.id)) {
      // Every session of the user hears of a new message once, whichever way it came.
      this.remember(current.id);
      this.events.emit('message', {
        id: current.id,
        from,
        body: current.body,
        sentAt: current.sentAt,
        peerId: this.peerId,
        ...(current.replyTo === undefined ? {} : { replyTo: current.replyTo }),
      });
    }
    // Shown here unless this session has shown this version already; a copy this store had already (tabs
    // that share one) only when the change is live.
    if (merged || (live && (this.shown.get(current.id) ?? -1) < record.changedAt)) {
      this.shown.set(current.id, record.changedAt);
      if (this.shown.size > REMEMBERED_IDS)
        this.shown.delete(this.shown.keys().next().value as string);
      this.events.emit('changed', current);
    }
  }

  // One of our messages changed in another session: the outbox here follows.
  private absorbOwn(merged: StoredMessage, existing: StoredMessage | undefined): void {
    const out = this.outbox.find((o) => o.message.id === merged.id);
    if (out && (merged.deleted || merged.status !== 'pending')) {
      // delivered, cancelled or deleted over there: this session stops sending it
      this.remove(out);
      this.settle(
        out,
        merged.status === 'delivered' || merged.status === 'read' ? 'delivered' : 'pending',
      );
    } else if (out) {
      out.message.body = out.frame.body = merged.body;
    } else if (!existing && merged.status === 'pending') {
      // sent from the other session while the peer was away: whichever session meets them delivers it
      this.restore(merged, this.host.self());
      this.kick();
    }
    if (existing && existing.status !== merged.status)
      this.events.emit('status', { id: merged.id, peerId: this.peerId, status: merged.status });
  }

  private async acknowledged(id: string): Promise<void> {
    const out = this.outbox.find((o) => o.message.id === id);
    if (!out) return; // an ack for something we no longer wait for (or never sent): nothing to do
    this.remove(out);
    this.recent.push({ frame: out.frame, at: Date.now() });
    if (this.recent.length > REPLAY_MAX) this.recent.shift();
    const store = await this.host.store();
    const m = await store.get(this.peerId, id);
    if (m && m.status === 'pending') await store.put({ ...m, status: 'delivered' });
    this.events.emit('status', { id, peerId: this.peerId, status: 'delivered' });
    this.events.emit('delivered', id);
    this.settle(out, 'delivered');
  }

  private async fail(out: Outgoing, error: P2PError): Promise<void> {
    if (!this.outbox.includes(out)) return;
    this.remove(out);
    const store = await this.host.store();
    const m = await store.get(this.peerId, out.message.id);
    if (m && m.status === 'pending') await store.put({ ...m, status: 'failed' });
    this.events.emit('status', {
      id: out.message.id,
      peerId: this.peerId,
      status: 'failed',
      error,
    });
    if (!out.settled) {
      out.settled = true;
      out.reject(error);
    }
  }

  private settle(out: Outgoing, status: SentMessage['status']): void {
    if (out.settled) return;
    out.settled = true;
    out.resolve({ ...out.message, status });
  }

  private remove(out: Outgoing): void {
    out.cancelWait?.();
    this.outbox.splice(this.outbox.indexOf(out), 1);
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > REMEMBERED_IDS)
      this.seen.delete(this.seen.values().next().value as string);
  }

  private async own(id: string): Promise<StoredMessage> {
    const m = await (await this.host.store()).get(this.peerId, id);
    if (!m || m.direction !== 'out' || m.deleted)
      throw new P2PError('INVALID_PAYLOAD', 'Only your own messages can be changed.', 'peer');
    return m;
  }

  private async save(m: StoredMessage): Promise<void> {
    await (await this.host.store()).put(m);
    this.events.emit('changed', m);
  }

  // Sent now over open connections, or when one opens; until then the messages it is about are marked in
  // the store (`peerBehind`), so the change still goes after a reload.
  private async sendControl(frame: Frame, ids: string[]): Promise<void> {
    const open = this.host.currentSessions(this.peerId);
    if (open.length > 0) {
      for (const s of open) s.send(frame);
      return;
    }
    if (this.control.length >= MAX_CONTROL_QUEUE) return;
    this.control.push({ frame, ids });
    const store = await this.host.rawStore();
    for (const id of ids) {
      const m = await store.get(this.peerId, id);
      if (m && !m.peerBehind) await store.put({ ...m, peerBehind: true });
    }
    this.kick();
  }

  // The change a message carries that the peer has not heard of, as frames again (after a reload). Your
  // reactions go as "on"; one taken back while offline is not sent.
  private restoreChange(m: StoredMessage): void {
    if (this.control.some((c) => c.ids.includes(m.id))) return;
    const frames: Frame[] = [];
    if (m.direction === 'in') {
      if (m.status === 'read') frames.push({ t: 'read', ids: [m.id] });
    } else if (m.deleted) frames.push({ t: 'del', id: m.id });
    else if (m.editedAt !== undefined && m.status !== 'pending')
      frames.push({ t: 'edit', id: m.id, body: m.body, at: m.editedAt });
    const me = this.host.self().id;
    if (!m.deleted)
      for (const [emoji, who] of Object.entries(m.reactions ?? {}))
        if (who.includes(me)) frames.push({ t: 'react', id: m.id, emoji, on: true });
    for (const frame of frames)
      if (this.control.length < MAX_CONTROL_QUEUE) this.control.push({ frame, ids: [m.id] });
    this.kick();
  }

  private async caughtUp(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const store = await this.host.rawStore();
    for (const id of new Set(ids)) {
      const m = await store.get(this.peerId, id);
      if (m?.peerBehind) {
        const { peerBehind: _done, ...rest } = m;
        await store.put(rest);
      }
    }
  }

  private setTyping(on: boolean): void {
    this.cancelTyping?.();
    this.cancelTyping = on
      ? after(CONVERSATION_TIMINGS.typingExpiry, () => this.setTyping(false))
      : undefined;
    if (on === this.peerTyping) return;
    this.peerTyping = on;
    this.events.emit('typing', on);
  }
}

// A message with `userId`'s reaction `emoji` added or removed; null when the message holds as many kinds of
// reaction as it may and this would be a new one.
function withReaction(
  m: StoredMessage,
  emoji: string,
  userId: string,
  on: boolean,
): StoredMessage | null {
  const current = m.reactions ?? {};
  const who = new Set(current[emoji] ?? []);
  if (on) {
    if (!(emoji in current) && Object.keys(current).length >= MAX_REACTION_KINDS) return null;
    who.add(userId);
  } else who.delete(userId);
  const reactions = Object.fromEntries(Object.entries(current).filter(([e]) => e !== emoji));
  if (who.size > 0) reactions[emoji] = [...who];
  return { ...m, reactions };
}

// The sender's check is the receiver's: bytes of UTF-8, never UTF-16 units.
function tooLarge(body: string): void {
  const bytes = utf8Length(body);
  if (bytes > MAX_MESSAGE_BYTES)
    throw new P2PError(
      'MESSAGE_TOO_LARGE',
      `That message takes ${bytes} bytes; at most ${MAX_MESSAGE_BYTES} fit in one message.`,
      'peer',
    );
}
// Text the JSON of a frame escapes (control characters take six bytes each) can make a message within the
// character limit too big for a frame, which the peer would drop: refuse it before it is stored.
function fitsAFrame(frame: Frame): void {
  const bytes = frameBytes(frame);
  if (bytes > MAX_FRAME_BYTES)
    throw new P2PError(
      'MESSAGE_TOO_LARGE',
      `That message takes ${bytes} bytes on the wire; at most ${MAX_FRAME_BYTES} fit in a frame.`,
      'peer',
    );
}

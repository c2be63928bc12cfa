import { EventEmitter } from 'eventemitter3';
import { P2PError } from './errors.js';
import { after } from './internal/timers.js';
import type { Cancel } from './internal/timers.js';
import { MAX_MESSAGE_LENGTH } from './rtc/frames.js';
import type { Frame, MessageFrame } from './rtc/frames.js';
import type { PeerSession } from './rtc/peer-session.js';

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
}

/** Where a message you sent stands: on its way (retried until the peer has it), delivered, or failed. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** What `send()` answers: the message, and whether the peer has it yet. */
export interface SentMessage extends ChatMessage {
  /** `pending`: not acknowledged yet (a path is being restored); a later `status` event tells the end. */
  status: 'delivered' | 'pending';
}

/** A change of a sent message's {@link DeliveryStatus}. */
export interface MessageStatus {
  id: string;
  peerId: string;
  status: DeliveryStatus;
  /** Why it failed (`PEER_UNAVAILABLE`, `PEER_DECLINED`, `RELAY_FAILED`, `TIMEOUT`, `CLOSED`, …). */
  error?: P2PError;
}

/** Events of one {@link Conversation}. */
export interface ConversationEvents {
  /** A message from the peer. */
  message: [message: ChatMessage];
  /** A message of ours reached the peer (their first tab to acknowledge it). */
  delivered: [id: string];
  /** A message of ours changed status (pending → delivered or failed). */
  status: [status: MessageStatus];
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
  /** Why nothing can be sent to the user now (offline, not connected), or null. */
  unreachable(userId: string): P2PError | null;
  /** Opens connections to the user's online sessions unless one is open; rejects if that fails. */
  reach(userId: string): Promise<unknown>;
  /** Peer sessions to the user that are open right now. */
  currentSessions(userId: string): PeerSession[];
}

/** Timings of a conversation, ms. */
export const CONVERSATION_TIMINGS = {
  /** `send()` waits this long for the acknowledgement before answering `pending`. */
  ackWait: 10_000,
  /** A pending message not delivered by then fails with `TIMEOUT`. */
  pendingTimeout: 120_000,
  /** A typing indicator that never hears "stopped" (the peer closed the tab) expires by itself. */
  typingExpiry: 6_000,
  /** Messages younger than this are replayed to a session of the peer that opens after they were sent. */
  replayWindow: 60_000,
} as const;

const REMEMBERED_IDS = 1000;
const REPLAY_MAX = 100;
// Messages waiting for delivery at once, per conversation.
const MAX_PENDING = 500;

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
  timers: Cancel[];
}

/**
 * A conversation with one user, over peer connections to every open session (tab, device) of theirs.
 * Connections open on demand, the first time a message is sent or one arrives. Every message is delivered
 * exactly once and in order: it stays pending until the peer acknowledges it, is sent again over each
 * connection that opens (after a blip, on a new connection), and the peer drops copies it already has.
 */
export class Conversation {
  state: ConversationState = 'idle';
  private readonly events = new EventEmitter<ConversationEvents>();
  private readonly outbox: Outgoing[] = [];
  private readonly recent: { frame: MessageFrame; at: number }[] = [];
  private readonly seen = new Set<string>();
  private cancelTyping: Cancel | undefined;
  private peerTyping = false;
  private everOpen = false;

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

  /**
   * Sends a message to every open session of the peer (opening a connection if none is). Resolves with
   * `status: 'delivered'` once one of them acknowledges it, or with `status: 'pending'` if that takes longer
   * than 10 s (the path is being restored: the message is sent again when it is back, and a `status` event
   * tells the outcome). Rejects with `INVALID_PAYLOAD`, `MESSAGE_TOO_LARGE`, `CLOSED`, `NOT_CONNECTED`,
   * `PEER_UNAVAILABLE` (offline), or the reason the first connection to the peer failed
   * (`CONNECTION_FAILED`, `RELAY_FAILED`, `PEER_DECLINED`).
   */
  async send(body: string): Promise<SentMessage> {
    if (typeof body !== 'string' || body.trim().length === 0) {
      throw new P2PError('INVALID_PAYLOAD', 'A message needs some text.', 'peer');
    }
    if (body.length > MAX_MESSAGE_LENGTH) {
      throw new P2PError(
        'MESSAGE_TOO_LARGE',
        `A message may be at most ${MAX_MESSAGE_LENGTH} characters.`,
        'peer',
      );
    }
    if (this.state === 'closed')
      throw new P2PError('CLOSED', 'This conversation was closed.', 'peer');
    const unreachable = this.host.unreachable(this.peerId);
    if (unreachable) throw unreachable;
    if (this.outbox.length >= MAX_PENDING)
      throw new P2PError('RATE_LIMITED', 'Too many messages are waiting for delivery.', 'peer');
    const message: ChatMessage = {
      id: randomId(),
      from: this.host.self(),
      body,
      sentAt: Date.now(),
      peerId: this.peerId,
    };
    const frame: MessageFrame = { t: 'msg', id: message.id, body, sentAt: message.sentAt };
    const result = new Promise<SentMessage>((resolve, reject) => {
      const out: Outgoing = { message, frame, settled: false, resolve, reject, timers: [] };
      out.timers.push(
        after(CONVERSATION_TIMINGS.ackWait, () => this.settle(out, 'pending')),
        after(CONVERSATION_TIMINGS.pendingTimeout, () =>
          this.fail(
            out,
            new P2PError('TIMEOUT', 'The message could not be delivered in time.', 'peer'),
          ),
        ),
      );
      this.outbox.push(out);
    });
    for (const s of this.host.currentSessions(this.peerId)) s.send(frame);
    this.host.reach(this.peerId).catch((err: unknown) => {
      // A first contact that fails says why at once; a conversation that worked before keeps trying.
      if (!this.everOpen && err instanceof P2PError) this.failPending(err);
    });
    return result;
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
  }

  /** @internal Fails every pending message (the peer went offline, declined, or cannot be reached). */
  failPending(error: P2PError): void {
    for (const out of [...this.outbox]) this.fail(out, error);
  }

  /** Stops using this conversation; the client makes a new one on the next `conversation()` call. */
  close(): void {
    this.failPending(new P2PError('CLOSED', 'The conversation was closed.', 'peer'));
    this.setState('closed');
    this.cancelTyping?.();
    this.events.removeAllListeners();
  }

  /** @internal Handles a frame from one of the peer's sessions; answers a message to announce, if new. */
  receive(session: PeerSession, frame: Frame, from: Sender): ChatMessage | null {
    switch (frame.t) {
      case 'msg': {
        session.send({ t: 'ack', id: frame.id });
        if (this.seen.has(frame.id)) return null; // a copy: over a second connection, or sent again
        this.seen.add(frame.id);
        if (this.seen.size > REMEMBERED_IDS)
          this.seen.delete(this.seen.values().next().value as string);
        this.setTyping(false);
        const message: ChatMessage = {
          id: frame.id,
          from,
          body: frame.body,
          sentAt: frame.sentAt,
          peerId: this.peerId,
        };
        this.events.emit('message', message);
        return message;
      }
      case 'ack':
        this.acknowledged(frame.id);
        return null;
      case 'typing':
        this.setTyping(frame.on);
        return null;
      default:
        return null;
    }
  }

  /** @internal */
  setState(state: ConversationState): void {
    if (this.state === state || this.state === 'closed') return;
    this.state = state;
    this.events.emit('state', state);
  }

  private acknowledged(id: string): void {
    const out = this.outbox.find((o) => o.message.id === id);
    if (!out) return; // an ack for something we no longer wait for (or never sent): nothing to do
    this.remove(out);
    this.recent.push({ frame: out.frame, at: Date.now() });
    if (this.recent.length > REPLAY_MAX) this.recent.shift();
    this.events.emit('status', { id, peerId: this.peerId, status: 'delivered' });
    this.events.emit('delivered', id);
    this.settle(out, 'delivered');
  }

  private fail(out: Outgoing, error: P2PError): void {
    if (!this.outbox.includes(out)) return;
    this.remove(out);
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
    for (const cancel of out.timers) cancel();
    this.outbox.splice(this.outbox.indexOf(out), 1);
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

import { EventEmitter } from 'eventemitter3';
import { P2PError } from './errors.js';
import { MAX_MESSAGE_LENGTH } from './rtc/frames.js';
import type { Frame } from './rtc/frames.js';
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

/** Events of one {@link Conversation}. */
export interface ConversationEvents {
  /** A message from the peer. */
  message: [message: ChatMessage];
  /** A message of ours reached the peer (their first tab to acknowledge it). */
  delivered: [id: string];
  /** The peer started or stopped typing. */
  typing: [typing: boolean];
  /** The connection to the peer changed: `open` once any of their sessions is reachable. */
  state: [state: ConversationState];
}

/** Whether the conversation can carry messages right now. */
export type ConversationState = 'idle' | 'connecting' | 'open' | 'closed';

/** What a conversation needs from its client. */
export interface ConversationHost {
  self(): Sender;
  /** Open peer sessions of the user, opening connections to their online sessions if none is open. */
  openSessions(userId: string, timeoutMs: number): Promise<PeerSession[]>;
  /** Peer sessions to the user that are open right now. */
  currentSessions(userId: string): PeerSession[];
}

const ACK_TIMEOUT_MS = 10_000;
const OPEN_TIMEOUT_MS = 20_000;
const TYPING_EXPIRES_MS = 6_000;
const REMEMBERED_IDS = 1000;
// Messages younger than this are replayed to a session of the peer that opens after they were sent.
const REPLAY_WINDOW_MS = 60_000;
const REPLAY_MAX = 100;

/** A random id that needs no secure context (unlike `crypto.randomUUID`). */
export function randomId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A conversation with one user, over peer connections to every open session (tab, device) of theirs.
 * Connections open on demand, the first time a message is sent or one arrives.
 */
export class Conversation extends EventEmitter<ConversationEvents> {
  state: ConversationState = 'idle';
  private readonly pendingAcks = new Map<string, (ok: boolean) => void>();
  private readonly seen = new Set<string>();
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private peerTyping = false;
  private readonly outbox: { frame: Frame; at: number }[] = [];

  constructor(
    /** The user on the other side. */
    readonly peerId: string,
    private readonly host: ConversationHost,
  ) {
    super();
  }

  /**
   * Sends a message to every open session of the peer; resolves once one of them acknowledges it.
   * Rejects with `PEER_UNAVAILABLE` (offline), `CONNECTION_FAILED`, `TIMEOUT` or `MESSAGE_TOO_LARGE`.
   */
  async send(body: string): Promise<ChatMessage> {
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
    const sessions = await this.host.openSessions(this.peerId, OPEN_TIMEOUT_MS);
    const message: ChatMessage = {
      id: randomId(),
      from: this.host.self(),
      body,
      sentAt: Date.now(),
      peerId: this.peerId,
    };
    const delivered = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ACK_TIMEOUT_MS);
      this.pendingAcks.set(message.id, (ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
    });
    const frame: Frame = { t: 'msg', id: message.id, body, sentAt: message.sentAt };
    this.outbox.push({ frame, at: Date.now() });
    if (this.outbox.length > REPLAY_MAX) this.outbox.shift();
    const sent = sessions.filter((s) => s.send(frame)).length;
    if (sent === 0) this.pendingAcks.get(message.id)?.(false);
    const ok = await delivered;
    this.pendingAcks.delete(message.id);
    if (!ok)
      throw new P2PError('TIMEOUT', 'The peer did not acknowledge the message in time.', 'peer');
    this.emit('delivered', message.id);
    return message;
  }

  /** Tells the peer you are typing (or stopped); sent only over connections already open. */
  typing(on = true): void {
    for (const s of this.host.currentSessions(this.peerId)) s.send({ t: 'typing', on });
  }

  /**
   * @internal Sends recent messages to a session of the peer that opened after they were sent (another tab
   * of theirs, or a connection re-established); the peer drops any it already has.
   */
  replay(session: PeerSession): void {
    const since = Date.now() - REPLAY_WINDOW_MS;
    for (const { frame, at } of this.outbox) if (at >= since) session.send(frame);
  }

  /** Stops using this conversation; the client makes a new one on the next `conversation()` call. */
  close(): void {
    this.setState('closed');
    for (const resolve of this.pendingAcks.values()) resolve(false);
    this.pendingAcks.clear();
    clearTimeout(this.typingTimer);
    this.removeAllListeners();
  }

  /** @internal Handles a frame from one of the peer's sessions; answers a message to announce, if new. */
  receive(session: PeerSession, frame: Frame, from: Sender): ChatMessage | null {
    switch (frame.t) {
      case 'msg': {
        session.send({ t: 'ack', id: frame.id });
        if (this.seen.has(frame.id)) return null; // the same message over a second connection
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
        this.emit('message', message);
        return message;
      }
      case 'ack':
        this.pendingAcks.get(frame.id)?.(true);
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
    this.emit('state', state);
  }

  private setTyping(on: boolean): void {
    clearTimeout(this.typingTimer);
    // A typing indicator that never hears "stopped" (the peer closed the tab) expires by itself.
    if (on) this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_EXPIRES_MS);
    if (on === this.peerTyping) return;
    this.peerTyping = on;
    this.emit('typing', on);
  }
}

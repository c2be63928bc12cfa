import { EventEmitter } from 'eventemitter3';
import { RestClient } from './auth/rest.js';
import type { FetchLike } from './auth/rest.js';
import { defaultStorage } from './auth/storage.js';
import type { SessionStorage } from './auth/storage.js';
import { Conversation } from './conversation.js';
import type { ChatMessage, Sender } from './conversation.js';
import { P2PError } from './errors.js';
import { Roster } from './presence/roster.js';
import type { OnlineUser } from './presence/roster.js';
import type {
  AuthResponse,
  IceServersResponse,
  LoginRequest,
  ProfileUpdate,
  RegisterRequest,
} from './protocol/rest.js';
import type {
  RelayedSignal,
  SessionEndReason,
  SessionInfo,
  SignalBody,
} from './protocol/socket.js';
import type { PrivateUser } from './protocol/users.js';
import type { Frame } from './rtc/frames.js';
import { FRAME_VERSION } from './rtc/frames.js';
import { PeerSession } from './rtc/peer-session.js';
import type { PeerState, RTCPeerConnectionConstructor } from './rtc/peer-session.js';
import { Signaling } from './signaling/signaling.js';
import type { SignalingOptions, SignalingState } from './signaling/signaling.js';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The server's base URL, e.g. `https://chat.example.com` (no trailing path). */
  server: string;
  /** Where the session is kept between loads (default: localStorage in browsers, memory elsewhere). */
  storage?: SessionStorage;
  /** The `fetch` to use (default: the global one). */
  fetch?: FetchLike;
  /** WebRTC: the `RTCPeerConnection` to use (default: the global one) and extra configuration for it. */
  rtc?: {
    RTCPeerConnection?: RTCPeerConnectionConstructor;
    /** Merged into every `RTCConfiguration`, e.g. `{ iceTransportPolicy: 'relay' }` to hide IP addresses. */
    config?: RTCConfiguration & Record<string, unknown>;
  };
  /** ICE servers to use instead of the server's `/api/ice-servers`. */
  iceServers?: RTCIceServer[];
  /** Signaling options (reconnection backoff, transports). */
  signaling?: SignalingOptions;
}

/** A change of a peer connection's state. */
export interface PeerStateChange {
  userId: string;
  sessionId: string;
  state: PeerState;
}

/**
 * Every event of {@link P2PClient}. Listen with `client.on(name, listener)`, which answers a function that
 * removes the listener.
 */
export interface ClientEvents {
  /** Logged in (with the account) or out (`null`). */
  auth: [user: PrivateUser | null];
  /** The signaling connection changed state. */
  connection: [state: SignalingState];
  /** The server said who we are on this connection (on every connect and reconnect). */
  session: [info: SessionInfo];
  /** Everyone online, after any change. */
  presence: [users: OnlineUser[]];
  /** A user came online. */
  'presence:online': [user: OnlineUser];
  /** A user went offline (their last session closed). */
  'presence:offline': [userId: string];
  /** A user's profile, status or sessions changed. */
  'presence:update': [user: OnlineUser];
  /** A message arrived, in any conversation. */
  message: [message: ChatMessage];
  /** A message we sent was acknowledged by the peer. */
  delivered: [delivery: { id: string; peerId: string }];
  /** A peer started or stopped typing. */
  typing: [typing: { userId: string; typing: boolean }];
  /** A peer connection opened, or closed. */
  peer: [change: PeerStateChange];
  /** The server ended this session (`logout`, `token-expired`, …); after those two, log in again. */
  'session:ended': [reason: SessionEndReason];
  /** Something failed in the background (a peer breaking the protocol, a lost connection). */
  error: [error: P2PError];
}

const ICE_REFRESH_MARGIN_S = 60;
const REOPEN_DELAYS_MS = [1000, 3000, 8000];

/** The subset of EventEmitter the client offers, with listeners that answer their own removal. */
type Unsubscribe = () => void;

/**
 * The @p2pchat client: accounts, presence, signaling and peer-to-peer messaging.
 *
 * @example
 * ```ts
 * const client = createClient({ server: 'http://localhost:3000' });
 * await client.login({ email: 'ada@example.com', password: '…' });
 * await client.connect();
 * client.on('message', (m) => console.log(m.from.displayName, m.body));
 * await client.conversation(userId).send('hello');
 * ```
 */
export class P2PClient {
  private readonly emitter = new EventEmitter<ClientEvents>();
  private readonly rest: RestClient;
  private readonly storage: SessionStorage;
  private readonly roster = new Roster();
  private readonly signaling: Signaling;
  private readonly peers = new Set<PeerSession>();
  private readonly conversations = new Map<string, Conversation>();
  private readonly reopenAttempts = new Map<string, number>();
  private session: { token: string; expiresAt: string; user: PrivateUser } | null = null;
  private ice: { servers: RTCIceServer[]; expires: number } | null = null;
  private readonly fetchImpl: FetchLike;

  constructor(private readonly options: ClientOptions) {
    const server = options.server.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.rest = new RestClient(server, this.fetchImpl);
    this.storage = options.storage ?? defaultStorage();
    this.signaling = new Signaling(server, () => this.session?.token, options.signaling);
    this.wireSignaling();
  }

  /** The logged-in user, or null. */
  get user(): PrivateUser | null {
    return this.session?.user ?? null;
  }

  /** Everyone online (yourself included), in the order they came online. */
  get users(): OnlineUser[] {
    return this.roster.list();
  }

  /** The state of the signaling connection. */
  get connectionState(): SignalingState {
    return this.signaling.state;
  }

  /** Listens to an event; answers a function that stops listening. */
  on<E extends keyof ClientEvents>(
    event: E,
    listener: (...args: ClientEvents[E]) => void,
  ): Unsubscribe {
    this.emitter.on(event, listener as never);
    return () => this.emitter.off(event, listener as never);
  }

  /** Listens to the next occurrence of an event only. */
  once<E extends keyof ClientEvents>(
    event: E,
    listener: (...args: ClientEvents[E]) => void,
  ): Unsubscribe {
    this.emitter.once(event, listener as never);
    return () => this.emitter.off(event, listener as never);
  }

  /** Stops listening. */
  off<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): void {
    this.emitter.off(event, listener as never);
  }

  // ---- accounts -------------------------------------------------------------------------------------

  /** Creates an account and logs in. Rejects with `INVALID_PAYLOAD`, `CONFLICT` or `RATE_LIMITED`. */
  async register(request: RegisterRequest): Promise<PrivateUser> {
    return this.adopt(
      await this.rest.request<AuthResponse>('POST', '/api/register', { body: request }),
    );
  }

  /** Logs in by e-mail or username. Rejects with `INVALID_CREDENTIALS`, `ACCOUNT_DISABLED` or `RATE_LIMITED`. */
  async login(request: LoginRequest): Promise<PrivateUser> {
    return this.adopt(
      await this.rest.request<AuthResponse>('POST', '/api/login', { body: request }),
    );
  }

  /**
   * Restores the session kept in storage (after a reload); answers the user, or null when there is none or
   * the server no longer accepts its token.
   */
  async restore(): Promise<PrivateUser | null> {
    const stored = this.storage.load();
    if (!stored || Date.parse(stored.expiresAt) <= Date.now()) {
      this.storage.clear();
      return null;
    }
    try {
      const { user } = await this.rest.request<{ user: PrivateUser }>('GET', '/api/profile', {
        token: stored.token,
      });
      this.session = { ...stored, user };
      this.storage.save(this.session);
      this.emitter.emit('auth', user);
      return user;
    } catch (err) {
      if (err instanceof P2PError && err.code === 'UNAUTHENTICATED') {
        this.storage.clear();
        return null;
      }
      throw err;
    }
  }

  /** Logs out: peers are told, connections closed, the token revoked on the server and forgotten here. */
  async logout(): Promise<void> {
    const token = this.session?.token;
    this.disconnect();
    this.forget();
    if (token) {
      await this.rest.request('POST', '/api/logout', { token }).catch((err: unknown) => {
        // Already revoked or expired is as good as logged out.
        if (!(err instanceof P2PError && err.code === 'UNAUTHENTICATED')) throw err;
      });
    }
  }

  /** Your own account, fresh from the server. */
  async profile(): Promise<PrivateUser> {
    const { user } = await this.authed<{ user: PrivateUser }>('GET', '/api/profile');
    this.keepUser(user);
    return user;
  }

  /** Changes your profile; everyone online sees it through `presence:update`. */
  async updateProfile(update: ProfileUpdate): Promise<PrivateUser> {
    const { user } = await this.authed<{ user: PrivateUser }>('PATCH', '/api/profile', update);
    this.keepUser(user);
    return user;
  }

  // ---- presence and signaling ----------------------------------------------------------------------

  /**
   * Connects to the signaling server: presence starts and peers can reach you. Resolves once the server
   * has said who you are. Reconnects by itself after a server restart or network loss.
   */
  async connect(): Promise<SessionInfo> {
    this.token();
    await this.iceServers().catch((err: unknown) => this.emitError(err));
    return this.signaling.connect();
  }

  /** Closes every peer connection (telling the peers) and the signaling connection. */
  disconnect(): void {
    for (const peer of [...this.peers]) peer.close('local disconnect', true);
    for (const conversation of this.conversations.values()) conversation.close();
    this.conversations.clear();
    this.signaling.disconnect();
    this.roster.reset({ users: [] });
  }

  /** The conversation with a user (one per user, made on first use). */
  conversation(userId: string): Conversation {
    const existing = this.conversations.get(userId);
    if (existing && existing.state !== 'closed') return existing;
    const self = () => this.self();
    const conversation = new Conversation(userId, {
      self,
      openSessions: (id, timeoutMs) => this.openSessions(id, timeoutMs),
      currentSessions: (id) => this.peersOf(id).filter((p) => p.state === 'open'),
    });
    conversation.on('message', (m) => this.emitter.emit('message', m));
    conversation.on('delivered', (id) => this.emitter.emit('delivered', { id, peerId: userId }));
    conversation.on('typing', (typing) => this.emitter.emit('typing', { userId, typing }));
    this.conversations.set(userId, conversation);
    conversation.setState(this.peersOf(userId).some((p) => p.state === 'open') ? 'open' : 'idle');
    return conversation;
  }

  // ---- internals -----------------------------------------------------------------------------------

  // A call with our token; if the server no longer accepts it (revoked elsewhere, expired), we are logged out.
  private async authed<T>(
    method: string,
    path: string,
    body?: unknown,
    layer: 'auth' | 'rtc' = 'auth',
  ): Promise<T> {
    try {
      return await this.rest.request<T>(method, path, { body, token: this.token(), layer });
    } catch (err) {
      if (err instanceof P2PError && err.code === 'UNAUTHENTICATED') {
        this.disconnect();
        this.forget();
      }
      throw err;
    }
  }

  private token(): string {
    const token = this.session?.token;
    if (!token) throw new P2PError('NOT_LOGGED_IN', 'Log in first.', 'auth');
    return token;
  }

  private self(): Sender {
    const user = this.session?.user;
    return {
      id: user?.id ?? '',
      username: user?.username ?? '',
      displayName: user?.displayName ?? '',
    };
  }

  private adopt(res: AuthResponse): PrivateUser {
    this.session = { token: res.token, expiresAt: res.expiresAt, user: res.user };
    this.storage.save(this.session);
    this.ice = null;
    this.emitter.emit('auth', res.user);
    return res.user;
  }

  private keepUser(user: PrivateUser): void {
    if (!this.session) return;
    this.session = { ...this.session, user };
    this.storage.save(this.session);
  }

  private forget(): void {
    if (!this.session) return;
    this.session = null;
    this.ice = null;
    this.storage.clear();
    this.emitter.emit('auth', null);
  }

  private emitError(err: unknown): void {
    const error =
      err instanceof P2PError
        ? err
        : new P2PError('CONNECTION_FAILED', String(err), 'rtc', { cause: err });
    // eventemitter3 does not throw on an unheard `error`, so an application without a listener is safe.
    this.emitter.emit('error', error);
  }

  private async iceServers(): Promise<RTCIceServer[]> {
    if (this.options.iceServers) return this.options.iceServers;
    if (this.ice && this.ice.expires > Date.now()) return this.ice.servers;
    const res = await this.authed<IceServersResponse>('GET', '/api/ice-servers', undefined, 'rtc');
    const servers = res.iceServers as RTCIceServer[];
    this.ice = {
      servers,
      expires: Date.now() + Math.max(0, res.ttl - ICE_REFRESH_MARGIN_S) * 1000,
    };
    return servers;
  }

  private wireSignaling(): void {
    const s = this.signaling;
    s.on('state', (state) => this.emitter.emit('connection', state));
    s.on('session', (info) => {
      // After a reconnect our session id changed: tell every open peer where to reach us now.
      for (const peer of this.peers)
        peer.send({ t: 'hello', v: FRAME_VERSION, sessionId: info.sessionId });
      this.emitter.emit('session', info);
    });
    s.on('snapshot', (snapshot) => {
      this.roster.reset(snapshot);
      this.emitter.emit('presence', this.roster.list());
    });
    s.on('online', (entry) => {
      const user = this.roster.put(entry);
      this.emitter.emit('presence:online', user);
      this.emitter.emit('presence', this.roster.list());
    });
    s.on('update', (entry) => {
      const before = this.roster.get(entry.user.id)?.sessions ?? [];
      const user = this.roster.put(entry);
      // A session that left the list is a closed tab: drop its connection now rather than on a timeout.
      const gone = before.filter((id) => !entry.sessions.includes(id));
      for (const peer of this.peersOf(entry.user.id)) {
        if (gone.includes(peer.remoteSessionId)) peer.close('peer session closed');
      }
      this.emitter.emit('presence:update', user);
      this.emitter.emit('presence', this.roster.list());
    });
    s.on('offline', ({ userId }) => {
      this.roster.remove(userId);
      for (const peer of this.peersOf(userId)) peer.close('peer offline');
      this.emitter.emit('presence:offline', userId);
      this.emitter.emit('presence', this.roster.list());
    });
    s.on('signal', (signal) => this.onSignal(signal));
    s.on('ended', (reason) => {
      this.emitter.emit('session:ended', reason);
      if (reason === 'logout' || reason === 'token-expired') {
        this.disconnect();
        this.forget();
      }
    });
    s.on('error', (err) => this.emitError(err));
  }

  private onSignal(signal: RelayedSignal): void {
    const { from } = signal;
    if (!this.session || from.userId === this.session.user.id) return; // conversations with oneself: not supported
    let peer = this.peersOf(from.userId).find(
      (p) => p.remoteSessionId === from.sessionId && p.state !== 'closed',
    );
    // A connection that died without telling us (some implementations fire no event) gives way to a new one.
    if (peer && peer.pc.signalingState === 'closed') {
      peer.close('connection closed');
      peer = undefined;
    }
    if (!peer) {
      if (signal.type !== 'offer') return; // stray candidates or byes of a connection we no longer hold
      peer = this.createPeer(from.userId, from.sessionId, false);
      this.conversation(from.userId);
    }
    const body = { type: signal.type, data: signal.data } as SignalBody;
    void peer.handleSignal(body);
  }

  private peersOf(userId: string): PeerSession[] {
    return [...this.peers].filter((p) => p.remoteUserId === userId && p.state !== 'closed');
  }

  private createPeer(userId: string, sessionId: string, initiator: boolean): PeerSession {
    const RTCPeerConnectionImpl =
      this.options.rtc?.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    if (!RTCPeerConnectionImpl) {
      throw new P2PError(
        'NO_WEBRTC',
        'No RTCPeerConnection here: pass rtc.RTCPeerConnection to createClient.',
        'rtc',
      );
    }
    const me = this.session?.user.id ?? '';
    const myFallbackSession = this.signaling.sessionId ?? '';
    // Politeness must not change when session ids do (a server restart), so user ids decide it.
    const polite = me === userId ? myFallbackSession > sessionId : me > userId;
    const iceServers = this.options.iceServers ?? this.ice?.servers ?? [];
    const peer: PeerSession = new PeerSession(
      userId,
      sessionId,
      polite,
      {
        RTCPeerConnection: RTCPeerConnectionImpl,
        config: { iceServers, ...this.options.rtc?.config },
        localSessionId: () => this.signaling.sessionId ?? '',
        signal: (body) =>
          this.signaling.send({ to: userId, toSession: peer.remoteSessionId, ...body }),
        onFrame: (session, frame) => this.onFrame(session, frame),
        onState: (session, state) => this.onPeerState(session, state),
        onError: (_session, error) => this.emitError(error),
      },
      initiator,
    );
    this.peers.add(peer);
    return peer;
  }

  private onFrame(session: PeerSession, frame: Frame): void {
    const roster = this.roster.get(session.remoteUserId);
    const conversation = this.conversation(session.remoteUserId);
    const from: Sender = {
      id: session.remoteUserId,
      username: roster?.username ?? '',
      displayName: roster?.displayName ?? roster?.username ?? '',
    };
    conversation.receive(session, frame, from);
  }

  private onPeerState(peer: PeerSession, state: PeerState): void {
    this.emitter.emit('peer', {
      userId: peer.remoteUserId,
      sessionId: peer.remoteSessionId,
      state,
    });
    const conversation = this.conversations.get(peer.remoteUserId);
    if (state === 'open') {
      this.reopenAttempts.delete(peer.remoteUserId);
      conversation?.replay(peer);
    }
    if (state === 'closed') {
      this.peers.delete(peer);
      if (peer.closeReason === 'connection failed' || peer.closeReason === 'channel closed')
        this.scheduleReopen(peer.remoteUserId);
    }
    conversation?.setState(
      this.peersOf(peer.remoteUserId).some((p) => p.state === 'open') ? 'open' : 'idle',
    );
  }

  // A connection that dropped while its user is still online is opened again, a few times, backing off.
  private scheduleReopen(userId: string): void {
    const attempt = this.reopenAttempts.get(userId) ?? 0;
    const delay = REOPEN_DELAYS_MS[attempt];
    if (delay === undefined) return;
    this.reopenAttempts.set(userId, attempt + 1);
    setTimeout(() => {
      if (
        !this.roster.get(userId) ||
        this.peersOf(userId).length > 0 ||
        !this.conversations.has(userId)
      )
        return;
      this.openSessions(userId, 20_000).catch(() => this.scheduleReopen(userId));
    }, delay);
  }

  // Opens connections to every session of the user; resolves once one is open. A first attempt that fails
  // outright (ICE gave up) is tried once more while time remains, as transient failures are common.
  private async openSessions(
    userId: string,
    timeoutMs: number,
    retry = true,
  ): Promise<PeerSession[]> {
    const started = Date.now();
    const open = () => this.peersOf(userId).filter((p) => p.state === 'open');
    if (open().length > 0) return open();
    if (this.signaling.state !== 'connected') {
      throw new P2PError('NOT_CONNECTED', 'Connect first: call client.connect().', 'signaling');
    }
    const online = this.roster.get(userId);
    if (!online || userId === this.session?.user.id) {
      throw new P2PError('PEER_UNAVAILABLE', 'That user is not online.', 'rtc');
    }
    await this.iceServers().catch(() => undefined);
    for (const sessionId of online.sessions) {
      if (!this.peersOf(userId).some((p) => p.remoteSessionId === sessionId))
        this.createPeer(userId, sessionId, true);
    }
    this.conversation(userId).setState('connecting');
    return new Promise<PeerSession[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(
          new P2PError(
            'CONNECTION_FAILED',
            'Could not open a connection to that user in time.',
            'rtc',
          ),
        );
      }, timeoutMs);
      const onPeer = (change: PeerStateChange) => {
        if (change.userId !== userId) return;
        if (open().length > 0) {
          stop();
          resolve(open());
        } else if (this.peersOf(userId).length === 0) {
          stop();
          const left = timeoutMs - (Date.now() - started);
          if (retry && left > 1000 && this.roster.get(userId)) {
            resolve(this.openSessions(userId, left, false));
            return;
          }
          reject(new P2PError('CONNECTION_FAILED', 'The connection to that user failed.', 'rtc'));
        }
      };
      const stop = () => {
        clearTimeout(timer);
        this.emitter.off('peer', onPeer);
      };
      this.emitter.on('peer', onPeer);
    });
  }
}

/** Makes a client. Nothing is touched until you call its methods (safe to import and call during SSR). */
export function createClient(options: ClientOptions): P2PClient {
  return new P2PClient(options);
}

import { EventEmitter } from 'eventemitter3';
import { AccountSession } from './auth/account.js';
import { defaultPreferences } from './auth/preferences.js';
import type { PreferenceStorage } from './auth/preferences.js';
import { RestClient } from './auth/rest.js';
import type { FetchLike } from './auth/rest.js';
import { defaultStorage } from './auth/storage.js';
import type { SessionStorage } from './auth/storage.js';
import { Conversation } from './conversation.js';
import type { ChatMessage, ConversationState, MessageStatus, Sender } from './conversation.js';
import { defaultMessageStore } from './history/default-store.js';
import type { ConversationSummary, MessageStore, StoredMessage } from './history/message-store.js';
import { P2PError } from './errors.js';
import type { FileManager } from './files/file-manager.js';
import type { FileLimits, SendFileOptions } from './files/limits.js';
import type { IncomingFile } from './files/incoming.js';
import type { FileSource, FileTransfer } from './files/transfer.js';
import type { CertificateStore } from './trust/device-certificate.js';
import { VerifiedKeys } from './trust/verified-keys.js';
import { Roster } from './presence/roster.js';
import type { OnlineUser } from './presence/roster.js';
import type {
  IceServersResponse,
  LoginRequest,
  ProfileUpdate,
  RegisterRequest,
} from './protocol/rest.js';
import type { PresenceEntry, SessionEndReason, SessionInfo } from './protocol/socket.js';
import type { PrivateUser } from './protocol/users.js';
import { ReachPolicy } from './reach/reach-policy.js';
import type { ConnectionPolicy, ReachOptions } from './reach/reach-policy.js';
import type { Frame } from './rtc/frames.js';
import { IceServerCache, putsCredentialsInUrl } from './rtc/ice-servers.js';
import { PeerDirectory } from './rtc/peer-directory.js';
import type { ConversationRequest, PeerStateChange } from './rtc/peer-directory.js';
import type { PeerSession, RTCPeerConnectionConstructor } from './rtc/peer-session.js';
import { Signaling } from './signaling/signaling.js';
import { lazy } from './internal/lazy.js';
import { DEFAULT_SYNC_HORIZON, DeviceSync } from './sync/device-sync.js';
import type { SignalingOptions, SignalingState } from './signaling/signaling.js';

export type { PeerStateChange } from './rtc/peer-directory.js';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The server's base URL, e.g. `https://chat.example.com` (no trailing path). */
  server: string;
  /** Where the session is kept between loads (default: localStorage in browsers, memory elsewhere). */
  storage?: SessionStorage;
  /** Where per-account settings (contacts, declined, blocked) are kept (same defaults as `storage`). */
  preferences?: PreferenceStorage;
  /** The `fetch` to use (default: the global one). */
  fetch?: FetchLike;
  /** WebRTC: the `RTCPeerConnection` to use (default: the global one) and extra configuration for it. */
  rtc?: {
    RTCPeerConnection?: RTCPeerConnectionConstructor;
    /** Merged into every `RTCConfiguration` (e.g. node-datachannel's `bindAddress`). */
    config?: RTCConfiguration & Record<string, unknown>;
    /**
     * Keep one connection made ahead of need while online, so that a new conversation does not wait for
     * one to be made (about 1 ms on each side in Chromium). It gathers nothing and opens no port until
     * used. Default: on with the browser's WebRTC, off with an `RTCPeerConnection` you pass
     * (node-datachannel negotiates as soon as a channel exists).
     */
    spare?: boolean;
  };
  /**
   * Privacy mode: every connection goes through a TURN relay, so peers only ever see the relay's address,
   * never yours. Needs a server with TURN configured. The server can also require it for everyone.
   */
  relayOnly?: boolean;
  /** Who may connect to you without asking (default: `{ policy: 'contacts', strangers: 'request' }`). */
  reach?: ReachOptions;
  /**
   * Where messages are kept, per account, on this device only: IndexedDB in browsers, memory elsewhere
   * (`memoryMessageStore()`, `indexedDbMessageStore()`, or your own {@link MessageStore}).
   */
  history?: MessageStore;
  /** Send read receipts when you read a conversation (default true). */
  readReceipts?: boolean;
  /**
   * Own-device sync: each of your sessions (tabs, devices) connects peer to peer to your other online ones,
   * catches up with the messages they stored within this many ms, and mirrors every change after that.
   * Default 30 days; 0 turns it off (your sessions then never connect to each other).
   */
  syncHorizon?: number;
  /**
   * Where this device keeps a certificate per account, so its fingerprint (and so its safety numbers) stays
   * the same across reloads: IndexedDB in browsers; `null` for a fresh one per connection (node-datachannel
   * cannot take one).
   */
  certificates?: CertificateStore | null;
  /**
   * Node (node-datachannel): a folder where this client keeps a certificate per account as PEM files (the
   * key readable by its owner only), so its fingerprint and safety numbers stay the same across restarts.
   * Unset, a Node client uses a new certificate for every connection.
   */
  certificateDir?: string;
  /** Limits of file transfers: largest file, transfers at once, stall and resume times. */
  files?: FileLimits;
  /** ICE servers to use instead of the server's `/api/ice-servers`. */
  iceServers?: RTCIceServer[];
  /** Signaling options (reconnection backoff, transports). */
  signaling?: SignalingOptions;
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
  /** A message we sent changed status: pending → delivered → read, or failed (with the reason). */
  status: [status: MessageStatus];
  /** A message in the local history changed: edited, deleted, reacted to, or read. */
  changed: [message: StoredMessage];
  /** A peer started or stopped typing. */
  typing: [typing: { userId: string; typing: boolean }];
  /** A peer connection opened, is reconnecting, or closed. */
  peer: [change: PeerStateChange];
  /** A conversation's connection state changed (open, reconnecting, requested, …). */
  'conversation:state': [change: { userId: string; state: ConversationState }];
  /** Someone not allowed by your connection policy asked to talk: `accept()` or `decline()` them. */
  request: [request: ConversationRequest];
  /** The list of waiting conversation requests changed. */
  requests: [requests: ConversationRequest[]];
  /** The server ended this session (`logout`, `token-expired`, …); after those two, log in again. */
  'session:ended': [reason: SessionEndReason];
  /** A contact you verified connected with a certificate you did not verify (a new device, or a new key). */
  'key-change': [change: { userId: string; sessionId: string; fingerprint: string }];
  /** You verified a contact's devices (or stopped trusting them): their trust now. */
  trust: [change: { userId: string; trust: 'verified' | 'changed' | 'unverified' }];
  /** A peer offers you a file: `accept()` or `decline()` it. */
  file: [transfer: IncomingFile];
  /**
   * A transfer began, either way: a file you send (from any `sendFile`), or one offered to you (which is
   * also a `file` event, raised after this one). For a list of transfers kept current.
   */
  transfer: [transfer: FileTransfer];
  /** Something failed in the background (a peer breaking the protocol, a lost connection). */
  error: [error: P2PError];
}

/** What `on()` answers: call it to stop listening. */
export type Unsubscribe = () => void;

// Session-ending reasons after which this client must not reconnect by itself.
const FINAL_END_REASONS: ReadonlySet<SessionEndReason> = new Set([
  'logout',
  'token-expired',
  'account-closed',
  'too-many-sessions',
]);

/**
 * The `@p2pchat` client: accounts, presence, signaling and peer-to-peer messaging.
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
  private readonly account: AccountSession;
  private readonly roster = new Roster();
  private readonly signaling: Signaling;
  private readonly ice: IceServerCache;
  private readonly reachPolicy: ReachPolicy;
  private readonly directory: PeerDirectory;
  // Contacts' certificates this account verified, and the sessions whose key is not one of them.
  private readonly verifiedKeys: VerifiedKeys;
  private readonly keyChanges = new Map<string, Set<string>>();
  // This device's certificate for the logged-in account, loading from the moment of login.
  private certificate: Record<string, unknown> = {};
  private certificateReady: Promise<unknown> = Promise.resolve();
  // File transfers, loaded on first use (a file offered or sent): most sessions never need the code.
  private fileManager: FileManager | undefined;
  // The file manager, its module loaded the first time (frames and channels wait for it, in order); a
  // chunk that failed to load is tried again.
  private readonly fileManagerLoader = lazy(() =>
    import('./files/file-manager.js').then(async (m) => {
      await m.loadHasher();
      this.fileManager = new m.FileManager(
        {
          openPeersOf: (userId) => this.directory.openPeersOf(userId),
          reach: (userId) => {
            const unreachable = this.unreachable(userId);
            if (unreachable) return Promise.reject(unreachable);
            return this.directory.open(userId, 20_000);
          },
          onIncoming: (transfer) => {
            this.emitter.emit('transfer', transfer);
            this.emitter.emit('file', transfer as IncomingFile);
          },
          onOutgoing: (transfer) => this.emitter.emit('transfer', transfer),
          onError: (err) => this.emitError(err),
        },
        this.options.files,
      );
      return this.fileManager;
    }),
  );
  private readonly conversations = new Map<string, Conversation>();
  private connecting: Promise<SessionInfo> | null = null;
  // Counts disconnect() calls, so a connect() that was waiting when one came gives up.
  private generation = 0;
  private readonly messageStore: MessageStore;
  private readonly mirroredStore: MessageStore;
  private readonly deviceSync: DeviceSync;
  // The store opened for the logged-in account (a new promise at each login).
  private storeReady: Promise<MessageStore> | null = null;

  constructor(private readonly options: ClientOptions) {
    const server = options.server.replace(/\/+$/, '');
    const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.account = new AccountSession(
      new RestClient(server, fetchImpl),
      options.storage ?? defaultStorage(),
      {
        onAuth: (user) => {
          this.reachPolicy.setAccount(user?.id ?? null);
          this.verifiedKeys.setAccount(user?.id ?? null);
          this.keyChanges.clear();
          this.certificate = {};
          // (loaded on demand: the certificate code is not needed before anyone logs in)
          this.certificateReady = user
            ? this.loadCertificate(user.id, RTCPeerConnectionImpl())
                .then((c) => {
                  if (this.account.user?.id === user.id) this.certificate = c;
                })
                .catch(() => undefined)
            : Promise.resolve();
          this.storeReady = user
            ? this.messageStore.open(user.id).then(() => this.messageStore)
            : null;
          if (!user) this.ice.reset();
          this.emitter.emit('auth', user);
        },
        onRevoked: () => this.disconnect(),
      },
    );
    const preferences = options.preferences ?? defaultPreferences();
    this.reachPolicy = new ReachPolicy(preferences, options.reach);
    this.verifiedKeys = new VerifiedKeys(preferences);
    this.messageStore = options.history ?? defaultMessageStore();
    this.deviceSync = new DeviceSync(
      {
        selfId: () => this.account.user?.id,
        ownSessions: () => this.directory.openPeersOf(this.account.user?.id ?? ''),
        absorb: (record) => {
          const from = this.sender(record.peerId);
          if (!from.displayName) from.displayName = record.fromName;
          this.conversation(record.peerId).absorb(record, from);
        },
        onAbuse: (session) => {
          this.emitError(
            new P2PError('PEER_PROTOCOL', 'Another session sent more than it may.', 'peer'),
          );
          session.close('local disconnect');
        },
      },
      options.syncHorizon ?? DEFAULT_SYNC_HORIZON,
    );
    this.mirroredStore = this.deviceSync.mirroring(this.messageStore);
    // Looked up when a connection is made, never at construction (safe during server rendering).
    const RTCPeerConnectionImpl = () =>
      options.rtc?.RTCPeerConnection ??
      (globalThis.RTCPeerConnection as RTCPeerConnectionConstructor | undefined);
    this.ice = new IceServerCache(
      {
        fetch: () =>
          this.account.authed<IceServersResponse>('GET', '/api/ice-servers', undefined, 'rtc'),
      },
      { fixed: options.iceServers, escape: () => putsCredentialsInUrl(RTCPeerConnectionImpl()) },
    );
    this.signaling = new Signaling(server, () => this.account.currentToken, options.signaling);
    this.directory = new PeerDirectory(
      {
        RTCPeerConnection: RTCPeerConnectionImpl,
        rtcConfig: options.rtc?.config ?? {},
        relayOnly: options.relayOnly === true,
        selfId: () => this.account.user?.id,
        onFrame: (peer, frame) => this.onFrame(peer, frame),
        certificateConfig: () => this.certificate,
        onChannel: (peer, channel) => {
          if (peer.remoteUserId === this.account.user?.id)
            channel.close(); // own sessions only sync
          else this.withFiles((f) => f.onChannel(peer, channel));
        },
        onPeer: (peer, change) => this.onPeer(peer, change),
        onRequests: (list, added) => {
          if (added) this.emitter.emit('request', added);
          this.emitter.emit('requests', list);
        },
        wantsConversation: (userId) =>
          userId === this.account.user?.id
            ? this.deviceSync.enabled
            : this.conversations.has(userId),
        syncsOwnSessions: () => this.deviceSync.enabled,
        keepsSpare: () => options.rtc?.spare ?? options.rtc?.RTCPeerConnection === undefined,
        touchConversation: (userId) => void this.conversation(userId),
        onError: (err) => this.emitError(err),
      },
      this.signaling,
      this.roster,
      this.ice,
      this.reachPolicy,
    );
    this.wireSignaling();
  }

  /** Every file transfer under way, to and from anyone. */
  get transfers(): FileTransfer[] {
    return this.fileManager?.transfers ?? [];
  }

  // This device's certificate for the account, as connection configuration (loaded on demand): PEM files
  // in `certificateDir` for node-datachannel, else an RTCCertificate kept in the certificate store.
  private async loadCertificate(
    accountId: string,
    RTC: RTCPeerConnectionConstructor | undefined,
  ): Promise<Record<string, unknown>> {
    const dir = this.options.certificateDir;
    if (dir) {
      // files that libdatachannel refuses (damaged, or not ours) are made anew, once
      const m = await import('./trust/node-certificate.js');
      const usable = (config: Record<string, unknown>) => {
        try {
          new (RTC as RTCPeerConnectionConstructor)({ ...config, iceServers: [] }).close();
          return true;
        } catch {
          return false;
        }
      };
      for (let attempt = 0; attempt < 2; attempt++) {
        const files = { ...(await m.nodeCertificateFiles(dir, accountId)) };
        if (!RTC || usable(files)) return files;
        await m.removeNodeCertificate(dir, accountId);
      }
      this.emitError(
        new P2PError(
          'CONNECTION_FAILED',
          'The certificate in certificateDir cannot be used: each connection makes its own.',
          'rtc',
        ),
      );
      return {};
    }
    const m = await import('./trust/device-certificate.js');
    const c = await m.deviceCertificate(this.options.certificates, accountId, RTC);
    return c ? { certificates: [c] } : {};
  }

  // A contact with verified devices connected with a certificate that is not one of them: say so.
  private async checkKey(peer: PeerSession): Promise<void> {
    const userId = peer.remoteUserId;
    if (!this.verifiedKeys.has(userId)) return;
    const { connectionFingerprints } = await import('./trust/fingerprints.js');
    const { remote } = await connectionFingerprints(peer.pc);
    if (!remote || this.verifiedKeys.isVerified(userId, remote) || peer.state === 'closed') return;
    let changed = this.keyChanges.get(userId);
    if (!changed) this.keyChanges.set(userId, (changed = new Set()));
    changed.add(peer.remoteSessionId);
    this.emitter.emit('key-change', {
      userId,
      sessionId: peer.remoteSessionId,
      fingerprint: remote,
    });
  }

  /**
   * How far you can trust the connection to a user: `verified` (you compared safety numbers and every open
   * connection uses a certificate you verified), `changed` (you verified this user, but a connection now
   * uses a certificate you did not: compare the numbers again before you send anything), or `unverified`.
   */
  trustOf(userId: string): 'verified' | 'changed' | 'unverified' {
    if ((this.keyChanges.get(userId)?.size ?? 0) > 0) return 'changed';
    return this.verifiedKeys.has(userId) ? 'verified' : 'unverified';
  }

  // Marks the certificates of the open connections to a user verified (after the numbers were compared).
  private async verifyKeys(userId: string, sessionId?: string): Promise<void> {
    const { connectionFingerprints } = await import('./trust/fingerprints.js');
    const sessions = this.directory
      .openPeersOf(userId)
      .filter((p) => sessionId === undefined || p.remoteSessionId === sessionId);
    if (sessions.length === 0)
      throw new P2PError('NOT_CONNECTED', 'No connection to this user is open.', 'peer');
    for (const p of sessions) {
      const { remote } = await connectionFingerprints(p.pc);
      if (!remote) continue;
      this.verifiedKeys.add(userId, remote);
      this.keyChanges.get(userId)?.delete(p.remoteSessionId);
    }
    this.emitter.emit('trust', { userId, trust: this.trustOf(userId) });
  }

  private files(): Promise<FileManager> {
    return this.fileManagerLoader.get();
  }

  // Hands something from a peer to the file manager once it is loaded.
  private withFiles(fn: (files: FileManager) => void): void {
    this.files().then(fn, (cause: unknown) =>
      this.emitError(
        new P2PError('NETWORK', 'The file transfer code could not be loaded.', 'peer', { cause }),
      ),
    );
  }

  private sendFile(userId: string, source: FileSource, options: SendFileOptions) {
    return this.files().then((f) => f.send(userId, source, options));
  }

  /** The logged-in user, or null. */
  get user(): PrivateUser | null {
    return this.account.user;
  }

  /** Everyone online (yourself included), in the order they came online. */
  get users(): OnlineUser[] {
    return this.roster.list();
  }

  /** The state of the signaling connection. */
  get connectionState(): SignalingState {
    return this.signaling.state;
  }

  /** Whether connections go through a TURN relay only (by this client's choice or the server's rule). */
  get relayOnly(): boolean {
    return this.options.relayOnly === true || this.ice.serverRequiresRelay;
  }

  /** Listens to an event; answers a function that stops listening. */
  on<E extends keyof ClientEvents>(
    event: E,
    listener: (...args: ClientEvents[E]) => void,
  ): Unsubscribe {
    this.emitter.on(event, listener as never);
    return () => this.emitter.off(event, listener as never);
  }

  /** Listens to the next occurrence of an event only; answers a function that stops listening. */
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
  register(request: RegisterRequest): Promise<PrivateUser> {
    return this.account.register(request);
  }

  /** Logs in by e-mail or username. Rejects with `INVALID_CREDENTIALS`, `ACCOUNT_DISABLED` or `RATE_LIMITED`. */
  login(request: LoginRequest): Promise<PrivateUser> {
    return this.account.login(request);
  }

  /**
   * Restores the session kept in storage (after a reload); answers the user, or null when there is none or
   * the server no longer accepts its token.
   */
  restore(): Promise<PrivateUser | null> {
    return this.account.restore();
  }

  /**
   * Logs out: peers are told, connections closed, the token revoked on the server and forgotten here. With
   * `forget: true`, this account's remembered contacts and declined or blocked users are erased too.
   */
  async logout(options: { forget?: boolean } = {}): Promise<void> {
    this.disconnect();
    if (options.forget) await this.forgetAccountHere(this.account.user?.id);
    await this.account.logout();
  }

  /**
   * Deletes your account on the server, with your password entered again: your sessions everywhere end,
   * and the username becomes free. The local history of this account (messages, contacts) is erased from
   * this device too. Rejects with `INVALID_CREDENTIALS` for a wrong password, leaving everything as it was.
   */
  async deleteAccount(password: string): Promise<void> {
    const id = this.account.user?.id;
    await this.account.deleteAccount(password);
    this.disconnect();
    await this.forgetAccountHere(id);
  }

  // This account's contacts, declined and blocked users, and local history, erased from this device.
  private async forgetAccountHere(id: string | undefined): Promise<void> {
    this.reachPolicy.forgetAll();
    this.verifiedKeys.forgetAll();
    if (id && this.options.certificateDir) {
      const dir = this.options.certificateDir;
      await import('./trust/node-certificate.js')
        .then((m) => m.removeNodeCertificate(dir, id))
        .catch(() => undefined);
    } else if (id)
      await import('./trust/device-certificate.js')
        .then((m) => m.certificateStoreOf(this.options.certificates)?.remove(id))
        .catch(() => undefined);
    if (this.storeReady) await (await this.storeReady).clear();
  }

  /** Every conversation in the local history, most recent activity first, with its last message and unread count. */
  async conversationList(): Promise<ConversationSummary[]> {
    return (await this.store()).conversations();
  }

  /** Messages in the local history whose text contains `text` (case-insensitive), newest first. */
  async search(text: string, limit?: number): Promise<StoredMessage[]> {
    return (await this.store()).search(text, limit);
  }

  /** Your own account, fresh from the server. */
  profile(): Promise<PrivateUser> {
    return this.account.profile();
  }

  /** Changes your profile; everyone online sees it through `presence:update`. */
  updateProfile(update: ProfileUpdate): Promise<PrivateUser> {
    return this.account.updateProfile(update);
  }

  // ---- presence and signaling ----------------------------------------------------------------------

  /**
   * Connects to the signaling server: presence starts and peers can reach you. Resolves once the server
   * has said who you are and who is online (`users` is filled in); rejects with a code (`NOT_LOGGED_IN`, `UNAUTHENTICATED`, `TOO_MANY_SESSIONS`,
   * `NETWORK`, …). Calls made while one is under way share it; once connected, it resolves at once.
   * Reconnects by itself after a server restart or network loss, never after logout or expiry.
   */
  connect(): Promise<SessionInfo> {
    if (!this.account.currentToken)
      return Promise.reject(new P2PError('NOT_LOGGED_IN', 'Log in first.', 'auth'));
    const current = this.signaling.currentSession;
    if (current && this.signaling.state === 'connected') return Promise.resolve(current);
    if (this.connecting) return this.connecting;
    this.watchNetwork();
    const generation = this.generation;
    const attempt = (async () => {
      let iceError: unknown;
      await Promise.all([
        this.ice.get().catch((err: unknown) => {
          iceError = err;
          this.emitError(err);
        }),
        this.certificateReady, // connections made from now on use this device's certificate
      ]);
      // Disconnected while the ICE servers were being fetched (by disconnect(), or because the server no
      // longer accepts the token): stay disconnected, and say why.
      if (generation !== this.generation)
        throw iceError instanceof P2PError && iceError.code === 'UNAUTHENTICATED'
          ? iceError
          : new P2PError('CANCELLED', 'disconnect() was called while connecting.', 'signaling');
      const session = await this.signaling.connect();
      this.directory.prepareSpare();
      return session;
    })();
    this.connecting = attempt;
    const done = () => {
      if (this.connecting === attempt) this.connecting = null;
    };
    attempt.then(done, done);
    return attempt;
  }

  /**
   * Closes every peer connection (telling the peers) and the signaling connection. A `connect()` under way
   * rejects with `CANCELLED`.
   */
  disconnect(): void {
    this.generation += 1;
    this.connecting = null;
    this.deviceSync.reset();
    this.fileManager?.closeAll();
    this.directory.closeAll();
    for (const conversation of this.conversations.values()) conversation.close();
    this.conversations.clear();
    this.signaling.disconnect();
    this.roster.reset({ users: [] });
  }

  /** The conversation with a user (one per user, made on first use). */
  conversation(userId: string): Conversation {
    const existing = this.conversations.get(userId);
    if (existing && existing.state !== 'closed') return existing;
    const conversation = new Conversation(userId, {
      self: () => this.self(),
      store: () => this.store(),
      rawStore: () => this.store().then(() => this.messageStore),
      receipts: () => this.options.readReceipts !== false,
      unreachable: (id) => this.unreachable(id),
      online: (id) => this.roster.get(id) !== undefined,
      nameOf: (id) => this.sender(id).displayName,
      reach: (id) => this.directory.open(id, 20_000),
      currentSessions: (id) => this.directory.openPeersOf(id),
      sendFile: (id, source, opts) => this.sendFile(id, source, opts),
      verify: (id, sessionId) => this.verifyKeys(id, sessionId),
      unverify: (id) => {
        this.verifiedKeys.remove(id);
        this.keyChanges.delete(id);
        this.emitter.emit('trust', { userId: id, trust: 'unverified' });
      },
      trust: (id) => this.trustOf(id),
    });
    conversation.on('message', (m) => this.emitter.emit('message', m));
    conversation.on('delivered', (id) => this.emitter.emit('delivered', { id, peerId: userId }));
    conversation.on('status', (s) => this.emitter.emit('status', s));
    conversation.on('typing', (typing) => this.emitter.emit('typing', { userId, typing }));
    conversation.on('changed', (m) => this.emitter.emit('changed', m));
    conversation.on('state', (state) => this.emitter.emit('conversation:state', { userId, state }));
    this.conversations.set(userId, conversation);
    this.updateConversationState(userId);
    return conversation;
  }

  // ---- who can reach you ---------------------------------------------------------------------------

  /** The connection policy in force (`anyone`, `contacts` or `ask`); it can be changed at any time. */
  get connectionPolicy(): ConnectionPolicy {
    return this.reachPolicy.policy;
  }

  /** Changes the connection policy; connections already open stay open. */
  set connectionPolicy(policy: ConnectionPolicy) {
    this.reachPolicy.policy = policy;
  }

  /** Conversation requests waiting for an answer, oldest first. */
  get requests(): ConversationRequest[] {
    return this.directory.requests;
  }

  /** Your contacts: people you wrote to or accepted (they may connect without asking). */
  get contacts(): string[] {
    return this.reachPolicy.contacts;
  }

  /** Accepts a user's conversation request (or allows them ahead of time, or again after declining). */
  accept(userId: string): void {
    this.directory.accept(userId);
  }

  /** Declines a user's request; later ones are declined too until you accept. The peer is told. */
  decline(userId: string): void {
    this.directory.decline(userId, false);
  }

  /** Blocks a user: their offers are ignored without a word, now and later, until you accept them. */
  block(userId: string): void {
    this.directory.decline(userId, true);
  }

  // ---- internals -----------------------------------------------------------------------------------

  private watchingNetwork = false;

  // A browser that comes back online or changes network (Wi-Fi to cellular) restarts its live connections
  // at once rather than waiting for the heartbeat to notice. Attached on the first connect, never at import.
  private watchNetwork(): void {
    type Target = { addEventListener?: (type: string, fn: () => void) => void };
    const page = globalThis as Target & { navigator?: { connection?: Target } };
    if (this.watchingNetwork || typeof page.addEventListener !== 'function') return;
    this.watchingNetwork = true;
    const changed = () => this.directory.networkChanged();
    page.addEventListener('online', changed);
    page.navigator?.connection?.addEventListener?.('change', changed);
  }

  private store(): Promise<MessageStore> {
    if (!this.storeReady)
      return Promise.reject(new P2PError('NOT_LOGGED_IN', 'Log in first.', 'auth'));
    // changes made through it are mirrored to the user's other sessions
    return this.storeReady.then(() => this.mirroredStore);
  }

  // After (re)connecting: this session reaches out to the user's other online sessions.
  private reachOwnSessions(): void {
    const me = this.account.user?.id;
    if (!me || !this.deviceSync.enabled) return;
    const others = (this.roster.get(me)?.sessions ?? []).filter(
      (s) => s !== this.signaling.sessionId,
    );
    if (others.length > 0) this.directory.open(me, 20_000).catch(() => undefined);
  }

  // After (re)connecting: messages still pending in the store (from before a reload) go back in their
  // conversations' outboxes, and every conversation with something waiting tries to reach its peer.
  private async resumeOutbox(): Promise<void> {
    const pending = await (await this.store()).pending().catch(() => [] as StoredMessage[]);
    for (const m of pending) this.conversation(m.peerId).restore(m, this.self());
    for (const c of this.conversations.values()) c.kick();
  }

  private self(): Sender {
    const user = this.account.user;
    return {
      id: user?.id ?? '',
      username: user?.username ?? '',
      displayName: user?.displayName ?? '',
    };
  }

  private unreachable(userId: string): P2PError | null {
    if (this.directory.openPeersOf(userId).length > 0) return null;
    const state = this.signaling.state;
    // A blip (signaling or the path is being restored): the message waits in the outbox.
    if (state === 'reconnecting' || this.directory.reopening(userId)) return null;
    if (state !== 'connected')
      return new P2PError('NOT_CONNECTED', 'Connect first: call client.connect().', 'signaling');
    if (userId === this.account.user?.id)
      return new P2PError(
        'PEER_UNAVAILABLE',
        'Conversations with yourself are not supported.',
        'rtc',
      );
    // A user who is offline gets the message from the outbox when both are online.
    return null;
  }

  private emitError(err: unknown): void {
    const error =
      err instanceof P2PError
        ? err
        : new P2PError('CONNECTION_FAILED', String(err), 'rtc', { cause: err });
    // eventemitter3 does not throw on an unheard `error`, so an application without a listener is safe.
    this.emitter.emit('error', error);
  }

  private wireSignaling(): void {
    const s = this.signaling;
    s.on('state', (state) => this.emitter.emit('connection', state));
    s.on('session', (info) => {
      // After a reconnect our session id changed: tell every open peer where to reach us now.
      this.directory.onSession(info.sessionId);
      this.emitter.emit('session', info);
      void this.resumeOutbox();
    });
    s.on('snapshot', (snapshot) => {
      this.roster.reset(snapshot);
      this.reachOwnSessions();
      // whoever is online now may get what waited for them (the snapshot can come after their arrival)
      for (const c of this.conversations.values()) if (this.roster.get(c.peerId)) c.kick();
      this.emitter.emit('presence', this.roster.list());
    });
    // Presence: batches from this server (protocol 1.3), single events from older ones.
    s.on('changes', ({ users, offline }) => {
      for (const entry of users) this.onPresenceEntry(entry);
      for (const userId of offline) this.onPresenceOffline(userId);
      if (users.length > 0 || offline.length > 0) this.emitter.emit('presence', this.roster.list());
    });
    s.on('online', (entry) => {
      this.onPresenceEntry(entry);
      this.emitter.emit('presence', this.roster.list());
    });
    s.on('update', (entry) => {
      this.onPresenceEntry(entry);
      this.emitter.emit('presence', this.roster.list());
    });
    s.on('offline', ({ userId }) => {
      this.onPresenceOffline(userId);
      this.emitter.emit('presence', this.roster.list());
    });
    s.on('signal', (signal) => this.directory.onSignal(signal));
    s.on('ended', (reason) => {
      this.emitter.emit('session:ended', reason);
      if (FINAL_END_REASONS.has(reason)) this.disconnect();
      if (reason === 'logout' || reason === 'token-expired' || reason === 'account-closed')
        this.account.forget();
    });
    s.on('error', (err) => this.emitError(err));
  }

  // A user came online or changed (sessions, profile).
  private onPresenceEntry(entry: PresenceEntry): void {
    const before = this.roster.get(entry.user.id);
    const user = this.roster.put(entry);
    this.conversations.get(user.id)?.kick(); // an offline outbox can go now (to a new session too)
    if (!before) {
      this.emitter.emit('presence:online', user);
      return;
    }
    this.directory.onSessions(user, before.sessions);
    this.emitter.emit('presence:update', user);
  }

  private onPresenceOffline(userId: string): void {
    if (!this.roster.get(userId)) return; // came and went before we heard of them
    this.roster.remove(userId);
    this.directory.onOffline(userId); // pending messages wait in the outbox until they are back
    // no reopen is pending any more: a conversation left `reconnecting` by the last close is idle now
    this.updateConversationState(userId);
    this.emitter.emit('presence:offline', userId);
  }

  private onFrame(peer: PeerSession, frame: Frame): void {
    if (frame.t === 'sync') {
      this.deviceSync.receive(peer, frame); // ignored unless it is another session of this user
      return;
    }
    if (peer.remoteUserId === this.account.user?.id) return; // own sessions only sync
    if (frame.t.startsWith('file')) {
      this.withFiles((f) => f.onFrame(peer, frame));
      return;
    }
    this.conversation(peer.remoteUserId).receive(peer, frame, this.sender(peer.remoteUserId));
  }

  // Who a user is, as presence knows them.
  private sender(userId: string): Sender {
    const roster = this.roster.get(userId);
    return {
      id: userId,
      username: roster?.username ?? '',
      displayName: roster?.displayName ?? roster?.username ?? '',
    };
  }

  private onPeer(peer: PeerSession, change: PeerStateChange): void {
    this.emitter.emit('peer', change);
    if (peer.remoteUserId === this.account.user?.id) {
      // another session of this user: each side sends what it stored within the horizon
      if (change.state === 'open' && this.storeReady)
        void this.deviceSync.catchUp(peer, this.messageStore).catch(() => undefined);
      return;
    }
    if (change.state === 'open') {
      this.fileManager?.onSessionOpen(peer);
      void this.checkKey(peer);
    }
    if (change.state === 'closed')
      this.keyChanges.get(peer.remoteUserId)?.delete(peer.remoteSessionId);
    if (change.state === 'closed') this.fileManager?.onSessionClosed(peer);
    const conversation = this.conversations.get(peer.remoteUserId);
    if (change.state === 'open') conversation?.flush(peer);
    if (change.state === 'closed' && peer.closeReason === 'peer declined')
      void conversation?.failPending(
        new P2PError('PEER_DECLINED', 'The user declined the conversation.', 'peer'),
      );
    this.updateConversationState(peer.remoteUserId);
  }

  private updateConversationState(userId: string): void {
    const conversation = this.conversations.get(userId);
    if (!conversation) return;
    const states = new Set(this.directory.peersOf(userId).map((p) => p.state));
    conversation.setState(
      states.has('open')
        ? 'open'
        : states.has('reconnecting') || this.directory.reopening(userId)
          ? 'reconnecting'
          : states.has('requested')
            ? 'requested'
            : states.has('connecting')
              ? 'connecting'
              : 'idle',
    );
  }
}

/** Makes a client. Nothing is touched until you call its methods (safe to import and call during SSR). */
export function createClient(options: ClientOptions): P2PClient {
  return new P2PClient(options);
}

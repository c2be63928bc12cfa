import { P2PError } from '../errors.js';
import { Backoff, after } from '../internal/timers.js';
import type { OnlineUser, Roster } from '../presence/roster.js';
import type { RelayedSignal, SignalBody } from '../protocol/socket.js';
import type { ReachPolicy } from '../reach/reach-policy.js';
import type { Signaling } from '../signaling/signaling.js';
import type { Frame } from './frames.js';
import { FRAME_VERSION } from './frames.js';
import type { IceServerCache } from './ice-servers.js';
import { DROPPED, PeerSession, sessionConfig } from './peer-session.js';
import type { PeerState, RTCPeerConnectionConstructor } from './peer-session.js';
import { selectedPath } from './relay.js';
import { SpareConnection } from './spare-connection.js';
import type { SpareSource } from './spare-connection.js';

/** A change of a peer connection's state. */
export interface PeerStateChange {
  userId: string;
  sessionId: string;
  state: PeerState;
}

/** Someone not allowed by your connection policy wants to talk: nothing was answered yet. */
export interface ConversationRequest {
  userId: string;
  username: string;
  /** When the first offer came, ms since the epoch. */
  at: number;
}

/** What the directory needs from its client. */
export interface DirectoryHost {
  /** The WebRTC implementation, looked up when a connection is made. */
  RTCPeerConnection(): RTCPeerConnectionConstructor | undefined;
  rtcConfig: RTCConfiguration & Record<string, unknown>;
  /** Relay-only by the application's choice (the server may require it too). */
  relayOnly: boolean;
  selfId(): string | undefined;
  onFrame(peer: PeerSession, frame: Frame): void;
  onChannel(peer: PeerSession, channel: RTCDataChannel): void;
  /**
   * This device's certificate for the account, as configuration (`certificates` in browsers, PEM files for
   * node-datachannel), once loaded; empty while there is none.
   */
  certificateConfig(): Record<string, unknown>;
  onPeer(peer: PeerSession, change: PeerStateChange): void;
  onRequests(requests: ConversationRequest[], added?: ConversationRequest): void;
  /** Whether the application holds a conversation with the user (so a dropped connection is reopened). */
  wantsConversation(userId: string): boolean;
  /** A conversation with the user, made if needed. */
  touchConversation(userId: string): void;
  /** Whether a connection is made ahead of need, so the next conversation starts sooner. */
  keepsSpare(): boolean;
  /** Whether this session connects to the user's own other sessions (own-device sync). */
  syncsOwnSessions(): boolean;
  onError(error: P2PError): void;
}

// Bounds on what strangers can make us hold: offers waiting for the user, and signals per held session.
const MAX_HELD_SESSIONS = 100;
const MAX_HELD_SIGNALS = 64;
// A spare connection taken is replaced this long after, when the connection under way has most likely opened.
const SPARE_DELAY_MS = 1_000;
/** How a dropped connection is reopened: backing off from 250 ms to 8 s, eight attempts at most. */
export const REOPEN = { baseMs: 250, maxMs: 8_000, attempts: 8 } as const;

const key = (userId: string, sessionId: string) => `${userId}\u0000${sessionId}`;

/**
 * Every peer connection of the client, one per remote session: opened on demand, answered according to the
 * connection policy (a stranger's offer is held as a conversation request), reopened with backoff after a
 * drop, and moved to fresh TURN credentials before the old ones expire.
 */
export class PeerDirectory {
  private readonly peers = new Set<PeerSession>();
  private readonly reopen = new Map<string, Backoff>();
  // Offers (and the candidates after them) from sessions whose user has not been accepted yet.
  private readonly held = new Map<string, { from: RelayedSignal['from']; bodies: SignalBody[] }>();
  private readonly requestList = new Map<string, ConversationRequest>();
  // Signals for a session whose connection is being made (fresh ICE servers are being fetched).
  private readonly creating = new Map<string, SignalBody[]>();
  private readonly spare = new SpareConnection(() => this.spareSource(), SPARE_DELAY_MS);

  constructor(
    private readonly host: DirectoryHost,
    private readonly signaling: Signaling,
    private readonly roster: Roster,
    private readonly ice: IceServerCache,
    private readonly reach: ReachPolicy,
  ) {
    ice.on('refreshed', (servers) => void this.renewCredentials(servers));
  }

  /** Conversation requests waiting for the user, oldest first. */
  get requests(): ConversationRequest[] {
    return [...this.requestList.values()];
  }

  /** Open (or opening) peer sessions of a user. */
  peersOf(userId: string): PeerSession[] {
    return [...this.peers].filter((p) => p.remoteUserId === userId && p.state !== 'closed');
  }

  /** Open sessions of a user, right now. */
  openPeersOf(userId: string): PeerSession[] {
    return this.peersOf(userId).filter((p) => p.state === 'open');
  }

  /** Whether a dropped connection to the user is being reopened. */
  reopening(userId: string): boolean {
    return this.reopen.get(userId)?.scheduled ?? false;
  }

  /** Accepts a conversation request: the user may reach you, and their held offers are answered now. */
  accept(userId: string): void {
    this.reach.allow(userId);
    this.dropRequest(userId);
    for (const [k, h] of [...this.held]) {
      if (h.from.userId !== userId) continue;
      this.held.delete(k);
      this.host.touchConversation(userId);
      void this.create(h.from.userId, h.from.sessionId, false, h.bodies);
    }
  }

  /** Declines a request (and later ones, until accepted); the peer is told. With `block`, ignored silently. */
  decline(userId: string, block = false): void {
    if (block) this.reach.block(userId);
    else this.reach.decline(userId);
    this.dropRequest(userId);
    for (const [k, h] of [...this.held]) {
      if (h.from.userId !== userId) continue;
      this.held.delete(k);
      if (!block) this.sendTo(h.from, { type: 'decline' });
    }
    for (const p of this.peersOf(userId)) p.close('local disconnect', !block);
  }

  /** Handles a signal relayed by the server. */
  onSignal(signal: RelayedSignal): void {
    const { from } = signal;
    const me = this.host.selfId();
    if (!me) return;
    const own = from.userId === me; // another session of this user: connected only for own-device sync
    if (own && (!this.host.syncsOwnSessions() || from.sessionId === this.signaling.sessionId))
      return;
    const body = { type: signal.type, data: signal.data } as SignalBody;
    const k = key(from.userId, from.sessionId);
    const queued = this.creating.get(k);
    if (queued) {
      if (queued.length < MAX_HELD_SIGNALS) queued.push(body);
      return;
    }
    const held = this.held.get(k);
    if (held) {
      if (body.type === 'bye') {
        this.held.delete(k);
        if (![...this.held.values()].some((h) => h.from.userId === from.userId))
          this.dropRequest(from.userId);
      } else if (held.bodies.length < MAX_HELD_SIGNALS) {
        held.bodies.push(body);
      }
      return;
    }
    let peer = this.peersOf(from.userId).find((p) => p.remoteSessionId === from.sessionId);
    // A connection that died without telling us (some implementations fire no event) gives way to a new one.
    if (peer && peer.pc.signalingState === 'closed') {
      peer.close('connection closed');
      peer = undefined;
    }
    if (peer) {
      void peer.handleSignal(body);
      return;
    }
    if (body.type !== 'offer') return; // stray signals of a connection we no longer hold
    if (own) {
      void this.create(from.userId, from.sessionId, false, [body]);
      return;
    }
    const decision = this.reach.decide(from.userId);
    if (decision === 'ignore') return;
    if (decision === 'decline') {
      this.sendTo(from, { type: 'decline' });
      return;
    }
    if (decision === 'ask') {
      this.hold(from, body);
      return;
    }
    this.host.touchConversation(from.userId);
    void this.create(from.userId, from.sessionId, false, [body], decision === 'answer-relay');
  }

  /**
   * Opens connections to every session of the user; resolves once one is open. A first attempt that fails
   * outright (ICE gave up) is tried once more while time remains, as transient failures are common.
   */
  async open(userId: string, timeoutMs: number, retry = true): Promise<PeerSession[]> {
    const started = Date.now();
    if (this.openPeersOf(userId).length > 0) return this.openPeersOf(userId);
    if (this.signaling.state !== 'connected') {
      throw new P2PError('NOT_CONNECTED', 'Connect first: call client.connect().', 'signaling');
    }
    const own = userId === this.host.selfId();
    const sessions = (this.roster.get(userId)?.sessions ?? []).filter(
      (s) => s !== this.signaling.sessionId,
    );
    if (sessions.length === 0 || (own && !this.host.syncsOwnSessions())) {
      throw new P2PError('PEER_UNAVAILABLE', 'That user is not online.', 'rtc');
    }
    if (!own) {
      // Writing to someone is consent to be reached by them.
      this.reach.allow(userId);
      if (this.requestList.has(userId)) this.accept(userId);
    }
    await Promise.all(
      sessions
        // (one being created counts: creating it again would replace the signals already queued for it,
        // such as the peer's own offer in glare)
        .filter(
          (s) =>
            !this.creating.has(key(userId, s)) &&
            !this.peersOf(userId).some((p) => p.remoteSessionId === s),
        )
        .map((s) => this.create(userId, s, true, [])),
    );
    return new Promise<PeerSession[]>((resolve, reject) => {
      let lastError: P2PError | undefined;
      let cancelTimer = () => {};
      const arm = (ms: number) => {
        cancelTimer = after(ms, () => {
          // A request waits for the user however long they take (it ends if they go or decline).
          if (this.peersOf(userId).some((p) => p.state === 'requested')) return arm(timeoutMs);
          stop();
          reject(
            new P2PError(
              'CONNECTION_FAILED',
              'Could not open a connection to that user in time.',
              'rtc',
            ),
          );
        });
      };
      arm(timeoutMs);
      const check = (peer?: PeerSession) => {
        if (peer && peer.remoteUserId !== userId) return;
        const open = this.openPeersOf(userId);
        if (open.length > 0) {
          stop();
          resolve(open);
          return;
        }
        // a connection still under way (one being made counts: it may be waiting for the ICE servers)
        if (this.peersOf(userId).length > 0 || this.isCreating(userId)) return;
        stop();
        const reason = peer?.closeReason;
        if (reason === 'peer declined')
          return reject(
            new P2PError('PEER_DECLINED', 'The user declined the conversation.', 'peer'),
          );
        if (reason === 'relay failed' && lastError) return reject(lastError);
        const left = timeoutMs - (Date.now() - started);
        if (retry && left > 1000 && this.roster.get(userId)) {
          resolve(this.open(userId, left, false));
          return;
        }
        reject(new P2PError('CONNECTION_FAILED', 'The connection to that user failed.', 'rtc'));
      };
      const onError = (err: P2PError) => (lastError = err);
      const stop = () => {
        cancelTimer();
        this.waiters.delete(check);
        this.errorWaiters.delete(onError);
      };
      this.waiters.add(check);
      this.errorWaiters.add(onError);
      check();
    });
  }

  private readonly waiters = new Set<(peer?: PeerSession) => void>();
  private readonly errorWaiters = new Set<(err: P2PError) => void>();

  /** After signaling (re)connected: tell every open peer our new session id; resume ICE restarts. */
  onSession(sessionId: string): void {
    for (const peer of this.peers) {
      peer.send({ t: 'hello', v: FRAME_VERSION, sessionId });
      peer.resumeRestart();
    }
  }

  /** The device's network changed: every live connection restarts its ICE (or is rebuilt). */
  networkChanged(): void {
    for (const peer of [...this.peers]) peer.restart('path lost');
  }

  /** A user's sessions changed: connections to sessions that closed are dropped now, not on a timeout. */
  onSessions(user: OnlineUser, before: string[]): void {
    const gone = before.filter((id) => !user.sessions.includes(id));
    for (const peer of this.peersOf(user.id))
      if (gone.includes(peer.remoteSessionId)) peer.close('peer session closed');
    for (const [k, h] of [...this.held])
      if (h.from.userId === user.id && gone.includes(h.from.sessionId)) this.held.delete(k);
  }

  /** A user went offline. */
  onOffline(userId: string): void {
    for (const peer of this.peersOf(userId)) peer.close('peer offline');
    this.reopen.get(userId)?.reset();
    for (const [k, h] of [...this.held]) if (h.from.userId === userId) this.held.delete(k);
    this.dropRequest(userId);
  }

  /** Makes a spare connection while the client is idle, where the client keeps one. */
  prepareSpare(): void {
    if (this.host.keepsSpare()) this.spare.prepare();
  }

  /** Closes every connection (telling the peers) and the spare, and forgets held requests. */
  closeAll(): void {
    this.spare.close();
    for (const peer of [...this.peers]) peer.close('local disconnect', true);
    for (const b of this.reopen.values()) b.reset();
    this.reopen.clear();
    this.held.clear();
    this.creating.clear();
    if (this.requestList.size > 0) {
      this.requestList.clear();
      this.host.onRequests([]);
    }
  }

  private hold(from: RelayedSignal['from'], offer: SignalBody): void {
    if (this.held.size >= MAX_HELD_SESSIONS) return; // too many strangers at once: ignore the rest
    this.held.set(key(from.userId, from.sessionId), { from, bodies: [offer] });
    this.sendTo(from, { type: 'hold' });
    if (this.requestList.has(from.userId)) return;
    const request: ConversationRequest = {
      userId: from.userId,
      username: from.username,
      at: Date.now(),
    };
    this.requestList.set(from.userId, request);
    this.host.onRequests(this.requests, request);
  }

  private dropRequest(userId: string): void {
    if (this.requestList.delete(userId)) this.host.onRequests(this.requests);
  }

  private sendTo(to: RelayedSignal['from'], body: SignalBody): void {
    this.signaling.send({ to: to.userId, toSession: to.sessionId, ...body }).catch(() => undefined);
  }

  // Makes a connection to one remote session, with fresh ICE servers (fetched first if they are stale, so
  // the answering side never uses expired TURN credentials), then feeds it the signals that came meanwhile.
  private async create(
    userId: string,
    sessionId: string,
    initiator: boolean,
    signals: SignalBody[],
    relayForStranger = false,
  ): Promise<void> {
    const RTCPeerConnectionImpl = this.host.RTCPeerConnection();
    if (!RTCPeerConnectionImpl) {
      this.host.onError(
        new P2PError(
          'NO_WEBRTC',
          'No RTCPeerConnection here: pass rtc.RTCPeerConnection to createClient.',
          'rtc',
        ),
      );
      return;
    }
    const k = key(userId, sessionId);
    this.creating.set(k, signals);
    const iceServers = await this.ice.get().catch((err: unknown) => {
      this.host.onError(
        err instanceof P2PError
          ? err
          : new P2PError('NETWORK', 'Could not fetch the ICE servers.', 'rtc', { cause: err }),
      );
      return this.ice.known;
    });
    const queued = this.creating.get(k);
    this.creating.delete(k);
    if (!queued || !this.host.selfId()) {
      // logged out or disconnected meanwhile: whoever waits for this connection hears that there is none
      for (const w of [...this.waiters]) w();
      return;
    }
    const me = this.host.selfId() ?? '';
    // Politeness must not change when session ids do (a server restart), so user ids decide it.
    const polite = me === userId ? (this.signaling.sessionId ?? '') > sessionId : me > userId;
    const relayOnly = this.relayOnly() || relayForStranger;
    const peer: PeerSession = new PeerSession(
      userId,
      sessionId,
      polite,
      {
        RTCPeerConnection: RTCPeerConnectionImpl,
        config: this.connectionConfig(iceServers),
        connect: (RTC, config) => this.spare.take(RTC, config),
        relayOnly,
        localSessionId: () => this.signaling.sessionId ?? '',
        // Candidates go without asking for an acknowledgement: a lost one is not fatal, and skipping the
        // reply spares the server a write for most signals of a connection.
        signal: (body) =>
          body.type === 'candidate'
            ? this.signaling.notify({ to: userId, toSession: peer.remoteSessionId, ...body })
            : this.signaling.send({ to: userId, toSession: peer.remoteSessionId, ...body }),
        onFrame: (session, frame) => this.host.onFrame(session, frame),
        onChannel: (session, channel) => this.host.onChannel(session, channel),
        onState: (session, state) => this.onPeerState(session, state),
        onError: (_session, error) => {
          for (const w of this.errorWaiters) w(error);
          this.host.onError(error);
        },
      },
      initiator,
    );
    this.peers.add(peer);
    for (const body of queued) void peer.handleSignal(body);
  }

  // Whether a connection to the user is being made (not yet a PeerSession: waiting for the ICE servers).
  private isCreating(userId: string): boolean {
    const prefix = key(userId, '');
    for (const k of this.creating.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }

  private relayOnly(): boolean {
    return this.host.relayOnly || this.ice.serverRequiresRelay;
  }

  private connectionConfig(iceServers: RTCIceServer[]): RTCConfiguration & Record<string, unknown> {
    return {
      iceServers,
      // this device's stable certificate for the account, so the peer sees the same fingerprint
      ...this.host.certificateConfig(),
      ...this.host.rtcConfig,
    };
  }

  // What a spare connection is made with: what the next connection would get (the ICE servers known now).
  private spareSource(): SpareSource | undefined {
    const RTC = this.host.RTCPeerConnection();
    if (!RTC || !this.host.selfId()) return undefined; // (only asked for where the host keeps a spare)
    return { RTC, config: sessionConfig(this.connectionConfig(this.ice.known), this.relayOnly()) };
  }

  private onPeerState(peer: PeerSession, state: PeerState): void {
    if (state === 'open') this.reopen.get(peer.remoteUserId)?.reset();
    if (state === 'closed') {
      this.peers.delete(peer);
      if (peer.closeReason && DROPPED.has(peer.closeReason)) this.scheduleReopen(peer.remoteUserId);
    }
    this.host.onPeer(peer, { userId: peer.remoteUserId, sessionId: peer.remoteSessionId, state });
    for (const w of [...this.waiters]) w(peer);
  }

  // A connection that dropped while its user is still online is opened again, backing off with jitter.
  private scheduleReopen(userId: string): void {
    let backoff = this.reopen.get(userId);
    if (!backoff) this.reopen.set(userId, (backoff = new Backoff(REOPEN)));
    backoff.schedule(() => {
      if (!this.roster.get(userId) || this.peersOf(userId).length > 0) return;
      if (!this.host.wantsConversation(userId)) return;
      this.open(userId, 20_000, false).catch(() => this.scheduleReopen(userId));
    });
  }

  // New TURN credentials: connections that go through a relay move to them before the old ones expire
  // (an ICE restart in browsers; a new connection where there is none).
  private async renewCredentials(servers: RTCIceServer[]): Promise<void> {
    for (const peer of [...this.peers]) {
      if (peer.state !== 'open') continue;
      const path = await selectedPath(peer.pc).catch(() => null);
      if (path && (path.local.type === 'relay' || path.remote.type === 'relay'))
        peer.restart('credentials renewed', servers);
    }
  }
}

import { P2PError } from '../errors.js';
import { after, every } from '../internal/timers.js';
import type { Cancel } from '../internal/timers.js';
import type { SignalBody } from '../protocol/socket.js';
import { TokenBucket } from '../protocol/token-bucket.js';
import type { Frame } from './frames.js';
import { FRAME_VERSION, encodeFrame, parseFrame } from './frames.js';
import { isRelayCandidate, relayOnlySdp, selectedPath } from './relay.js';
import { splitCandidates } from './sdp.js';
import { makeConnection } from './spare-connection.js';
import type { MadeConnection } from './spare-connection.js';

/** The `RTCPeerConnection` constructor the client uses: the browser's, or node-datachannel's polyfill. */
export type RTCPeerConnectionConstructor = new (config?: RTCConfiguration) => RTCPeerConnection;

/**
 * The state of one peer connection: `requested` while our offer waits for the remote user to accept a
 * conversation request, `reconnecting` while a live connection's path is being restored.
 */
export type PeerState = 'connecting' | 'requested' | 'open' | 'reconnecting' | 'closed';

/** Why a peer connection closed. The first four mean it dropped, and may be opened again. */
export type PeerCloseReason =
  | 'connection failed'
  | 'channel closed'
  | 'connection closed'
  | 'path lost'
  | 'timed out'
  | 'relay failed'
  | 'peer left'
  | 'peer declined'
  | 'peer offline'
  | 'peer session closed'
  | 'local disconnect'
  | 'credentials renewed'
  | 'flooded'
  | 'protocol version';

/** Reasons after which the connection is opened again by itself while the peer stays online. */
export const DROPPED: ReadonlySet<PeerCloseReason> = new Set([
  'connection failed',
  'channel closed',
  'connection closed',
  'path lost',
  'credentials renewed',
]);

/** What a peer session needs from the client. */
export interface PeerSessionDeps {
  RTCPeerConnection: RTCPeerConnectionConstructor;
  /** Configuration for the connection: ICE servers and any implementation-specific extras. */
  config: RTCConfiguration;
  /** Makes the connection and its chat channel (default: anew; the directory may hand over a spare). */
  connect?: (RTC: RTCPeerConnectionConstructor, config: RTCConfiguration) => MadeConnection;
  /** Only relay candidates are sent and accepted, and the selected path is checked to be relayed. */
  relayOnly: boolean;
  /** This side's current signaling session id (it changes when signaling reconnects). */
  localSessionId: () => string;
  /** Sends a signal to the remote session through the server. */
  signal: (body: SignalBody) => Promise<void>;
  onFrame: (session: PeerSession, frame: Frame) => void;
  /** A data channel the peer opened besides the chat channel (a file transfer's). */
  onChannel: (session: PeerSession, channel: RTCDataChannel) => void;
  onState: (session: PeerSession, state: PeerState) => void;
  /** A problem worth telling the application about (a peer breaking the protocol, a failed connection). */
  onError: (session: PeerSession, error: P2PError) => void;
}

/** The configuration a session's connection is made with: relay-only adds the transport policy. */
export function sessionConfig<C extends RTCConfiguration>(config: C, relayOnly: boolean): C {
  return relayOnly ? { ...config, iceTransportPolicy: 'relay' } : config;
}

/** Timings of a peer session, ms. */
export const PEER_TIMINGS = {
  /** How long a connection may take to open before it is given up. */
  openTimeout: 20_000,
  /** A heartbeat frame goes out this often while the channel is open. */
  heartbeat: 2_000,
  /** Nothing heard from the peer for this long means the path is gone. */
  silence: 7_000,
  /** ICE `disconnected` for this long (it often recovers by itself) starts an ICE restart. */
  disconnectedGrace: 2_000,
  /** An ICE restart that has not brought the path back by then gives way to a new connection. */
  restartTimeout: 12_000,
} as const;

// A hostile peer may not flood us: frames beyond this rate are dropped, and a sustained flood closes.
const FRAME_BURST = 200;
const FRAMES_PER_SECOND = 100;
// Frames dropped beyond which the connection closes; they are forgotten at 10 a second, so a long
// connection with an occasional burst is not closed for the sum of its bursts, only a flood that goes on.
const DROPPED_FRAMES_BEFORE_CLOSE = 500;
const DROPPED_FRAMES_FORGOTTEN_PER_SECOND = 10;
// Candidates a peer may send before its offer; more are dropped (the offer carries what matters).
const MAX_EARLY_CANDIDATES = 100;

/**
 * One WebRTC connection to one session (tab, device) of a remote user, with one data channel. Negotiation
 * is "perfect negotiation": both sides may start at the same moment; the impolite side ignores the colliding
 * offer and the polite side yields to it, so glare ends in one working connection. ICE candidates that
 * arrive before the remote description are buffered. A path that goes quiet or ICE reports lost is restarted
 * (`restartIce()`); where the implementation has none, the session closes as dropped and the client opens a
 * new one.
 */
export class PeerSession {
  readonly pc: RTCPeerConnection;
  readonly channel: RTCDataChannel;
  state: PeerState = 'connecting';
  /** Why the session closed, once it has. */
  closeReason: PeerCloseReason | undefined;

  private makingOffer = false;
  private offerUnanswered = false;
  // Bumped each time a remote offer is accepted, so an offer of ours begun before it is dropped.
  private negotiation = 0;
  private signals: Promise<void> = Promise.resolve();
  private pendingCandidates: RTCIceCandidateInit[] = [];
  private readonly bucket = new TokenBucket(FRAME_BURST, FRAMES_PER_SECOND);
  private readonly dropAllowance = new TokenBucket(
    DROPPED_FRAMES_BEFORE_CLOSE,
    DROPPED_FRAMES_FORGOTTEN_PER_SECOND,
  );
  private relayCandidates = 0;
  private turnError: string | undefined;
  private lastHeard = Date.now();
  private readonly timers = new Map<'open' | 'heartbeat' | 'grace' | 'restart', Cancel>();

  constructor(
    readonly remoteUserId: string,
    /** The remote session id; a `hello` frame updates it after the remote's signaling reconnects. */
    public remoteSessionId: string,
    /** The polite side yields in glare: decided by comparing user ids, so the two sides disagree. */
    readonly polite: boolean,
    private readonly deps: PeerSessionDeps,
    /** Whether this side starts: it makes the first offer without waiting for `negotiationneeded`. */
    initiator = false,
  ) {
    const config = sessionConfig(deps.config, deps.relayOnly);
    ({ pc: this.pc, channel: this.channel } = (deps.connect ?? makeConnection)(
      deps.RTCPeerConnection,
      config,
    ));
    this.pc.onnegotiationneeded = () => void this.makeOffer();
    this.pc.onicecandidate = (e) => this.onLocalCandidate(e.candidate);
    this.pc.onicegatheringstatechange = () => {
      if (this.pc.iceGatheringState === 'complete') this.checkRelayGathered();
    };
    // Browsers say why a TURN server refused (401: the credentials); node-datachannel says nothing.
    this.pc.onicecandidateerror = (e) => {
      const err = e as RTCPeerConnectionIceErrorEvent;
      if (err.errorCode) this.turnError = `${err.errorCode} ${err.errorText ?? ''}`.trim();
    };
    this.pc.onconnectionstatechange = () => this.onPathState(this.pc.connectionState);
    this.pc.oniceconnectionstatechange = () => this.onPathState(this.pc.iceConnectionState);
    this.channel.onopen = () => this.onOpen();
    this.channel.onclose = () => this.close('channel closed');
    this.channel.onmessage = (e: MessageEvent) => this.receive(e.data);
    // Every other channel is opened by the peer for a file transfer; the client checks it or closes it.
    this.pc.ondatachannel = (e: RTCDataChannelEvent) => {
      if (this.state === 'closed') e.channel.close();
      else this.deps.onChannel(this, e.channel);
    };
    // node-datachannel 0.33 never fires `negotiationneeded`, and a spare connection's came before anyone
    // listened, so the side that starts offers by itself; in browsers the event may come too, and is ignored
    // while this offer is under way.
    if (initiator) void this.makeOffer();
    this.armOpenTimer();
  }

  private armOpenTimer(): void {
    this.timer('open', PEER_TIMINGS.openTimeout, () => {
      if (this.state !== 'connecting') return;
      this.fail('CONNECTION_FAILED', 'The peer connection did not open in time.', 'timed out');
    });
  }

  /**
   * Handles a signal from the remote session. Signals are processed one at a time, in order, so a
   * candidate never overtakes the description it belongs to.
   */
  handleSignal(body: SignalBody): Promise<void> {
    this.signals = this.signals.then(() => this.process(body));
    return this.signals;
  }

  /** Sends a frame if the channel is open; answers whether it was sent. */
  send(frame: Frame): boolean {
    if (this.channel.readyState !== 'open') return false;
    try {
      this.channel.send(encodeFrame(frame));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Restores the path of a live connection: an ICE restart (with new ICE servers, e.g. fresh TURN
   * credentials, when given) where the implementation has one; elsewhere the session closes as dropped, so
   * the client opens a new connection.
   */
  restart(reason: PeerCloseReason, iceServers?: RTCIceServer[]): void {
    if (this.state !== 'open' && this.state !== 'reconnecting') return;
    if (this.timers.has('restart')) return; // one under way
    try {
      if (typeof this.pc.restartIce !== 'function') throw new Error('no restartIce');
      if (iceServers) this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
      this.pc.restartIce();
    } catch {
      this.close(reason);
      return;
    }
    this.setState('reconnecting');
    // libdatachannel and some browsers fire no negotiationneeded for a restart: offer ourselves.
    void this.makeOffer();
    this.timer('restart', PEER_TIMINGS.restartTimeout, () => {
      this.timers.delete('restart');
      if (this.state === 'reconnecting') this.close('path lost');
    });
  }

  /** Sends a new offer if an ICE restart is waiting for one (after signaling came back). */
  resumeRestart(): void {
    if (this.state === 'reconnecting' && !this.makingOffer) void this.makeOffer();
  }

  /** Closes the connection; with `sayBye` the peer hears of it at once (over the channel and signaling). */
  close(reason: PeerCloseReason, sayBye = false): void {
    if (this.state === 'closed') return;
    if (sayBye) {
      this.send({ t: 'bye' });
      this.deps.signal({ type: 'bye' }).catch(() => undefined);
    }
    this.closeReason = reason;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.setState('closed');
    try {
      this.channel.close();
      this.pc.close();
    } catch {
      // already closed
    }
  }

  private async process(body: SignalBody): Promise<void> {
    if (this.state === 'closed') return;
    try {
      if (body.type === 'offer' || body.type === 'answer') {
        // A collision is an offer of ours under way or unanswered. (Not "signalingState !== stable": in
        // libdatachannel a fresh connection holds an offer of its own that was never sent.)
        const offerCollision = body.type === 'offer' && (this.makingOffer || this.offerUnanswered);
        if (!this.polite && offerCollision) return; // the impolite side ignores theirs
        // Accepting their offer abandons any offer of ours still being made.
        if (body.type === 'offer') this.negotiation += 1;
        const { sdp, candidates } = splitCandidates(body.data.sdp, MAX_EARLY_CANDIDATES);
        await this.pc.setRemoteDescription({ type: body.type, sdp });
        // An answer settles our offer; accepting their offer rolled ours back.
        this.offerUnanswered = false;
        if (this.state === 'requested') {
          this.setState('connecting'); // accepted: now it has to open in time
          this.armOpenTimer();
        }
        for (const c of candidates) await this.addRemoteCandidate(c);
        for (const c of this.pendingCandidates.splice(0)) await this.addRemoteCandidate(c);
        if (body.type === 'offer') {
          const answer = await this.pc.createAnswer();
          await this.pc.setLocalDescription(answer);
          // Not awaited: the candidates queued behind this offer are added while the answer travels, so
          // this side's connectivity checks start one server round trip sooner.
          this.deps
            .signal({ type: 'answer', data: { sdp: this.localSdp(answer) } })
            .catch((cause: unknown) => this.negotiationFailed(cause));
        }
      } else if (body.type === 'candidate') {
        if (!body.data) return; // end of candidates: nothing to add
        const { candidate, sdpMid, sdpMLineIndex } = body.data;
        const init: RTCIceCandidateInit = {
          candidate,
          sdpMid: sdpMid ?? null,
          sdpMLineIndex: sdpMLineIndex ?? null,
        };
        if (this.pc.remoteDescription) await this.addRemoteCandidate(init);
        else if (this.pendingCandidates.length < MAX_EARLY_CANDIDATES)
          this.pendingCandidates.push(init);
      } else if (body.type === 'bye') {
        this.close('peer left');
      } else if (body.type === 'hold') {
        // The remote user is being asked; wait for them however long it takes.
        if (this.state === 'connecting') {
          this.cancelTimer('open');
          this.setState('requested');
        }
      } else if (body.type === 'decline') {
        this.fail('PEER_DECLINED', 'The user declined the conversation.', 'peer declined');
      }
    } catch (cause) {
      this.negotiationFailed(cause);
    }
  }

  private negotiationFailed(cause: unknown): void {
    if (this.state === 'closed') return;
    this.deps.onError(
      this,
      new P2PError('CONNECTION_FAILED', 'Negotiating the peer connection failed.', 'rtc', {
        cause,
      }),
    );
  }

  private localSdp(description: RTCSessionDescriptionInit): string {
    // libdatachannel's local description carries the candidates gathered so far: filter those too.
    const sdp = this.pc.localDescription?.sdp ?? description.sdp ?? '';
    return this.deps.relayOnly ? relayOnlySdp(sdp) : sdp;
  }

  private onLocalCandidate(c: RTCIceCandidate | null): void {
    // The end of gathering is not sent: the peer has nothing to do with it, and every signal costs both
    // clients and the server a message.
    if (!c) {
      this.checkRelayGathered();
      return;
    }
    if (isRelayCandidate(c.candidate)) this.relayCandidates += 1;
    else if (this.deps.relayOnly) return; // never tell the peer a host or server-reflexive address
    const data = {
      candidate: c.candidate,
      sdpMid: c.sdpMid ?? null,
      sdpMLineIndex: c.sdpMLineIndex ?? null,
    };
    this.deps.signal({ type: 'candidate', data }).catch(() => undefined); // a lost candidate is not fatal
  }

  // In relay-only mode a gathering that ended without a relay candidate can never connect: say so now.
  // (Checked a moment later: node-datachannel reports the end of gathering before the last candidates.)
  private checkRelayGathered(): void {
    if (!this.deps.relayOnly) return;
    after(50, () => this.relayGathered());
  }

  private relayGathered(): void {
    if (this.relayCandidates > 0 || isRelayCandidate(this.pc.localDescription?.sdp ?? '')) return;
    if (this.state !== 'connecting' && this.state !== 'requested') return;
    const why = this.turnError
      ? `the TURN server refused (${this.turnError}); its credentials may be wrong or expired`
      : 'no TURN server gave a relay address (none configured, unreachable, or credentials refused)';
    this.fail('RELAY_FAILED', `Relay-only mode could not get a relay: ${why}.`, 'relay failed');
  }

  private onOpen(): void {
    this.cancelTimer('open');
    this.setState('open');
    this.lastHeard = Date.now();
    this.send({ t: 'hello', v: FRAME_VERSION, sessionId: this.deps.localSessionId() });
    this.timers.set(
      'heartbeat',
      every(PEER_TIMINGS.heartbeat, () => this.beat()),
    );
    if (this.deps.relayOnly) void this.verifyRelayed();
  }

  // A quiet channel carries a small frame each beat; a peer not heard from for a while has lost its path.
  private beat(): void {
    if (this.state === 'closed') return;
    if (Date.now() - this.lastHeard > PEER_TIMINGS.silence) this.restart('path lost');
    else this.send({ t: 'ping' });
  }

  private async verifyRelayed(): Promise<void> {
    const path = await selectedPath(this.pc).catch(() => null);
    if (this.state === 'closed' || !path) return;
    if (path.local.type !== 'relay' && path.remote.type !== 'relay') {
      this.fail(
        'RELAY_FAILED',
        'Relay-only mode: the connection did not go through the relay, so it was closed.',
        'relay failed',
      );
    }
  }

  private onPathState(state: RTCPeerConnectionState | RTCIceConnectionState): void {
    if (this.state === 'closed') return;
    if (state === 'connected' || state === 'completed') {
      this.cancelTimer('grace');
      if (this.state === 'reconnecting' && this.channel.readyState === 'open') {
        this.cancelTimer('restart');
        this.lastHeard = Date.now();
        this.setState('open');
      }
    } else if (state === 'disconnected') {
      if (!this.timers.has('grace'))
        this.timer('grace', PEER_TIMINGS.disconnectedGrace, () => this.restart('path lost'));
    } else if (state === 'failed') {
      if (this.state === 'connecting') this.close('connection failed');
      else this.restart('connection failed');
    } else if (state === 'closed') {
      this.close('connection closed');
    }
  }

  private async makeOffer(): Promise<void> {
    if (this.state === 'closed' || this.makingOffer) return;
    const negotiation = this.negotiation;
    try {
      this.makingOffer = true;
      const offer = await this.pc.createOffer();
      if (negotiation !== this.negotiation) return; // their offer was accepted meanwhile: ours is stale
      // An offer of theirs came in meanwhile and won. (Not "!== stable": libdatachannel applies its own
      // offer by itself, so there the state is already have-local-offer here.)
      if (this.pc.signalingState === 'have-remote-offer' || this.pc.signalingState === 'closed')
        return;
      // libdatachannel has applied this offer already, and applying it again can rebuild its ICE transport
      // under our feet; a browser has no local offer yet here.
      // (Compared by state, not SDP: libdatachannel's local description gains candidate lines as it gathers.)
      if (this.pc.signalingState !== 'have-local-offer') await this.pc.setLocalDescription(offer);
      if (negotiation !== this.negotiation) return;
      this.offerUnanswered = true;
      await this.deps.signal({ type: 'offer', data: { sdp: this.localSdp(offer) } });
    } catch (cause) {
      // While restarting, signaling may be down too; the offer goes again once it is back.
      if (this.state === 'reconnecting') return;
      this.deps.onError(
        this,
        new P2PError('CONNECTION_FAILED', 'Could not start the peer connection.', 'rtc', { cause }),
      );
    } finally {
      this.makingOffer = false;
    }
  }

  // A candidate that cannot be used (one of an offer that was ignored or rolled back) is not a failure:
  // ICE goes on with the others, and a connection that never opens is caught by the open timeout.
  private async addRemoteCandidate(init: RTCIceCandidateInit): Promise<void> {
    if (this.deps.relayOnly && !isRelayCandidate(init.candidate ?? '')) return;
    await this.addCandidate(init);
  }

  private async addCandidate(init: RTCIceCandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(init);
    } catch {
      // dropped on purpose
    }
  }

  private receive(data: unknown): void {
    if (this.state === 'closed') return;
    if (!this.bucket.take()) {
      if (!this.dropAllowance.take())
        this.fail('PEER_PROTOCOL', 'A peer flooded the connection; it was closed.', 'flooded');
      return;
    }
    this.lastHeard = Date.now();
    // The peer is heard again: whatever the ICE restart was for, the path works.
    if (this.state === 'reconnecting' && this.channel.readyState === 'open') {
      this.cancelTimer('restart');
      this.setState('open');
    }
    const frame = parseFrame(data);
    if (!frame) {
      this.deps.onError(
        this,
        new P2PError(
          'PEER_PROTOCOL',
          'A peer sent a frame that is not the protocol; it was dropped.',
          'peer',
        ),
      );
      return;
    }
    switch (frame.t) {
      case 'ping':
        return;
      case 'hello':
        if (frame.v !== FRAME_VERSION) {
          this.fail(
            'PEER_PROTOCOL',
            `The peer speaks protocol ${frame.v}, not ${FRAME_VERSION}.`,
            'protocol version',
          );
          return;
        }
        if (frame.sessionId) this.remoteSessionId = frame.sessionId;
        break;
      case 'bye':
        this.close('peer left');
        return;
    }
    this.deps.onFrame(this, frame);
  }

  private fail(code: P2PError['code'], message: string, reason: PeerCloseReason): void {
    const layer = code === 'PEER_PROTOCOL' ? 'peer' : 'rtc';
    this.deps.onError(this, new P2PError(code, message, layer));
    this.close(reason);
  }

  private timer(name: 'open' | 'heartbeat' | 'grace' | 'restart', ms: number, fn: () => void) {
    this.cancelTimer(name);
    this.timers.set(
      name,
      after(ms, () => {
        this.timers.delete(name);
        fn();
      }),
    );
  }

  private cancelTimer(name: 'open' | 'heartbeat' | 'grace' | 'restart'): void {
    this.timers.get(name)?.();
    this.timers.delete(name);
  }

  private setState(state: PeerState): void {
    if (this.state === state) return;
    this.state = state;
    this.deps.onState(this, state);
  }
}

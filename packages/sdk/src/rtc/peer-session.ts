import { P2PError } from '../errors.js';
import type { SignalBody } from '../protocol/socket.js';
import type { Frame } from './frames.js';
import { FRAME_VERSION, encodeFrame, parseFrame } from './frames.js';
import { TokenBucket } from '../protocol/token-bucket.js';

/** The `RTCPeerConnection` constructor the client uses: the browser's, or node-datachannel's polyfill. */
export type RTCPeerConnectionConstructor = new (config?: RTCConfiguration) => RTCPeerConnection;

/** The state of one peer connection. */
export type PeerState = 'connecting' | 'open' | 'closed';

/** Why a peer connection closed. The first three mean it dropped, and may be opened again. */
export type PeerCloseReason =
  | 'connection failed'
  | 'channel closed'
  | 'connection closed'
  | 'timed out'
  | 'peer left'
  | 'peer offline'
  | 'peer session closed'
  | 'local disconnect'
  | 'flooded'
  | 'protocol version';

/** What a peer session needs from the client. */
export interface PeerSessionDeps {
  RTCPeerConnection: RTCPeerConnectionConstructor;
  /** Configuration for the connection: ICE servers and any implementation-specific extras. */
  config: RTCConfiguration;
  /** This side's current signaling session id (it changes when signaling reconnects). */
  localSessionId: () => string;
  /** Sends a signal to the remote session through the server. */
  signal: (body: SignalBody) => Promise<void>;
  onFrame: (session: PeerSession, frame: Frame) => void;
  onState: (session: PeerSession, state: PeerState) => void;
  /** A problem worth telling the application about (a peer breaking the protocol, a failed connection). */
  onError: (session: PeerSession, error: P2PError) => void;
}

// How long a connection may take to open before it is given up.
const OPEN_TIMEOUT_MS = 20_000;
// A hostile peer may not flood us: frames beyond this rate are dropped, and a sustained flood closes.
const FRAME_BURST = 200;
const FRAMES_PER_SECOND = 100;
const DROPPED_FRAMES_BEFORE_CLOSE = 500;

/**
 * One WebRTC connection to one session (tab, device) of a remote user, with one data channel. Negotiation
 * is "perfect negotiation": both sides may start at the same moment; the impolite side ignores the colliding
 * offer and the polite side yields to it, so glare ends in one working connection. ICE candidates that
 * arrive before the remote description are buffered.
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
  private dropped = 0;
  private readonly openTimer: ReturnType<typeof setTimeout>;

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
    this.pc = new deps.RTCPeerConnection(deps.config);
    this.pc.onnegotiationneeded = () => void this.makeOffer();
    this.pc.onicecandidate = (e) => {
      const c = e.candidate;
      const data = c
        ? {
            candidate: c.candidate,
            sdpMid: c.sdpMid ?? null,
            sdpMLineIndex: c.sdpMLineIndex ?? null,
          }
        : null;
      this.deps.signal({ type: 'candidate', data }).catch(() => undefined); // a lost candidate is not fatal
    };
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === 'failed') this.close('connection failed');
      if (this.pc.connectionState === 'closed') this.close('connection closed');
    };
    // A negotiated channel: both sides create it with the same id, so there is no `datachannel` race.
    this.channel = this.pc.createDataChannel('p2pchat', { negotiated: true, id: 0, ordered: true });
    this.channel.onopen = () => {
      clearTimeout(this.openTimer);
      this.setState('open');
      this.send({ t: 'hello', v: FRAME_VERSION, sessionId: this.deps.localSessionId() });
    };
    this.channel.onclose = () => this.close('channel closed');
    this.channel.onmessage = (e: MessageEvent) => this.receive(e.data);
    // node-datachannel 0.33 never fires `negotiationneeded`, so the side that starts offers by itself; in
    // browsers the event comes too, and is ignored while this offer is under way.
    if (initiator) void this.makeOffer();
    this.openTimer = setTimeout(() => {
      if (this.state === 'connecting') {
        this.deps.onError(
          this,
          new P2PError('CONNECTION_FAILED', 'The peer connection did not open in time.', 'rtc'),
        );
        this.close('timed out');
      }
    }, OPEN_TIMEOUT_MS);
  }

  /**
   * Handles a signal from the remote session. Signals are processed one at a time, in order, so a
   * candidate never overtakes the description it belongs to.
   */
  handleSignal(body: SignalBody): Promise<void> {
    this.signals = this.signals.then(() => this.process(body));
    return this.signals;
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
        await this.pc.setRemoteDescription({ type: body.type, sdp: body.data.sdp });
        // An answer settles our offer; accepting their offer rolled ours back.
        this.offerUnanswered = false;
        for (const c of this.pendingCandidates.splice(0)) await this.addCandidate(c);
        if (body.type === 'offer') {
          const answer = await this.pc.createAnswer();
          await this.pc.setLocalDescription(answer);
          const sdp = this.pc.localDescription?.sdp ?? answer.sdp ?? '';
          await this.deps.signal({ type: 'answer', data: { sdp } });
        }
      } else if (body.type === 'candidate') {
        if (!body.data) return; // end of candidates: nothing to add
        const { candidate, sdpMid, sdpMLineIndex } = body.data;
        const init: RTCIceCandidateInit = {
          candidate,
          sdpMid: sdpMid ?? null,
          sdpMLineIndex: sdpMLineIndex ?? null,
        };
        if (!this.pc.remoteDescription) this.pendingCandidates.push(init);
        else await this.addCandidate(init);
      } else if (body.type === 'bye') {
        this.close('peer left');
      }
    } catch (cause) {
      this.deps.onError(
        this,
        new P2PError('CONNECTION_FAILED', 'Negotiating the peer connection failed.', 'rtc', {
          cause,
        }),
      );
    }
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

  /** Closes the connection; with `sayBye` the peer hears of it at once (over the channel and signaling). */
  close(reason: PeerCloseReason, sayBye = false): void {
    if (this.state === 'closed') return;
    if (sayBye) {
      this.send({ t: 'bye' });
      this.deps.signal({ type: 'bye' }).catch(() => undefined);
    }
    this.closeReason = reason;
    clearTimeout(this.openTimer);
    this.setState('closed');
    try {
      this.channel.close();
      this.pc.close();
    } catch {
      // already closed
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
      const sdp = this.pc.localDescription?.sdp ?? offer.sdp ?? '';
      this.offerUnanswered = true;
      await this.deps.signal({ type: 'offer', data: { sdp } });
    } catch (cause) {
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
      this.dropped += 1;
      if (this.dropped >= DROPPED_FRAMES_BEFORE_CLOSE) {
        this.deps.onError(
          this,
          new P2PError('PEER_PROTOCOL', 'A peer flooded the connection; it was closed.', 'peer'),
        );
        this.close('flooded');
      }
      return;
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
    if (frame.t === 'hello') {
      if (frame.v !== FRAME_VERSION) {
        this.deps.onError(
          this,
          new P2PError(
            'PEER_PROTOCOL',
            `The peer speaks protocol ${frame.v}, not ${FRAME_VERSION}.`,
            'peer',
          ),
        );
        this.close('protocol version');
        return;
      }
      if (frame.sessionId) this.remoteSessionId = frame.sessionId;
    }
    if (frame.t === 'bye') {
      this.close('peer left');
      return;
    }
    this.deps.onFrame(this, frame);
  }

  private setState(state: PeerState): void {
    if (this.state === state) return;
    this.state = state;
    this.deps.onState(this, state);
  }
}

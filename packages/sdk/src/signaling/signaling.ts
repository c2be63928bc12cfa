import { EventEmitter } from 'eventemitter3';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { P2PError } from '../errors.js';
import { Backoff, after } from '../internal/timers.js';
import type { Cancel } from '../internal/timers.js';
import type { ErrorCode } from '../protocol/codes.js';
import type {
  ClientToServerEvents,
  PresenceEntry,
  PresenceOffline,
  PresenceChanges,
  PresenceSnapshot,
  RelayedSignal,
  ServerToClientEvents,
  SessionEndReason,
  SessionInfo,
  SignalRequest,
} from '../protocol/socket.js';

/** The state of the connection to the signaling server. */
export type SignalingState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

/** Events of {@link Signaling}. */
export interface SignalingEvents {
  state: [state: SignalingState];
  session: [info: SessionInfo];
  snapshot: [snapshot: PresenceSnapshot];
  changes: [changes: PresenceChanges];
  online: [entry: PresenceEntry];
  offline: [offline: PresenceOffline];
  update: [entry: PresenceEntry];
  signal: [signal: RelayedSignal];
  ended: [reason: SessionEndReason];
  error: [error: P2PError];
}

/** Options of the signaling connection. */
export interface SignalingOptions {
  /** Longest wait between reconnection attempts, ms (they back off from 500 ms with jitter). */
  reconnectionDelayMax?: number;
  /** Transports to use, in order (default: websocket, falling back to polling). */
  transports?: ('websocket' | 'polling')[];
}

const ACK_TIMEOUT_MS = 10_000;

/**
 * The Socket.IO connection to the server: authenticated by token, reconnecting with backoff after a server
 * restart or network loss (never after a logout or an expired token), and typed both ways.
 */
export class Signaling extends EventEmitter<SignalingEvents> {
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  state: SignalingState = 'disconnected';
  /** This connection's session id, once the server has said it. */
  sessionId: string | undefined;
  /** What the server said on this connection, while connected. */
  currentSession: SessionInfo | undefined;
  // Retries of handshakes refused by the server's middleware, backing off like Socket.IO's own.
  private readonly refusals: Backoff;
  private cancelWatchdog: Cancel | undefined;

  constructor(
    private readonly url: string,
    private readonly token: () => string | undefined,
    private readonly options: SignalingOptions = {},
  ) {
    super();
    this.refusals = new Backoff({ baseMs: 500, maxMs: options.reconnectionDelayMax ?? 5000 });
  }

  /**
   * Connects and resolves once the server has said who we are and who is online (the session, then the
   * presence snapshot); rejects with the handshake's error code.
   */
  connect(): Promise<SessionInfo> {
    this.disconnect();
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.url, {
      auth: (cb) => cb({ token: this.token() ?? '' }),
      transports: this.options.transports ?? ['websocket', 'polling'],
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: this.options.reconnectionDelayMax ?? 5000,
      randomizationFactor: 0.5,
      timeout: 10_000,
      forceNew: true,
    });
    this.socket = socket;
    this.setState('connecting');

    socket.on('session', (info) => {
      this.sessionId = info.sessionId;
      this.currentSession = info;
      this.refusals.reset();
      this.setState('connected');
      this.emit('session', info);
    });
    socket.on('presence:snapshot', (s) => this.emit('snapshot', s));
    socket.on('presence:changes', (c) => this.emit('changes', c));
    socket.on('presence:online', (e) => this.emit('online', e));
    socket.on('presence:offline', (o) => this.emit('offline', o));
    socket.on('presence:update', (e) => this.emit('update', e));
    socket.on('signal', (s) => this.emit('signal', s));
    socket.on('session:ended', ({ reason }) => {
      // After these the server will not take this connection back: stop reconnecting for good.
      if (FINAL_REASONS.has(reason)) this.disconnect();
      this.emit('ended', reason);
    });
    socket.on('disconnect', (reason) => {
      this.sessionId = undefined;
      this.currentSession = undefined;
      // Socket.IO reconnects by itself except after a disconnect the server chose (logout, expiry).
      this.setState(
        reason === 'io server disconnect' || reason === 'io client disconnect'
          ? 'disconnected'
          : 'reconnecting',
      );
    });
    socket.io.on('reconnect_attempt', () => this.setState('reconnecting'));

    return new Promise<SessionInfo>((resolve, reject) => {
      // The first connection settles once, whatever comes first: the session, a refused handshake, or the
      // server ending the session before saying who we are (session cap, rate limit, shutdown).
      const settle = (fn: () => void) => {
        socket.off('session', onSession);
        socket.off('presence:snapshot', onSnapshot);
        socket.off('connect_error', onFirstError);
        socket.off('session:ended', onEarlyEnd);
        socket.off('disconnect', onEarlyDisconnect);
        fn();
      };
      // The roster comes after the session (with the server's next presence batch): wait for both, so the
      // caller sees everyone online at once, and hears of later arrivals as arrivals.
      let session: SessionInfo | undefined;
      const onSession = (info: SessionInfo) => {
        session = info;
      };
      const onSnapshot = () => {
        const info = session;
        if (info) settle(() => resolve(info));
      };
      const onFirstError = (err: Error & { data?: { code?: string } }) =>
        settle(() => {
          this.disconnect();
          reject(toSignalingError(err));
        });
      const onEarlyEnd = ({ reason }: { reason: SessionEndReason }) =>
        settle(() => {
          this.disconnect();
          reject(endedError(reason));
        });
      const onEarlyDisconnect = () =>
        settle(() => {
          this.disconnect();
          reject(
            new P2PError('UNAVAILABLE', 'The server closed the connection at once.', 'signaling'),
          );
        });
      socket.once('session', onSession);
      socket.on('presence:snapshot', onSnapshot);
      socket.once('connect_error', onFirstError);
      socket.once('session:ended', onEarlyEnd);
      socket.once('disconnect', onEarlyDisconnect);
      // After the first success, a refused reconnection (token revoked meanwhile) ends the session.
      socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
        // The first attempt is settled above; a socket already let go of is no concern any more.
        if (this.state === 'connecting' || this.socket !== socket) return;
        const error = toSignalingError(err);
        if (error.code === 'UNAUTHENTICATED') {
          this.disconnect();
          this.emit('ended', 'token-expired');
          this.emit('error', error);
          return;
        }
        this.emit('error', error);
        // A handshake refused by the server's middleware (busy, restarting) is not retried by Socket.IO
        // itself; retry it here, backing off like its own reconnection does.
        if (!socket.active) {
          this.setState('reconnecting');
          this.refusals.schedule(() => {
            if (this.socket === socket && !socket.connected) socket.connect();
          });
        }
      });
    });
  }

  /**
   * Sends a signal without asking for an acknowledgement (the server then sends none, refusals included):
   * resolves once it is on its way; rejects with `NOT_CONNECTED` when there is no connection.
   */
  async notify(signal: SignalRequest): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected)
      throw new P2PError('NOT_CONNECTED', 'Not connected to the signaling server.', 'signaling');
    (socket.emit as (event: 'signal', payload: SignalRequest) => void)('signal', signal);
  }

  /** Sends a signal; resolves on the server's `{ ok: true }`, rejects with its code otherwise. */
  async send(signal: SignalRequest): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected)
      throw new P2PError('NOT_CONNECTED', 'Not connected to the signaling server.', 'signaling');
    let ack;
    try {
      ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('signal', signal);
    } catch (cause) {
      throw new P2PError('TIMEOUT', 'The signaling server did not answer in time.', 'signaling', {
        cause,
      });
    }
    if (!ack.ok) {
      throw new P2PError(
        ack.code,
        ack.message,
        'signaling',
        ack.retryAfter === undefined ? {} : { retryAfter: ack.retryAfter },
      );
    }
  }

  /** Closes the connection for good (no reconnection). */
  disconnect(): void {
    this.cancelWatchdog?.();
    this.refusals.reset();
    if (!this.socket) return;
    this.socket.removeAllListeners();
    this.socket.io.removeAllListeners();
    this.socket.disconnect();
    this.socket = null;
    this.sessionId = undefined;
    this.currentSession = undefined;
    this.setState('disconnected');
  }

  private setState(state: SignalingState): void {
    if (this.state === state) return;
    this.state = state;
    this.watchReconnection();
    this.emit('state', state);
  }

  // A watchdog for reconnection: Socket.IO's own retries can stall (seen after a server restart, when an
  // attempt met the server shutting down). While reconnecting, if no session comes back within twice the
  // longest backoff, open the connection again from scratch.
  private watchReconnection(): void {
    this.cancelWatchdog?.();
    this.cancelWatchdog = undefined;
    if (this.state !== 'reconnecting') return;
    const socket = this.socket;
    this.cancelWatchdog = after(2 * (this.options.reconnectionDelayMax ?? 5000), () => {
      if (this.socket !== socket || this.state !== 'reconnecting') return;
      // A fresh connection; if the server is still away, keep reconnecting (and watching), unless the
      // server refused us for good.
      this.connect().catch((err: unknown) => {
        if (err instanceof P2PError && FINAL_CODES.has(err.code)) return;
        this.setState('reconnecting');
      });
    });
  }
}

// The server will not take these sessions back; reconnecting would only loop.
const FINAL_REASONS: ReadonlySet<SessionEndReason> = new Set([
  'logout',
  'token-expired',
  'too-many-sessions',
]);
const FINAL_CODES: ReadonlySet<string> = new Set([
  'UNAUTHENTICATED',
  'TOO_MANY_SESSIONS',
  'ACCOUNT_DISABLED',
  'ORIGIN_NOT_ALLOWED',
]);

function endedError(reason: SessionEndReason): P2PError {
  const codes: Record<SessionEndReason, ErrorCode> = {
    logout: 'UNAUTHENTICATED',
    'token-expired': 'UNAUTHENTICATED',
    'account-closed': 'ACCOUNT_DISABLED',
    'too-many-sessions': 'TOO_MANY_SESSIONS',
    'rate-limited': 'RATE_LIMITED',
    'server-shutdown': 'UNAVAILABLE',
  };
  return new P2PError(codes[reason], `The server ended the session (${reason}).`, 'signaling');
}

function toSignalingError(err: Error & { data?: { code?: string } }): P2PError {
  const code = err.data?.code;
  if (code) return new P2PError(code as ErrorCode, err.message, 'signaling', { cause: err });
  return new P2PError(
    'NETWORK',
    `Could not reach the signaling server: ${err.message}`,
    'signaling',
    { cause: err },
  );
}

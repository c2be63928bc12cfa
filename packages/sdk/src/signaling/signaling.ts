import { EventEmitter } from 'eventemitter3';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { P2PError } from '../errors.js';
import type { ErrorCode } from '../protocol/codes.js';
import type {
  ClientToServerEvents,
  PresenceEntry,
  PresenceOffline,
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
  // Handshakes refused in a row since the last success, for the retry backoff.
  private refusals = 0;
  private watchdog: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: string,
    private readonly token: () => string | undefined,
    private readonly options: SignalingOptions = {},
  ) {
    super();
  }

  /** Connects and resolves once the server has said who we are; rejects with the handshake's error code. */
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
      this.refusals = 0;
      this.setState('connected');
      this.emit('session', info);
    });
    socket.on('presence:snapshot', (s) => this.emit('snapshot', s));
    socket.on('presence:online', (e) => this.emit('online', e));
    socket.on('presence:offline', (o) => this.emit('offline', o));
    socket.on('presence:update', (e) => this.emit('update', e));
    socket.on('signal', (s) => this.emit('signal', s));
    socket.on('session:ended', ({ reason }) => this.emit('ended', reason));
    socket.on('disconnect', (reason) => {
      this.sessionId = undefined;
      // Socket.IO reconnects by itself except after a disconnect the server chose (logout, expiry).
      this.setState(
        reason === 'io server disconnect' || reason === 'io client disconnect'
          ? 'disconnected'
          : 'reconnecting',
      );
    });
    socket.io.on('reconnect_attempt', () => this.setState('reconnecting'));

    return new Promise<SessionInfo>((resolve, reject) => {
      const onSession = (info: SessionInfo) => {
        socket.off('connect_error', onFirstError);
        resolve(info);
      };
      const onFirstError = (err: Error & { data?: { code?: string } }) => {
        socket.off('session', onSession);
        this.disconnect();
        reject(toSignalingError(err));
      };
      socket.once('session', onSession);
      socket.once('connect_error', onFirstError);
      // After the first success, a refused reconnection (token revoked meanwhile) ends the session.
      socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
        if (this.state === 'connecting') return;
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
          const max = this.options.reconnectionDelayMax ?? 5000;
          const delay = Math.min(max, 500 * 2 ** this.refusals++) * (0.75 + Math.random() / 2);
          setTimeout(() => {
            if (this.socket === socket && !socket.connected) socket.connect();
          }, delay);
        }
      });
    });
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
    clearTimeout(this.watchdog);
    if (!this.socket) return;
    this.socket.removeAllListeners();
    this.socket.io.removeAllListeners();
    this.socket.disconnect();
    this.socket = null;
    this.sessionId = undefined;
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
    clearTimeout(this.watchdog);
    if (this.state !== 'reconnecting') return;
    const socket = this.socket;
    this.watchdog = setTimeout(
      () => {
        if (this.socket !== socket || this.state !== 'reconnecting') return;
        // A fresh connection; if the server is still away, keep reconnecting (and watching).
        this.connect().catch(() => this.setState('reconnecting'));
      },
      2 * (this.options.reconnectionDelayMax ?? 5000),
    );
  }
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

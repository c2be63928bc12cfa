import type { ErrorCode } from './protocol/codes.js';

/** Which part of the client an error comes from. */
export type P2PErrorLayer = 'auth' | 'signaling' | 'rtc' | 'peer';

/** Codes of errors raised by the client itself, besides the server's {@link ErrorCode}s. */
export const ClientErrorCode = {
  /** The server could not be reached (network down, wrong URL, CORS refused). */
  NETWORK: 'NETWORK',
  /** The server answered with something that is not the protocol. */
  BAD_RESPONSE: 'BAD_RESPONSE',
  /** This call needs a logged-in client. */
  NOT_LOGGED_IN: 'NOT_LOGGED_IN',
  /** This call needs `connect()` first. */
  NOT_CONNECTED: 'NOT_CONNECTED',
  /** No RTCPeerConnection implementation: pass `rtc` to `createClient` (in Node: node-datachannel). */
  NO_WEBRTC: 'NO_WEBRTC',
  /** The peer connection could not be established or was lost. */
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  /** Relay-only mode could not get a TURN relay (credentials wrong or expired, server unreachable), or the
   * connection did not go through one. */
  RELAY_FAILED: 'RELAY_FAILED',
  /** You cancelled the pending message (or deleted it before it went). */
  CANCELLED: 'CANCELLED',
  /** The user declined your conversation request. */
  PEER_DECLINED: 'PEER_DECLINED',
  /** The peer did not acknowledge in time. */
  TIMEOUT: 'TIMEOUT',
  /** The message is larger than {@link MAX_MESSAGE_BYTES} (UTF-8), or too big for a frame once encoded. */
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  /** A peer sent something that is not the protocol; it was dropped. */
  PEER_PROTOCOL: 'PEER_PROTOCOL',
  /** The file is larger than this side's `files.maxFileBytes`, or than the peer accepts. */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** The file arrived, but its SHA-256 did not match what the sender computed. */
  FILE_CORRUPT: 'FILE_CORRUPT',
  /** The transfer was interrupted and the peer did not come back in time to go on with it. */
  INTERRUPTED: 'INTERRUPTED',
  /** The client was closed or logged out while this was under way. */
  CLOSED: 'CLOSED',
} as const;

/** One of the {@link ClientErrorCode} values. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Every code a {@link P2PError} can carry. */
export type P2PErrorCode = ErrorCode | ClientErrorCode;

/**
 * The one error class of the SDK: `code` to switch on, `layer` to say where, `cause` for what lay beneath.
 * Calls reject with it; failures in the background are emitted as the client's `error` event.
 */
export class P2PError extends Error {
  override readonly name = 'P2PError';
  /** Seconds to wait before retrying, when the server said so (`RATE_LIMITED`). */
  readonly retryAfter: number | undefined;

  constructor(
    readonly code: P2PErrorCode,
    message: string,
    readonly layer: P2PErrorLayer,
    options: { cause?: unknown; retryAfter?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfter = options.retryAfter;
  }
}

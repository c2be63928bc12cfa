// The error codes alone, with no schema library, so that the client bundle can use them cheaply.

/**
 * Every error code the server can answer with, over REST (`{ error: { code, message } }`) or in a socket
 * acknowledgement (`{ ok: false, code, message }`). Programs switch on these; messages are for people.
 */
export const ErrorCode = {
  /** The request body, query or socket payload does not match its schema. */
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  /** The request body is larger than the server accepts. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A request body that is not `application/json` (the only type the API reads). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** The request body did not arrive in time; the connection is closed. */
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** A username or e-mail address is already taken. */
  CONFLICT: 'CONFLICT',
  /** Unknown account or wrong password (the two are indistinguishable on purpose). */
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  /** The account exists and the password is right, but the account has been deactivated. */
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  /** No token, or an expired, revoked or unknown one. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The request's Origin is not in the server's allow-list. */
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
  /** No such route or user. */
  NOT_FOUND: 'NOT_FOUND',
  /** Too many attempts; the `Retry-After` header (REST) or `retryAfter` (socket) says when to try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The user already has as many open sessions (tabs, devices) as the server allows. */
  TOO_MANY_SESSIONS: 'TOO_MANY_SESSIONS',
  /** The signal's target is not online (or the named session is not theirs). */
  PEER_UNAVAILABLE: 'PEER_UNAVAILABLE',
  /** The server is starting or shutting down, or its store is unreachable. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** A fault on the server; the message never carries internals. */
  INTERNAL: 'INTERNAL',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

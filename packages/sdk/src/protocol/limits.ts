/**
 * Named limits of the `@p2pchat` wire contract (protocol v1). The server enforces them; the SDK and the
 * elements use them to validate before sending, so a user sees the same rule in both places.
 */

/** The protocol version spoken by this build; sent in `session` and in the data-channel `hello`. */
export const PROTOCOL_VERSION = 1;

/** Usernames: 3 to 32 characters. */
export const USERNAME_MIN_LENGTH = 3;
/** Usernames: 3 to 32 characters. */
export const USERNAME_MAX_LENGTH = 32;
/**
 * Letters, digits and `_`, with single `.` or `-` between them (no leading, trailing or doubled separators).
 * Usernames are unique regardless of case.
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*$/;

/** Passwords: 8 to 128 characters, kept exactly as typed (not trimmed). */
export const PASSWORD_MIN_LENGTH = 8;
/** Passwords: 8 to 128 characters. */
export const PASSWORD_MAX_LENGTH = 128;

/** Longest e-mail address accepted (RFC 5321 path limit). */
export const EMAIL_MAX_LENGTH = 254;

/** Display names: 1 to 64 characters after trimming; default is the username. */
export const DISPLAY_NAME_MAX_LENGTH = 64;
/** Profile bio: at most 500 characters. */
export const BIO_MAX_LENGTH = 500;
/** Profile status line: at most 80 characters; default `Available`. */
export const STATUS_MAX_LENGTH = 80;
/** The status a new account starts with, as in the original design. */
export const DEFAULT_STATUS = 'Available';
/** Avatar URLs: `https:` only, at most 2048 characters; the empty string clears the avatar. */
export const AVATAR_URL_MAX_LENGTH = 2048;

/** Largest JSON body the REST API accepts, in bytes; larger bodies get 413 `PAYLOAD_TOO_LARGE`. */
export const MAX_REST_BODY_BYTES = 16 * 1024;

/** Largest `signal` payload (the whole event, serialized as JSON), in bytes. */
export const MAX_SIGNAL_BYTES = 64 * 1024;
/** Largest SDP accepted inside an offer or answer, in characters. */
export const MAX_SDP_LENGTH = 60 * 1024;
/** Longest ICE candidate line, in characters. */
export const MAX_CANDIDATE_LENGTH = 1024;
/** Longest id (user id or session id) accepted in a request. */
export const MAX_ID_LENGTH = 64;

import { z } from 'zod';
import { ErrorCodeSchema } from './errors.js';
import { MAX_CANDIDATE_LENGTH, MAX_ID_LENGTH, MAX_SDP_LENGTH } from './limits.js';
import { PublicUserSchema } from './users.js';

/** Socket.IO event names of protocol v1 (default namespace). */
export const SocketEvent = {
  session: 'session',
  presenceSnapshot: 'presence:snapshot',
  presenceChanges: 'presence:changes',
  presenceOnline: 'presence:online',
  presenceOffline: 'presence:offline',
  presenceUpdate: 'presence:update',
  signal: 'signal',
  sessionEnded: 'session:ended',
} as const;

/** What the handshake sends: `io(url, { auth: { token } })`. */
export const HandshakeAuthSchema = z.object({ token: z.string().min(1).max(512) });
/** What the handshake sends. */
export type HandshakeAuth = z.infer<typeof HandshakeAuthSchema>;

/** `session`: who the server says you are, and the id of this connection. */
export const SessionInfoSchema = z.object({
  user: PublicUserSchema,
  sessionId: z.string(),
  protocolVersion: z.number().int(),
});
/** `session` payload. */
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** One online user and the ids of their open sessions (tabs, devices). */
export const PresenceEntrySchema = z.object({
  user: PublicUserSchema,
  sessions: z.array(z.string()),
});
/** One online user and their sessions. */
export type PresenceEntry = z.infer<typeof PresenceEntrySchema>;

/** `presence:snapshot`: everyone online when you connected (yourself included). */
export const PresenceSnapshotSchema = z.object({ users: z.array(PresenceEntrySchema) });
/** `presence:snapshot` payload. */
export type PresenceSnapshot = z.infer<typeof PresenceSnapshotSchema>;

/**
 * `presence:changes`: what changed since the last one, each user once, as they are now: `users` came online
 * or changed (sessions, profile); `offline` went offline. Batched: at most one every 50 ms (longer on a busy
 * server), instead of one event per change.
 */
export const PresenceChangesSchema = z.object({
  users: z.array(PresenceEntrySchema),
  offline: z.array(z.string()),
});
/** `presence:changes` payload. */
export type PresenceChanges = z.infer<typeof PresenceChangesSchema>;

/** `presence:offline`: the user's last session closed (servers before protocol 1.3 send these). */
export const PresenceOfflineSchema = z.object({ userId: z.string() });
/** `presence:offline` payload. */
export type PresenceOffline = z.infer<typeof PresenceOfflineSchema>;

/** Why the server is about to close this connection. */
export const SessionEndReasonSchema = z.enum([
  'logout',
  'token-expired',
  /** The account was deleted, or disabled by an operator. */
  'account-closed',
  'too-many-sessions',
  'rate-limited',
  'server-shutdown',
]);
/** Why the server is about to close this connection. */
export type SessionEndReason = z.infer<typeof SessionEndReasonSchema>;

/** `session:ended`: sent just before the server closes the connection; do not reconnect with this token
 * after `logout` or `token-expired`. */
export const SessionEndedSchema = z.object({ reason: SessionEndReasonSchema });
/** `session:ended` payload. */
export type SessionEnded = z.infer<typeof SessionEndedSchema>;

const IdSchema = z.string().min(1).max(MAX_ID_LENGTH);

/**
 * Kinds of signal. `bye` tells the peer this side closed the conversation; `hold` that its offer waits for
 * the user to accept a conversation request; `decline` that the user declined it.
 */
export const SignalTypeSchema = z.enum(['offer', 'answer', 'candidate', 'bye', 'hold', 'decline']);
/** Kinds of signal. */
export type SignalType = z.infer<typeof SignalTypeSchema>;

const DescriptionDataSchema = z.object({ sdp: z.string().max(MAX_SDP_LENGTH) });
const CandidateDataSchema = z.object({
  candidate: z.string().max(MAX_CANDIDATE_LENGTH),
  sdpMid: z.string().max(MAX_ID_LENGTH).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/** The payload of each signal type; unknown fields are dropped. */
export const SignalBodySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('offer'), data: DescriptionDataSchema }),
  z.object({ type: z.literal('answer'), data: DescriptionDataSchema }),
  z.object({ type: z.literal('candidate'), data: CandidateDataSchema.nullable() }),
  z.object({ type: z.literal('bye'), data: z.object({}).optional() }),
  z.object({ type: z.literal('hold'), data: z.object({}).optional() }),
  z.object({ type: z.literal('decline'), data: z.object({}).optional() }),
]);
/** The payload of each signal type. */
export type SignalBody = z.infer<typeof SignalBodySchema>;

/** client → server `signal`: to a user (all their sessions) or, with `toSession`, one session of theirs. */
export const SignalRequestSchema = z.intersection(
  z.object({ to: IdSchema, toSession: IdSchema.optional() }),
  SignalBodySchema,
);
/** client → server `signal` payload. */
export type SignalRequest = z.infer<typeof SignalRequestSchema>;

/** The sender of a relayed signal, stamped by the server (never taken from the payload). */
export const SignalSenderSchema = z.object({
  userId: z.string(),
  username: z.string(),
  sessionId: z.string(),
});
/** The sender of a relayed signal. */
export type SignalSender = z.infer<typeof SignalSenderSchema>;

/** server → client `signal`. */
export const RelayedSignalSchema = z.intersection(
  z.object({ from: SignalSenderSchema, toSession: z.string().optional() }),
  SignalBodySchema,
);
/** server → client `signal` payload. */
export type RelayedSignal = z.infer<typeof RelayedSignalSchema>;

/** The acknowledgement of every client → server event. */
export const AckSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    code: ErrorCodeSchema,
    message: z.string(),
    retryAfter: z.number().optional(),
  }),
]);
/** The acknowledgement of every client → server event. */
export type Ack = z.infer<typeof AckSchema>;

/** Events the server emits, for `Socket<ServerToClientEvents, ClientToServerEvents>`. */
export interface ServerToClientEvents {
  /** Who you are and your session id, once the handshake is accepted. */
  session: (info: SessionInfo) => void;
  /** Everyone online when you connected. */
  'presence:snapshot': (snapshot: PresenceSnapshot) => void;
  /** What changed since the last batch (protocol 1.3). */
  'presence:changes': (changes: PresenceChanges) => void;
  /** A user came online or opened another session (servers before 1.3). */
  'presence:online': (entry: PresenceEntry) => void;
  /** A user's last session closed (servers before 1.3). */
  'presence:offline': (offline: PresenceOffline) => void;
  /** A user changed their profile (servers before 1.3). */
  'presence:update': (entry: PresenceEntry) => void;
  /** A signal from another user, stamped with who sent it. */
  signal: (signal: RelayedSignal) => void;
  /** The server is about to close this connection, and why. */
  'session:ended': (ended: SessionEnded) => void;
}

/** Events a client may emit; each takes an acknowledgement callback. */
export interface ClientToServerEvents {
  /** Relays a signal to one user (or one session of theirs); acknowledged with `{ok}` or a code. */
  signal: (signal: SignalRequest, ack: (ack: Ack) => void) => void;
}

import type {
  ClientToServerEvents,
  PresenceEntry,
  PublicUser,
  ServerToClientEvents,
} from '@p2pchat/sdk/protocol';
import type { Server, Socket } from 'socket.io';

/** What the handshake learned about a connection, kept on `socket.data`. */
export interface SessionData {
  user: PublicUser;
  tokenHash: string;
  expiresAt: Date;
}

/** A node's presence version: it grows by one with every delta the node sends. */
export interface NodeBeat {
  node: string;
  version: number;
}
/** The users whose presence changed on `node`: as they are there now, or gone from there. */
export interface NodeDelta extends NodeBeat {
  users: PresenceEntry[];
  offline: string[];
}
/** Everyone online on `node`, answered to a `presence:want`. */
export interface NodeState extends NodeBeat {
  users: PresenceEntry[];
}

/**
 * What server nodes tell each other (`io.serverSideEmit`, over the Redis or cluster adapter): presence
 * deltas, heartbeats and resynchronisation, and the account events every node must act on.
 */
export interface InterServerEvents {
  /** A node is alive, with the version of its presence state. */
  'presence:beat': (beat: NodeBeat) => void;
  /** Users who came or went on a node since its last delta. */
  'presence:delta': (delta: NodeDelta) => void;
  /** `from` asks `of` for its whole state. */
  'presence:want': (want: { from: string; of: string }) => void;
  /** A node's whole presence state, answering `presence:want`. */
  'presence:state': (state: NodeState) => void;
  /** The node is stopping: its users are gone from it. */
  'presence:bye': (bye: { node: string }) => void;
  /** A token was revoked (logout): its sockets on every node end. */
  'account:token-revoked': (event: { tokenHash: string }) => void;
  /** An account was deleted or disabled: its sockets on every node end. */
  'account:closed': (event: { userId: string }) => void;
  /** A profile changed: every node shows the new one. */
  'account:profile-updated': (event: { user: PublicUser }) => void;
}

/** The typed Socket.IO server of protocol v1. */
export type RealtimeServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SessionData
>;
/** One typed connection. */
export type RealtimeSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SessionData
>;

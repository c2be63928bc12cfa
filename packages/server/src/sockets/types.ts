import type { ClientToServerEvents, PublicUser, ServerToClientEvents } from '@p2pchat/sdk/protocol';
import type { Server, Socket } from 'socket.io';

/** What the handshake learned about a connection, kept on `socket.data`. */
export interface SessionData {
  user: PublicUser;
  tokenHash: string;
  expiresAt: Date;
}

// No events travel between server nodes yet.
type InterServerEvents = Record<string, never>;

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

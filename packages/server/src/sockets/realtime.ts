import type { Server as HttpServer } from 'node:http';
import { MAX_SIGNAL_BYTES, PROTOCOL_VERSION } from '@p2pchat/sdk/protocol';
import type { PublicUser, SessionEndReason } from '@p2pchat/sdk/protocol';
import { Server } from 'socket.io';
import type { ServerOptions } from 'socket.io';
import type { AccountService } from '../domain/accounts.js';
import type { OriginPolicy } from '../http/origins.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/port.js';
import { allowRequest, authenticateHandshake } from './handshake.js';
import { ClusterLink } from './cluster-link.js';
import type { ClusterTimings } from './cluster-link.js';
import { ClusterRoster } from './cluster-roster.js';
import { atDeadline } from './deadline.js';
import { PresenceFeed } from './presence-feed.js';
import type { SignalLimits } from './signal-relay.js';
import { relaySignals } from './signal-relay.js';
import type { RealtimeServer, RealtimeSocket } from './types.js';

/** What the realtime layer needs from the server. */
export interface RealtimeDeps {
  accounts: AccountService;
  store: Store;
  logger: Logger;
  origins: OriginPolicy;
  trustProxy: number;
  nodeId: string;
  /** Whether the server still takes new connections (false while it shuts down). */
  isAccepting: () => boolean;
  /** Other server nodes to share presence, signals and account events with (absent: this node is alone). */
  cluster?: RealtimeCluster;
}

/** How this node reaches the others. */
export interface RealtimeCluster {
  /** The Socket.IO adapter that carries messages between nodes (Redis, or node:cluster IPC). */
  adapter: NonNullable<Partial<ServerOptions>['adapter']>;
  /** Whether the other nodes can be reached now (false while Redis is down). */
  canSend?: () => boolean;
  timings?: ClusterTimings;
}

/** Tunables of the realtime layer. */
export interface RealtimeOptions {
  /** Open sessions (tabs, devices) one user may have at once. */
  maxSessionsPerUser: number;
  signals: SignalLimits;
  /** Sockets disconnected per event-loop turn at shutdown. */
  shutdownBatch: number;
}

/** Defaults of {@link RealtimeOptions}. */
export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = {
  maxSessionsPerUser: 10,
  signals: { burst: 200, perSecond: 50, abuseRefusals: 200 },
  shutdownBatch: 200,
};

/** The realtime layer attached to an HTTP server. */
export interface Realtime {
  readonly io: RealtimeServer;
  /** Who is online on every node. */
  readonly roster: ClusterRoster;
  /** Ends every session in batches, records them closed, and closes Socket.IO and the HTTP server. */
  close(): Promise<void>;
}

// The only events a client may send; everything else is dropped before dispatch, so names such as
// `disconnect`, `error` or `__proto__` never reach a listener.
const CLIENT_EVENTS = new Set(['signal']);

// How often each node looks in the store for tokens revoked elsewhere, and how far back, ms.
const REVOCATION_SWEEP_MS = 3_000;
const REVOCATION_LOOKBACK_MS = 30_000;

// How long shutdown waits for closed transports to finish before forcing the rest.
const SHUTDOWN_DRAIN_MS = 2_000;

/**
 * Socket.IO on the app's HTTP server: handshake authentication and origin checks, per-user presence,
 * the signal relay, chat session records, and disconnection at logout or token expiry.
 */
export function attachRealtime(
  httpServer: HttpServer,
  deps: RealtimeDeps,
  options: RealtimeOptions = DEFAULT_REALTIME_OPTIONS,
): Realtime {
  const { accounts, store, logger } = deps;
  const io: RealtimeServer = new Server(httpServer, {
    serveClient: false,
    ...(deps.cluster ? { adapter: deps.cluster.adapter } : {}),
    // Room for the largest signal and its framing; larger packets close the connection.
    maxHttpBufferSize: MAX_SIGNAL_BYTES * 2,
    // A vanished client (network lost, laptop closed) goes offline within about 15 seconds.
    pingInterval: 10_000,
    pingTimeout: 5_000,
    allowRequest: allowRequest(deps.origins, deps.trustProxy),
    cors: {
      origin: (origin, cb) =>
        cb(null, origin !== undefined && deps.origins.allowsCrossOrigin(origin)),
      credentials: false,
    },
  });
  const roster = new ClusterRoster();
  const feed = new PresenceFeed(io, roster);
  const socketsByToken = new Map<string, Set<RealtimeSocket>>();
  // Store writes still under way; shutdown waits for them before closing the store.
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>, what: string) => {
    const tracked = p.catch((err: unknown) => logger.error({ err }, `${what} failed`));
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
  };

  const end = (socket: RealtimeSocket, reason: SessionEndReason) => {
    if (!socket.connected) return;
    socket.emit('session:ended', { reason });
    // At shutdown, close the transport (after flushing the line above) rather than disconnecting: a
    // Socket.IO client reconnects by itself after a transport close, never after a server disconnect.
    if (reason === 'server-shutdown') socket.conn.close();
    else socket.disconnect(true);
  };

  const onRevoked = (tokenHash: string) => {
    for (const socket of [...(socketsByToken.get(tokenHash) ?? [])]) end(socket, 'logout');
  };
  const onProfile = (user: PublicUser) => {
    if (roster.updateUser(user)) feed.changed(user.id);
  };
  const onClosed = (userId: string) => {
    for (const id of [...roster.local.sessionsOf(userId)]) {
      const socket = io.sockets.sockets.get(id);
      if (socket) end(socket, 'account-closed');
    }
  };
  const link =
    deps.cluster &&
    new ClusterLink(
      io,
      roster,
      deps.nodeId,
      {
        presenceChanged: (ids) => {
          for (const id of ids) feed.changed(id);
        },
        tokenRevoked: onRevoked,
        profileUpdated: onProfile,
        accountClosed: onClosed,
      },
      logger,
      deps.cluster.canSend,
      deps.cluster.timings,
    );
  // A local session came or went: this node's clients and the other nodes hear of it.
  const changed = (userId: string) => {
    feed.changed(userId);
    link?.localChanged(userId);
  };

  io.use(
    authenticateHandshake(accounts, roster, logger, {
      maxSessionsPerUser: options.maxSessionsPerUser,
      isAccepting: deps.isAccepting,
    }),
  );

  io.on('connection', (socket) => {
    if (!deps.isAccepting()) {
      socket.conn.close(); // shutting down: the client retries by itself until the server is back
      return;
    }
    const { user, tokenHash, expiresAt } = socket.data;
    // Two handshakes of one user can pass the cap check together; the second to arrive here is ended.
    if (roster.sessionCount(user.id) >= options.maxSessionsPerUser) {
      end(socket, 'too-many-sessions');
      return;
    }
    socket.use(([event], next) => {
      if (CLIENT_EVENTS.has(event)) next();
    });

    roster.local.add(user, socket.id);
    let tokenSockets = socketsByToken.get(tokenHash);
    if (!tokenSockets) socketsByToken.set(tokenHash, (tokenSockets = new Set()));
    tokenSockets.add(socket);
    const connectedAt = new Date();
    track(
      store.sessions.open({
        sessionId: socket.id,
        userId: user.id,
        nodeId: deps.nodeId,
        connectedAt,
        disconnectedAt: null,
        isActive: true,
      }),
      'recording the session',
    );
    const cancelExpiry = atDeadline(expiresAt.getTime(), () => end(socket, 'token-expired'));

    relaySignals(io, socket, roster, logger, options.signals, () => {
      logger.warn(
        { userId: user.id, sessionId: socket.id },
        'disconnecting a socket that keeps flooding signals',
      );
      end(socket, 'rate-limited');
    });

    socket.emit('session', { user, sessionId: socket.id, protocolVersion: PROTOCOL_VERSION });
    // the roster comes with the next presence batch (right away on a quiet server)
    feed.snapshotFor(socket.id);
    changed(user.id);
    logger.info({ userId: user.id, sessionId: socket.id }, 'session opened');

    socket.on('disconnect', (reason) => {
      cancelExpiry();
      tokenSockets.delete(socket);
      if (tokenSockets.size === 0) socketsByToken.delete(tokenHash);
      if (roster.local.remove(user.id, socket.id)) changed(user.id);
      track(store.sessions.close(socket.id, new Date()), 'closing the session');
      logger.info({ userId: user.id, sessionId: socket.id, reason }, 'session closed');
    });
  });

  // Account events raised on this node: acted on here, and passed on to the other nodes.
  const hereAndThere =
    <T>(here: (arg: T) => void, there: ((arg: T) => void) | undefined) =>
    (arg: T) => {
      here(arg);
      there?.(arg);
    };
  const revokedHere = hereAndThere(onRevoked, link && ((h: string) => link.tokenRevoked(h)));
  const profileHere = hereAndThere(onProfile, link && ((u: PublicUser) => link.profileUpdated(u)));
  const closedHere = hereAndThere(onClosed, link && ((id: string) => link.accountClosed(id)));
  accounts.on('token:revoked', revokedHere);
  accounts.on('profile:updated', profileHere);
  accounts.on('account:closed', closedHere);

  // Revocations made by processes that share the store but not a cluster link (an operator disabling an
  // account from the command line, a node without Redis): looked for every few seconds.
  let sweptTo = new Date(Date.now() - REVOCATION_LOOKBACK_MS);
  const sweepRevoked = async () => {
    const now = new Date();
    const revoked = await store.tokens.revokedSince(sweptTo);
    sweptTo = new Date(now.getTime() - REVOCATION_LOOKBACK_MS); // overlap: clocks and slow writes
    // Only tokens with sockets here are looked at further (most were ended where they were revoked).
    for (const { tokenHash, userId } of revoked) {
      const sockets = [...(socketsByToken.get(tokenHash) ?? [])];
      if (sockets.length === 0) continue;
      const reason = (await accounts.isAccountClosed(userId)) ? 'account-closed' : 'logout';
      for (const socket of sockets) end(socket, reason);
    }
  };
  const sweep = setInterval(() => {
    if (socketsByToken.size === 0) return;
    sweepRevoked().catch((err: unknown) =>
      logger.warn({ err }, 'could not look for revoked tokens'),
    );
  }, REVOCATION_SWEEP_MS);
  sweep.unref();

  let closing: Promise<void> | null = null;
  return {
    io,
    roster,
    close() {
      closing ??= (async () => {
        accounts.off('token:revoked', revokedHere);
        accounts.off('profile:updated', profileHere);
        accounts.off('account:closed', closedHere);
        clearInterval(sweep);
        feed.close(); // the people leaving now need not hear of each other
        link?.close(); // the other nodes drop this node's users at once
        const sockets = [...io.sockets.sockets.values()];
        for (let i = 0; i < sockets.length; i += options.shutdownBatch) {
          for (const socket of sockets.slice(i, i + options.shutdownBatch)) {
            end(socket, 'server-shutdown');
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
        // Transports close asynchronously; give them a moment, then Socket.IO closes whatever is left.
        const deadline = Date.now() + SHUTDOWN_DRAIN_MS;
        while (io.sockets.sockets.size > 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await new Promise<void>((resolve) => {
          void io.close(() => resolve());
          // A connection that is neither idle nor Socket.IO's (a request in flight, an upgrade half done)
          // would hold the server open for its own timeout, a minute or more; close it after a moment.
          setTimeout(() => httpServer.closeAllConnections(), SHUTDOWN_DRAIN_MS).unref();
        });
        await Promise.all(pending);
        // A store that is already gone must not keep the server from stopping.
        await store.sessions
          .closeActiveOnNode(deps.nodeId, new Date())
          .catch((err: unknown) => logger.error({ err }, 'could not record the sessions closed'));
      })();
      return closing;
    },
  };
}

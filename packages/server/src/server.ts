import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { AccountService } from './domain/accounts.js';
import { createPasswordHasher } from './domain/passwords.js';
import { AuthRateLimiter } from './domain/rate-limits.js';
import type { RateLimitBackend } from './domain/rate-limits.js';
import { createOriginPolicy } from './http/origins.js';
import { createLogger } from './log.js';
import type { Logger } from './log.js';
import { DEFAULT_REALTIME_OPTIONS, attachRealtime } from './sockets/realtime.js';
import type { Realtime, RealtimeCluster, RealtimeOptions } from './sockets/realtime.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/port.js';

/** A started server. */
export interface RunningServer {
  /** The base URL it listens on, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly port: number;
  readonly httpServer: HttpServer;
  readonly store: Store;
  readonly accounts: AccountService;
  readonly realtime: Realtime;
  readonly logger: Logger;
  /** Stops accepting, drains, closes the store. Safe to call more than once. */
  close(): Promise<void>;
}

/** Extras for embedding and tests. */
export interface StartOptions {
  /** Where log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Use this store instead of opening the configured one (it is closed on shutdown all the same). */
  store?: Store;
  /** Realtime limits other than the defaults (signal rate, shutdown batch). */
  realtime?: Partial<RealtimeOptions>;
  /**
   * The other nodes, when not over Redis (`config.redisUrl` wins): the workers of `--workers N` pass the
   * cluster adapter here.
   */
  cluster?: RealtimeCluster;
  /** Where auth rate limits are counted when not in Redis (default: this process's memory). */
  rateLimits?: RateLimitBackend;
  /**
   * Listen on `config.port` (default true). False for a `--workers` worker: its primary holds the port and
   * hands it the connections.
   */
  listen?: boolean;
}

const TOKEN_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** How often each node records its heartbeat in the store, and looks for nodes that stopped, ms. */
const NODE_BEAT_MS = 3_000;
/** A node whose last heartbeat is older than this is gone: its open sessions are closed, ms. */
const NODE_STALE_MS = 10_000;

/** The URL a server listening on `host`:`port` is reached at (a wildcard host shown as loopback). */
export function baseUrl(host: string, port: number): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return `http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${port}`;
}

/**
 * Opens the store, builds the app, attaches Socket.IO and listens. Sessions this node left open (after a
 * crash) are closed first. Resolves once the server accepts connections.
 *
 * @example
 * ```ts
 * const server = await startServer(loadConfig());
 * console.log(server.url);
 * process.on('SIGTERM', () => server.close());
 * ```
 */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const store = options.store ?? (await openStore(config));
  // This node is alive from here on; sessions it (by a stable NODE_ID) or any node that stopped beating
  // left open after a crash are closed.
  const startedAt = new Date();
  await store.nodes.beat(config.nodeId, startedAt);
  const stale =
    (await store.sessions.closeActiveOnNode(config.nodeId, startedAt)) +
    (await store.sessions.closeOrphaned(new Date(startedAt.getTime() - NODE_STALE_MS), startedAt));
  if (stale > 0)
    logger.info(
      { count: stale, nodeId: config.nodeId },
      'closed sessions left open by processes that stopped',
    );

  // The Redis client is loaded only when a cluster uses it.
  const redis = config.redisUrl
    ? await (await import('./cluster/redis.js')).connectRedis(config.redisUrl, logger)
    : undefined;
  const cluster = redis?.cluster ?? options.cluster;
  const accounts = new AccountService(
    store,
    createPasswordHasher(),
    new AuthRateLimiter(
      { perIp: config.authRateLimitIp, perAccount: config.authRateLimitAccount },
      redis ? { kind: 'redis', client: redis.commands } : options.rateLimits,
    ),
    { tokenTtl: config.tokenTtl, rememberTtl: config.rememberTtl },
  );
  let accepting = true;
  const isAccepting = () => accepting;
  const origins = createOriginPolicy(config.corsOrigins);
  const app = createApp({
    accounts,
    store,
    logger,
    origins,
    ice: config,
    trustProxy: config.trustProxy,
    isAccepting,
    demoPage: config.demoPage,
  });
  const httpServer = createServer(app);
  httpServer.headersTimeout = 20_000;
  httpServer.requestTimeout = 30_000;
  const realtime = attachRealtime(
    httpServer,
    {
      accounts,
      store,
      logger,
      origins,
      trustProxy: config.trustProxy,
      nodeId: config.nodeId,
      isAccepting,
      ...(cluster ? { cluster } : {}),
    },
    {
      ...DEFAULT_REALTIME_OPTIONS,
      maxSessionsPerUser: config.sessionsPerUser,
      ...options.realtime,
    },
  );

  if (options.listen !== false) {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  }
  const port = options.listen === false ? config.port : (httpServer.address() as AddressInfo).port;
  const url = baseUrl(config.host, port);

  // Expired tokens, and the records of chat sessions that ended longer ago than SESSION_RETENTION.
  const purgeOld = () =>
    Promise.all([
      accounts.purgeExpiredTokens(),
      store.sessions.purgeClosedBefore(new Date(Date.now() - config.sessionRetention * 1000)),
    ]);
  const purge = setInterval(() => {
    purgeOld().catch((err: unknown) => logger.warn({ err }, 'purge failed'));
  }, TOKEN_PURGE_INTERVAL_MS);
  purge.unref();
  await purgeOld().catch((err: unknown) => logger.warn({ err }, 'purge failed'));

  const beat = setInterval(() => {
    const now = new Date();
    store.nodes
      .beat(config.nodeId, now)
      .then(() => store.sessions.closeOrphaned(new Date(now.getTime() - NODE_STALE_MS), now))
      .then((closed) => {
        if (closed > 0) logger.info({ count: closed }, 'closed sessions of a node that stopped');
      })
      .catch((err: unknown) => logger.warn({ err }, 'node heartbeat failed'));
  }, NODE_BEAT_MS);
  beat.unref();

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      accepting = false; // readiness answers 503 and new handshakes are refused from here on
      clearInterval(purge);
      clearInterval(beat);
      await realtime.close(); // ends sessions in batches, then closes Socket.IO and the HTTP server
      await store.nodes
        .forget(config.nodeId)
        .catch((err: unknown) => logger.warn({ err }, 'could not remove the node record'));
      await store.close();
      await redis?.close();
      logger.info('server stopped');
    })();
    return closing;
  };

  logger.info(
    {
      url,
      store: store.kind,
      nodeId: config.nodeId,
      cluster: redis ? 'redis' : options.cluster ? 'workers' : 'none',
    },
    'server listening',
  );
  return { url, port, httpServer, store, accounts, realtime, logger, close };
}

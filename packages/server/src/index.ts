/**
 * `@p2pchat/server`: the reference server. `createApp` builds the HTTP app without listening; `startServer`
 * opens the store and listens; `loadConfig` reads the environment.
 *
 * @example
 * ```ts
 * import { loadConfig, startServer } from '@p2pchat/server';
 * const server = await startServer(loadConfig({ PORT: '3000', DATA_DIR: './data' }));
 * ```
 */
export { createApp } from './app.js';
export type { AppDeps } from './app.js';
export type { IceOptions } from './domain/ice.js';
export { startServer } from './server.js';
export type { RunningServer, StartOptions } from './server.js';
export { loadConfig, ConfigError, CONFIG_VARIABLES } from './config.js';
export type { Config } from './config.js';
export { AccountService } from './domain/accounts.js';
export type { Authenticated, AccountEvents, AccountServiceOptions } from './domain/accounts.js';
export type { PasswordHasher } from './domain/passwords.js';
export type { AuthRateLimiter, RateLimitBackend } from './domain/rate-limits.js';
export { AppError } from './domain/errors.js';
export { attachRealtime, DEFAULT_REALTIME_OPTIONS } from './sockets/realtime.js';
export type {
  Realtime,
  RealtimeCluster,
  RealtimeDeps,
  RealtimeOptions,
} from './sockets/realtime.js';
export type {
  InterServerEvents,
  NodeBeat,
  NodeDelta,
  NodeState,
  RealtimeServer,
  SessionData,
} from './sockets/types.js';
export type { ClusterTimings } from './sockets/cluster-link.js';
export type { ClusterRoster } from './sockets/cluster-roster.js';
export type { SignalLimits } from './sockets/signal-relay.js';
export type { PresenceChange } from './sockets/presence-roster.js';
export { PresenceRoster } from './sockets/presence-roster.js';
export { createOriginPolicy } from './http/origins.js';
export type { OriginPolicy } from './http/origins.js';
export { openStore } from './store/open-store.js';
export type { StoreLocation } from './store/open-store.js';
export { openEmbeddedStore } from './store/embedded/sqlite-store.js';
export type { EmbeddedStoreOptions } from './store/embedded/sqlite-store.js';
export { openMongoStore } from './store/mongo/mongo-store.js';
export type { MongoStoreOptions } from './store/mongo/mongo-store.js';
export { UniqueViolationError } from './store/port.js';
export type * from './store/port.js';

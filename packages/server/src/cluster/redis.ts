import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { RealtimeCluster } from '../sockets/realtime.js';

/** The Redis connections of one node. */
export interface RedisLink {
  /** The Socket.IO adapter and how to tell whether the other nodes are reachable. */
  readonly cluster: RealtimeCluster;
  /** The connection the rate limits count on (commands fail at once while Redis is down). */
  readonly commands: Redis;
  close(): Promise<void>;
}

/** How long start-up waits for Redis before going on without it (it keeps retrying), ms. */
const FIRST_CONNECT_MS = 5_000;

/**
 * Connects to Redis for the Socket.IO adapter (one connection publishes, one subscribes) and for the rate
 * limits. Redis going away must never stop this node serving its own users, so:
 * - the publishing and command connections have no offline queue: while Redis is down a publish fails at once
 *   (and is dropped, logged once per outage) instead of piling up and arriving late, or rejecting unhandled;
 * - the subscribing connection retries for ever and subscribes again when Redis is back;
 * - presence is resent by the nodes' beats (see ClusterLink), so nothing lost in the outage stays lost.
 */
export async function connectRedis(url: string, logger: Logger): Promise<RedisLink> {
  const retryStrategy = (times: number) => Math.min(times * 200, 2_000);
  const publisher = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy,
    lazyConnect: true,
  });
  const subscriber = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy,
    lazyConnect: true,
  });
  const commands = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy,
    lazyConnect: true,
  });

  let down = false;
  for (const [name, client] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
    ['commands', commands],
  ] as const) {
    client.on('error', (err: Error) => {
      if (!down) logger.warn({ err: { message: err.message }, client: name }, 'Redis unreachable');
      down = true;
    });
    client.on('ready', () => {
      if (down) logger.info({ client: name }, 'Redis reachable again');
      down = false;
    });
  }

  // The adapter publishes without handling the promise; a failed publish must not become an unhandled
  // rejection (which would stop the process).
  const publish = publisher.publish.bind(publisher) as (...a: unknown[]) => Promise<number>;
  (publisher as unknown as { publish: (...a: unknown[]) => Promise<number> }).publish = (
    ...args: unknown[]
  ) => publish(...args).catch(() => 0);

  const ready = (client: Redis) =>
    client.connect().catch(() => undefined /* retried by ioredis; logged by the error handler */);
  const first = Promise.all([ready(publisher), ready(subscriber), ready(commands)]);
  const timeout = new Promise((resolve) => setTimeout(resolve, FIRST_CONNECT_MS).unref());
  await Promise.race([first, timeout]);
  if (publisher.status !== 'ready')
    logger.warn('Redis is not reachable yet; serving this node alone until it is');

  return {
    cluster: {
      adapter: createAdapter(publisher, subscriber, { key: 'p2pchat' }),
      canSend: () => publisher.status === 'ready' && subscriber.status === 'ready',
    },
    commands,
    async close() {
      await Promise.all(
        [publisher, subscriber, commands].map((c) =>
          c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect(),
        ),
      );
    },
  };
}

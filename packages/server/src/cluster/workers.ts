import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setupPrimary as setupClusterAdapterPrimary } from '@socket.io/cluster-adapter';
import { setupMaster as setupStickyPrimary } from '@socket.io/sticky';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import { baseUrl } from '../server.js';
import { openStore } from '../store/open-store.js';

/** A worker that dies this soon after starting is not restarted (it would only die again), ms. */
const MIN_WORKER_LIFE_MS = 5_000;
/** How long the primary waits for its workers to stop before killing them, ms. */
const STOP_WORKERS_MS = 12_000;

/** What a starting worker adds to its connection count, so new connections go to the others. */
const BOOTING = 1_000_000_000;

/** A worker as `@socket.io/sticky` sees it: it keeps each worker's session count on the worker object. */
type CountedWorker = Worker & { clientsCount?: number };

/** The primary of `p2pchat-server --workers N`, once it listens. */
export interface Primary {
  readonly url: string;
  /** Stops every worker (each ends its sessions and closes its store), then the listening socket. */
  stop(): Promise<void>;
}

/**
 * Runs `workers` server processes behind one port on this machine. The primary holds the port and hands
 * each connection to a worker, always the same one for a Socket.IO session (sticky, so long polling works);
 * the workers share presence, signals and account events over the cluster adapter (or Redis when
 * `REDIS_URL` is set), and the auth rate limits through the primary. The embedded store's migrations run
 * here once, before any worker opens it.
 */
export async function runPrimary(
  config: Config,
  workers: number,
  log: (line: string) => void,
): Promise<Primary> {
  await (await openStore(config)).close(); // creates or migrates the store once, before the workers race
  const httpServer = createServer();
  setupStickyPrimary(httpServer, { loadBalancingMethod: 'least-connection' });
  stopReadingHandedOver(httpServer);
  setupClusterAdapterPrimary();
  // Sticky hands the first bytes of each connection over IPC as a Buffer, which needs structured clone.
  cluster.setupPrimary({ serialization: 'advanced' });
  new RateLimiterClusterMaster();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = baseUrl(config.host, port);

  let stopping = false;
  let started = false;
  let failStart: (err: Error) => void = () => undefined;
  const startedAt = new Map<Worker, number>();
  const fork = () => {
    // Workers print only their own errors; the primary announces the address.
    const worker = cluster.fork({ PORT: String(port), P2PCHAT_WORKER: '1' }) as CountedWorker;
    startedAt.set(worker, Date.now());
    // Sticky's least-connection choice would hand new connections to a worker that is still starting (it
    // has none yet), which cannot take them: a handle sent before the worker listens for it is lost, and
    // that client hangs until its own timeout. Until it says it is ready, it counts as full.
    worker.clientsCount = (worker.clientsCount ?? 0) + BOOTING;
  };
  cluster.on('exit', (worker, code, signal) => {
    const born = startedAt.get(worker) ?? 0;
    startedAt.delete(worker);
    if (stopping) return;
    if (!started) {
      failStart(new Error(`a worker stopped while starting (${signal ?? `exit ${code}`})`));
      return;
    }
    log(`worker ${worker.process.pid} stopped (${signal ?? `exit ${code}`})`);
    if (Date.now() - born >= MIN_WORKER_LIFE_MS) fork();
    else log('not restarting it: it stopped right after starting (see its output above)');
    if (Object.keys(cluster.workers ?? {}).length === 0) {
      log('no workers left; stopping');
      process.exit(1);
    }
  });
  const online = new Promise<void>((resolve, reject) => {
    failStart = reject;
    let ready = 0;
    cluster.on('message', (worker: CountedWorker, message: unknown) => {
      if ((message as { type?: string } | null)?.type !== 'p2pchat:ready') return;
      worker.clientsCount = (worker.clientsCount ?? BOOTING) - BOOTING;
      if (++ready === workers) resolve();
    });
  });
  for (let i = 0; i < workers; i++) fork();
  try {
    await online;
  } catch (err) {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
    httpServer.close();
    throw err;
  }
  started = true;

  return {
    url,
    async stop() {
      stopping = true;
      const all = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
      const exited = Promise.all(
        all.map(
          (w) =>
            new Promise<void>((resolve) =>
              w.isDead() ? resolve() : w.once('exit', () => resolve()),
            ),
        ),
      );
      for (const w of all) w.process.kill('SIGTERM'); // workers wait for this, whatever the primary got
      const force = setTimeout(() => {
        for (const w of all) if (!w.isDead()) w.process.kill('SIGKILL');
      }, STOP_WORKERS_MS);
      await exited;
      clearTimeout(force);
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/** The part of a `net.Socket` that {@link stopReadingHandedOver} needs (Node's own, not typed). */
type HandleHolder = Socket & { _handle?: { readStop?: () => number } | null };

/**
 * Sticky reads the first bytes of a connection, then sends its handle to a worker. Node keeps the primary's
 * copy of that handle reading until the send completes and only then closes it, dropping whatever it reads
 * meanwhile: when the primary is busy (a worker just died, another is starting) the worker's reply and the
 * client's next packet (a Socket.IO CONNECT) fit in that gap, and the session hangs with its transport open.
 * So once sticky has handed a socket over, the primary stops reading it at once.
 */
function stopReadingHandedOver(httpServer: HttpServer): void {
  httpServer.on('connection', (socket: HandleHolder) => {
    let handle: HandleHolder['_handle'];
    // Sticky's own 'connection' listener was added first, so its 'data' listener is already there: one of
    // ours goes before it (to keep the handle), one after it (to see whether it was handed over).
    socket.prependListener('data', () => (handle = socket._handle));
    socket.on('data', () => {
      if (handle && socket._handle === null) handle.readStop?.(); // handed over in the listener before
      handle = undefined;
    });
  });
}

/** Whether this process is a worker started by {@link runPrimary}. */
export function isWorker(): boolean {
  return cluster.isWorker && process.env.P2PCHAT_WORKER === '1';
}

/** Tells the primary this worker serves. */
export function announceReady(): void {
  process.send?.({ type: 'p2pchat:ready' });
}

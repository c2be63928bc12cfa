import type { Ack, ClientToServerEvents, ServerToClientEvents } from '@p2pchat/sdk/protocol';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';

/** A test's Socket.IO client, recording every event it receives. */
export interface TestClient {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** Every event received, in order. */
  events: { event: string; payload: unknown }[];
  /** Events of one name received so far. */
  received<T = unknown>(event: string): T[];
  /** Resolves with the next (or an already received, unconsumed) event matching `pred`. */
  next<T = unknown>(event: string, pred?: (payload: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Emits any event without waiting for an acknowledgement (for floods and hostile cases). */
  send(event: string, payload: unknown): void;
  /** Sends a signal (or anything, for hostile cases) and resolves with the acknowledgement. */
  signal(payload: unknown): Promise<Ack>;
  close(): void;
}

/** Options for {@link connectClient}. */
export interface ConnectOptions {
  token?: unknown;
  auth?: Record<string, unknown>;
  transports?: ('websocket' | 'polling')[];
  extraHeaders?: Record<string, string>;
  reconnection?: boolean;
}

/** Opens a client without waiting; see {@link connected} and {@link refused}. */
export function openClient(url: string, opts: ConnectOptions = {}): TestClient {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    auth: opts.auth ?? (opts.token === undefined ? {} : { token: opts.token }),
    transports: opts.transports ?? ['websocket'],
    extraHeaders: opts.extraHeaders,
    reconnection: opts.reconnection ?? false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    forceNew: true,
    timeout: 5000,
  });
  const events: { event: string; payload: unknown }[] = [];
  const consumed = new Set<number>();
  const waiters: (() => void)[] = [];
  socket.onAny((event: string, payload: unknown) => {
    events.push({ event, payload });
    for (const w of [...waiters]) w();
  });
  for (const event of ['connect', 'disconnect', 'connect_error']) {
    socket.on(event as 'connect', (payload?: unknown) => {
      events.push({ event, payload });
      for (const w of [...waiters]) w();
    });
  }
  const client: TestClient = {
    socket,
    events,
    received: <T>(event: string) =>
      events.filter((e) => e.event === event).map((e) => e.payload as T),
    next<T>(event: string, pred: (payload: T) => boolean = () => true, timeoutMs = 5000) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const i = events.findIndex(
            (e, idx) => !consumed.has(idx) && e.event === event && pred(e.payload as T),
          );
          if (i === -1) return false;
          consumed.add(i);
          cleanup();
          resolve(events[i]?.payload as T);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no "${event}" within ${timeoutMs} ms; got: ${events.map((e) => e.event).join(', ')}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          const at = waiters.indexOf(check as () => void);
          if (at >= 0) waiters.splice(at, 1);
        };
        if (!check()) waiters.push(check as () => void);
      });
    },
    send(event, payload) {
      (socket as unknown as Socket).emit(event, payload);
    },
    signal(payload) {
      return socket.timeout(5000).emitWithAck('signal', payload as never) as Promise<Ack>;
    },
    close() {
      socket.disconnect();
    },
  };
  return client;
}

/** Opens a client and waits for its `session` and `presence:snapshot`. */
export async function connected(url: string, opts: ConnectOptions = {}): Promise<TestClient> {
  const client = openClient(url, opts);
  await client.next('session');
  await client.next('presence:snapshot');
  return client;
}

/** Opens a client that must be refused; resolves with the `connect_error`. */
export async function refused(
  url: string,
  opts: ConnectOptions = {},
): Promise<Error & { data?: { code?: string } }> {
  const client = openClient(url, opts);
  try {
    return await client.next<Error & { data?: { code?: string } }>('connect_error');
  } finally {
    client.close();
  }
}

/** Waits `ms` milliseconds: for asserting that something did not arrive. */
export const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

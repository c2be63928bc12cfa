import { Buffer } from 'node:buffer';
import { MAX_SIGNAL_BYTES, parseSignalRequest, TokenBucket } from '@p2pchat/sdk/protocol';
import type { Ack, ErrorCode, RelayedSignal, SignalRequest } from '@p2pchat/sdk/protocol';
import type { Logger } from '../log.js';
import type { ClusterRoster } from './cluster-roster.js';
import type { RealtimeServer, RealtimeSocket } from './types.js';

/** Per-socket signal limits. */
export interface SignalLimits {
  /** Signals a socket may send at once (ICE trickling sends a burst). */
  burst: number;
  /** Signals per second, sustained. */
  perSecond: number;
  /** Refused signals within ten seconds after which the socket is disconnected. */
  abuseRefusals: number;
}

const ABUSE_WINDOW_MS = 10_000;

const refuse = (code: ErrorCode, message: string, retryAfter?: number): Ack =>
  retryAfter === undefined
    ? { ok: false, code, message }
    : { ok: false, code, message, retryAfter };

const noReply = (): void => undefined;

// What JSON leaves out of an object (and writes as null in an array).
const omitted = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

// Signals are two or three levels deep; anything deeper is not one, and is not walked further.
const MAX_DEPTH = 8;

/**
 * How many bytes `value` takes as JSON (exactly, but for escapes): the UTF-8 bytes of every string and key,
 * the digits of numbers, and the punctuation, without serializing it (this runs for every signal, and a serialized copy
 * of each would be garbage the moment it was measured). Escapes are not counted, so a string full of
 * quotes or control characters is undercounted; Socket.IO's own packet limit (`maxHttpBufferSize`) still
 * bounds those. Past `MAX_DEPTH` the answer is Infinity.
 */
export function jsonBytes(value: unknown, depth = 0): number {
  switch (typeof value) {
    case 'string':
      return Buffer.byteLength(value, 'utf8') + 2;
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'object': {
      if (value === null) return 4;
      if (depth >= MAX_DEPTH) return Number.POSITIVE_INFINITY;
      // the brackets, and a comma between items
      let n = 1;
      if (Array.isArray(value)) {
        for (const item of value as unknown[])
          n += 1 + (omitted(item) ? 4 : jsonBytes(item, depth + 1)); // null in an array
        return value.length === 0 ? 2 : n;
      }
      let fields = 0;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const v = (value as Record<string, unknown>)[key];
        if (omitted(v)) continue;
        fields += 1;
        n += Buffer.byteLength(key, 'utf8') + 4 + jsonBytes(v, depth + 1); // "key": and a comma
      }
      return fields === 0 ? 2 : n;
    }
    default:
      return Number.POSITIVE_INFINITY; // a BigInt: JSON cannot hold it
  }
}

// The signal as it is relayed: its type and data, who sent it, and the session it is for if one was named.
// Built in one go rather than by spreading, which left a few objects behind for every signal; `data` only
// when the signal has some (an adapter between nodes would turn an undefined field into null).
function stamped(request: SignalRequest, from: RelayedSignal['from']): RelayedSignal {
  const { type, toSession } = request;
  const r =
    'data' in request
      ? toSession
        ? { type, data: request.data, from, toSession }
        : { type, data: request.data, from }
      : toSession
        ? { type, from, toSession }
        : { type, from };
  return r as RelayedSignal;
}

/**
 * Handles `signal` from one socket: rate-limited, size-capped, parsed, stamped with the sender the server
 * knows, and delivered only to the target user's sessions (or the one session named). Nothing is ever
 * broadcast; a signal without a valid target reaches nobody.
 */
export function relaySignals(
  io: RealtimeServer,
  socket: RealtimeSocket,
  roster: ClusterRoster,
  logger: Logger,
  limits: SignalLimits,
  onAbuse: () => void,
): void {
  const bucket = new TokenBucket(limits.burst, limits.perSecond);
  let refusals: number[] = [];
  const me = socket.data.user;
  // Who sent it, as every signal from this socket is stamped (the username never changes).
  const from = { userId: me.id, username: me.username, sessionId: socket.id };
  const debug = logger.isLevelEnabled('debug');

  socket.on('signal', (payload: unknown, ack: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (a: Ack) => void) : noReply;
    if (!bucket.take()) {
      const now = Date.now();
      refusals = refusals.filter((t) => now - t < ABUSE_WINDOW_MS);
      refusals.push(now);
      reply(refuse('RATE_LIMITED', 'Too many signals; slow down.', bucket.retryAfterSeconds()));
      if (refusals.length >= limits.abuseRefusals) onAbuse();
      return;
    }
    if (jsonBytes(payload) > MAX_SIGNAL_BYTES) {
      reply(refuse('PAYLOAD_TOO_LARGE', `A signal may be at most ${MAX_SIGNAL_BYTES} bytes.`));
      return;
    }
    // The same check as SignalRequestSchema, by hand: it runs for every signal (see signal-check.test.ts).
    const parsed = parseSignalRequest(payload);
    if (!parsed) {
      reply(
        refuse(
          'INVALID_PAYLOAD',
          'The signal is not valid: it needs a target (to), a type and its data.',
        ),
      );
      return;
    }
    const { to, toSession } = parsed;
    const reachable = toSession
      ? roster.hasSession(to, toSession) && toSession !== socket.id
      : roster.sessionCount(to) - (to === me.id ? 1 : 0) > 0;
    if (!reachable) {
      reply(refuse('PEER_UNAVAILABLE', 'That user or session is not online.'));
      return;
    }
    const relayed = stamped(parsed, from);
    // Straight to each target socket on this node (cheaper than a room broadcast); through the adapter to
    // the sessions on other nodes, each of which is in a room of its own id.
    const sockets = io.sockets.sockets;
    if (toSession) {
      const target = sockets.get(toSession);
      if (target) target.emit('signal', relayed);
      else io.to(toSession).emit('signal', relayed);
    } else {
      for (const id of roster.local.sessionsOf(to))
        if (id !== socket.id) sockets.get(id)?.emit('signal', relayed);
      const remote = roster.remoteSessionsOf(to);
      if (remote.length > 0) io.to(remote as string[]).emit('signal', relayed);
    }
    if (debug) logger.debug({ from: me.id, to, toSession, type: parsed.type }, 'signal relayed');
    reply({ ok: true });
  });
}

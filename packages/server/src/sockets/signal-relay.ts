import { Buffer } from 'node:buffer';
import { MAX_SIGNAL_BYTES, parseSignalRequest, TokenBucket } from '@p2pchat/sdk/protocol';
import type { Ack, ErrorCode, RelayedSignal } from '@p2pchat/sdk/protocol';
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

function serializedBytes(payload: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY; // not serializable: treat as oversized
  }
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

  socket.on('signal', (payload: unknown, ack: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (a: Ack) => void) : () => undefined;
    if (!bucket.take()) {
      const now = Date.now();
      refusals = refusals.filter((t) => now - t < ABUSE_WINDOW_MS);
      refusals.push(now);
      reply(refuse('RATE_LIMITED', 'Too many signals; slow down.', bucket.retryAfterSeconds()));
      if (refusals.length >= limits.abuseRefusals) onAbuse();
      return;
    }
    if (serializedBytes(payload) > MAX_SIGNAL_BYTES) {
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
    const { to, toSession, ...body } = parsed;
    const me = socket.data.user;
    const reachable = toSession
      ? roster.hasSession(to, toSession) && toSession !== socket.id
      : roster.sessionCount(to) - (to === me.id ? 1 : 0) > 0;
    if (!reachable) {
      reply(refuse('PEER_UNAVAILABLE', 'That user or session is not online.'));
      return;
    }
    const relayed = {
      ...body,
      from: { userId: me.id, username: me.username, sessionId: socket.id },
      ...(toSession ? { toSession } : {}),
    } as RelayedSignal;
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
      if (remote.length > 0) io.to(remote).emit('signal', relayed);
    }
    logger.debug({ from: me.id, to, toSession, type: body.type }, 'signal relayed');
    reply({ ok: true });
  });
}

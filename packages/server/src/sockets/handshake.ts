import type { IncomingMessage } from 'node:http';
import { HandshakeAuthSchema } from '@p2pchat/sdk/protocol';
import type { ErrorCode } from '@p2pchat/sdk/protocol';
import type { AccountService } from '../domain/accounts.js';
import { AppError } from '../domain/errors.js';
import { toPublicUser } from '../domain/views.js';
import type { OriginPolicy } from '../http/origins.js';
import type { Logger } from '../log.js';
import { StoreUnavailableError } from '../store/port.js';
import type { ClusterRoster } from './cluster-roster.js';
import type { RealtimeSocket } from './types.js';

/** An error a handshake fails with; the client reads `err.data.code` in `connect_error`. */
export function handshakeError(
  code: ErrorCode,
  message: string,
): Error & { data: { code: ErrorCode } } {
  return Object.assign(new Error(message), { data: { code } });
}

/** The origin this request reached us on, as a browser would name it. */
function selfOrigin(req: IncomingMessage, trustProxy: number): string {
  const forwarded =
    trustProxy > 0
      ? String(req.headers['x-forwarded-proto'] ?? '')
          .split(',')[0]
          ?.trim()
      : '';
  const encrypted = 'encrypted' in req.socket && req.socket.encrypted === true;
  const proto = forwarded || (encrypted ? 'https' : 'http');
  return `${proto}://${req.headers.host ?? ''}`;
}

/** engine.io's `allowRequest`: every handshake, websocket or polling, must come from an allowed origin. */
export function allowRequest(origins: OriginPolicy, trustProxy: number) {
  return (
    req: IncomingMessage,
    callback: (err: string | null | undefined, success: boolean) => void,
  ) => {
    const ok = origins.allows(req.headers.origin, selfOrigin(req, trustProxy));
    callback(ok ? null : 'ORIGIN_NOT_ALLOWED', ok);
  };
}

/** What the handshake checks besides the token. */
export interface HandshakeOptions {
  maxSessionsPerUser: number;
  isAccepting: () => boolean;
}

/**
 * The namespace middleware: the bearer token from `auth.token` is the only source of identity. On success
 * `socket.data` holds the user; on failure `connect_error` carries `data.code`.
 */
export function authenticateHandshake(
  accounts: AccountService,
  roster: ClusterRoster,
  logger: Logger,
  options: HandshakeOptions,
) {
  return (socket: RealtimeSocket, next: (err?: Error) => void): void => {
    // While shutting down, let the handshake through and close its transport at once (see realtime.ts):
    // a client refused by middleware or by a failed upgrade can stop retrying; one whose transport closed
    // reconnects by itself, and so finds the server when it is back.
    if (!options.isAccepting()) {
      next();
      return;
    }
    const auth = HandshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) {
      next(
        handshakeError('UNAUTHENTICATED', 'Log in first, then connect with { auth: { token } }.'),
      );
      return;
    }
    accounts.authenticate(auth.data.token).then(
      (who) => {
        if (roster.sessionCount(who.user.id) >= options.maxSessionsPerUser) {
          next(
            handshakeError(
              'TOO_MANY_SESSIONS',
              'Too many open sessions; close a tab or device first.',
            ),
          );
          return;
        }
        socket.data = {
          user: toPublicUser(who.user),
          tokenHash: who.tokenHash,
          expiresAt: who.expiresAt,
        };
        next();
      },
      (err: unknown) => {
        if (err instanceof AppError) {
          next(handshakeError(err.code, err.message));
          return;
        }
        if (err instanceof StoreUnavailableError) {
          next(handshakeError('UNAVAILABLE', 'The server cannot reach its data right now.'));
          return;
        }
        logger.error({ err }, 'handshake failed');
        next(handshakeError('INTERNAL', 'Something went wrong on the server.'));
      },
    );
  };
}

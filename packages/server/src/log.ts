import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger };

// Belt and braces: nothing logs these on purpose, and if a future line does, pino blanks them.
const REDACT = [
  'password',
  'token',
  'authorization',
  'credential',
  'turnSecret',
  '*.password',
  '*.token',
  '*.authorization',
  '*.credential',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'auth.token',
];

/** Log bytes held while stdout cannot take them (a slow or stuck reader); past this, lines are dropped. */
const MAX_PENDING_LOG_BYTES = 16 * 1024 * 1024;

/**
 * The server's structured logger (JSON lines on stdout); secrets are redacted. Lines are written
 * asynchronously, so a reader that stops reading (a full pipe) never blocks the server: it goes on serving,
 * holds up to 16 MiB of lines, drops the rest, and still stops on SIGTERM.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'p2pchat-server' },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 1, sync: false, maxLength: MAX_PENDING_LOG_BYTES }),
  );
}

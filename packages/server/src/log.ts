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

/** The server's structured logger (JSON lines on stdout); secrets are redacted. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'p2pchat-server' },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    destination,
  );
}

import type { ErrorCode, PayloadIssue } from '@p2pchat/sdk/protocol';
import type { ZodError } from 'zod';

const STATUS: Record<ErrorCode, number> = {
  INVALID_PAYLOAD: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_DISABLED: 403,
  UNAUTHENTICATED: 401,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  TOO_MANY_SESSIONS: 429,
  PEER_UNAVAILABLE: 404,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** An error the server answers with: a protocol code, a message for people, and an HTTP status. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { issues?: PayloadIssue[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

/** Turns a zod error into the protocol's issue list: paths and messages, never the rejected values. */
export function payloadIssues(error: ZodError): PayloadIssue[] {
  return error.issues.slice(0, 20).map((i) => ({
    path: i.path.map(String).join('.') || '(body)',
    message: i.message,
  }));
}

/** Parses `input` with `schema`, or throws `INVALID_PAYLOAD` listing what is wrong. */
export function parseOrThrow<T>(
  schema: {
    safeParse(input: unknown): { success: true; data: T } | { success: false; error: ZodError };
  },
  input: unknown,
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError('INVALID_PAYLOAD', 'The request is not valid.', {
    issues: payloadIssues(result.error),
  });
}

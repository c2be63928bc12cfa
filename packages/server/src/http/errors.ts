import type { ErrorBody } from '@p2pchat/sdk/protocol';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../log.js';
import { StoreUnavailableError } from '../store/port.js';

/** How long a client should wait before trying again while the store is unavailable, seconds. */
const STORE_RETRY_AFTER_SECONDS = 2;

/** `503 UNAVAILABLE` with `Retry-After`: the store is locked or unreachable for a moment. */
const unavailable = (): AppError =>
  new AppError(
    'UNAVAILABLE',
    'The server cannot reach its data right now; try again in a moment.',
    {
      retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
    },
  );

/** Sends `{ error: { code, message } }` with the error's status (and Retry-After when rate limited). */
export function sendError(res: Response, err: AppError): void {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.extra.issues) body.error.issues = err.extra.issues;
  if (err.extra.retryAfterSeconds !== undefined)
    res.set('Retry-After', String(err.extra.retryAfterSeconds));
  res.status(err.status).json(body);
}

/** 404 for every path no route answered. */
export const notFound: RequestHandler = (_req, _res, next) => {
  next(new AppError('NOT_FOUND', 'There is nothing at this address.'));
};

// body-parser marks its errors with a `type`; map each to a protocol code.
function fromBodyParser(err: unknown): AppError | null {
  if (typeof err !== 'object' || err === null || !('type' in err)) return null;
  switch (err.type) {
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
    case 'entity.parse.failed':
      return new AppError('INVALID_PAYLOAD', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'request.size.invalid':
    case 'request.aborted':
      return new AppError('INVALID_PAYLOAD', 'The request body could not be read.');
    default:
      return null;
  }
}

/** The last middleware: known errors become protocol errors; anything else is logged and answered 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known =
      err instanceof AppError
        ? err
        : err instanceof StoreUnavailableError
          ? unavailable()
          : fromBodyParser(err);
    if (known) {
      if (res.headersSent) return; // answered already (a body refused by jsonBodies, see bodies.ts)
      sendError(res, known);
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    sendError(res, new AppError('INTERNAL', 'Something went wrong on the server.'));
  };
}

import type { ErrorCode } from '@p2pchat/sdk/protocol';
import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../domain/errors.js';
import { sendError } from './errors.js';

/** How long a request body may take to arrive, ms; a slower one is refused and its connection closed. */
export const BODY_TIMEOUT_MS = 10_000;

/**
 * Answers now and closes the connection once the answer is out, without reading the rest of the body
 * (body-parser, refused, would read a body to its end before answering).
 */
function refuseNow(req: Request, res: Response, code: ErrorCode, message: string): void {
  if (!res.headersSent) {
    res.set('Connection', 'close');
    sendError(res, new AppError(code, message));
  }
  res.once('finish', () => req.socket.destroySoon());
}

/**
 * The API's request bodies: JSON only (`application/json`, any other type is 415 before a byte is read), at
 * most `limit` bytes (a declared length over it is 413 at once; a chunked body is cut off as soon as it
 * passes it), and arriving within {@link BODY_TIMEOUT_MS}. Every refusal closes the connection.
 */
export function jsonBodies(limit: number): RequestHandler[] {
  const gate: RequestHandler = (req, res, next) => {
    const length = req.headers['content-length'];
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(length ?? 0) > 0;
    if (!hasBody) {
      next();
      return;
    }
    const tooLarge = `The request body may be at most ${limit} bytes.`;
    if (length !== undefined && Number(length) > limit) {
      refuseNow(req, res, 'PAYLOAD_TOO_LARGE', tooLarge);
      return;
    }
    if (!req.is('application/json')) {
      refuseNow(req, res, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
      return;
    }
    const timer = setTimeout(() => {
      if (!req.complete)
        refuseNow(req, res, 'REQUEST_TIMEOUT', 'The request body did not arrive in time.');
    }, BODY_TIMEOUT_MS);
    timer.unref();
    // A body of no declared length (chunked) is cut off as soon as it passes the limit.
    let received = 0;
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) return;
      req.off('data', count);
      refuseNow(req, res, 'PAYLOAD_TOO_LARGE', tooLarge);
    };
    req.on('data', count);
    const done = () => clearTimeout(timer);
    req.once('end', done);
    req.once('close', done);
    next();
  };
  return [gate, express.json({ limit, strict: true, type: () => true })];
}

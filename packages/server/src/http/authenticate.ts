import type { Request, RequestHandler } from 'express';
import type { AccountService, Authenticated } from '../domain/accounts.js';
import { AppError } from '../domain/errors.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,512})$/;

/** The token of an `Authorization: Bearer …` header, if it has that shape. */
export function bearerToken(req: Request): string | undefined {
  return BEARER.exec(req.get('authorization') ?? '')?.[1];
}

/** Requires a valid bearer token; puts who it belongs to on `res.locals.auth`. */
export function requireAuth(accounts: AccountService): RequestHandler {
  return async (req, res, next) => {
    res.locals.auth = await accounts.authenticate(bearerToken(req));
    next();
  };
}

/** Who the request is from (after {@link requireAuth}). */
export function authOf(locals: Record<string, unknown>): Authenticated {
  const auth = locals.auth as Authenticated | undefined;
  if (!auth) throw new AppError('UNAUTHENTICATED', 'Log in to do this.');
  return auth;
}

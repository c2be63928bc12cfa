import cors from 'cors';
import express from 'express';
import type { Express, RequestHandler } from 'express';
import helmet from 'helmet';
import { MAX_REST_BODY_BYTES, RestPath } from '@p2pchat/sdk/protocol';
import { jsonBodies } from './http/bodies.js';
import type { AccountService } from './domain/accounts.js';
import { AppError } from './domain/errors.js';
import type { IceOptions } from './domain/ice.js';
import { demoRoutes, elementsBundleRoute } from './demo/page.js';
import { errorHandler, notFound } from './http/errors.js';
import type { OriginPolicy } from './http/origins.js';
import { apiRoutes } from './http/routes.js';
import type { Logger } from './log.js';
import type { Store } from './store/port.js';

/** Everything the HTTP app needs; it opens nothing and listens nowhere. */
export interface AppDeps {
  accounts: AccountService;
  store: Store;
  logger: Logger;
  origins: OriginPolicy;
  ice: IceOptions;
  /** Proxy hops whose X-Forwarded-For is trusted (0: the socket's own address). */
  trustProxy: number;
  /** Answers false while the server is shutting down. */
  isAccepting: () => boolean;
  /** Serve the demo page at `/` (needs @p2pchat/elements built). */
  demoPage?: boolean;
}

// One log line per request: method, path, status, time. Never headers, bodies or the query string.
function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const path = req.path; // before a router rewrites it
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        { method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    next();
  };
}

/**
 * Builds the Express app: security headers, origin checks, JSON bodies up to {@link MAX_REST_BODY_BYTES},
 * the `/api` routes, health and readiness, and protocol-shaped errors.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.use(requestLog(deps.logger));
  // The server speaks plain HTTP; HSTS and upgrade-insecure-requests belong to the TLS proxy in front.
  app.use(
    helmet({
      strictTransportSecurity: false,
      // Avatars are https URLs on other hosts; everything else stays 'self'.
      contentSecurityPolicy: {
        directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", 'data:', 'https:'] },
      },
    }),
  );

  app.get(RestPath.health, (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get(RestPath.ready, async (_req, res) => {
    const ready = deps.isAccepting() && (await deps.store.ping());
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable' });
  });

  app.use(
    '/api',
    // Reject a browser origin that is neither ours nor listed, before CORS or any work.
    (req, _res, next) => {
      const selfOrigin = `${req.protocol}://${req.get('host') ?? ''}`;
      if (!deps.origins.allows(req.get('origin'), selfOrigin)) {
        next(new AppError('ORIGIN_NOT_ALLOWED', 'Requests from this origin are not allowed.'));
        return;
      }
      next();
    },
    cors({
      origin: (origin, cb) =>
        cb(null, origin !== undefined && deps.origins.allowsCrossOrigin(origin)),
      credentials: false,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      exposedHeaders: ['Retry-After'],
      maxAge: 600,
    }),
    ...jsonBodies(MAX_REST_BODY_BYTES),
    apiRoutes(deps.accounts, deps.ice),
  );

  const bundle = elementsBundleRoute(deps.origins);
  if (bundle) app.use(bundle);
  if (deps.demoPage) {
    if (bundle) app.use(demoRoutes());
    else deps.logger.warn('demo page off: @p2pchat/elements is not built');
  }

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}

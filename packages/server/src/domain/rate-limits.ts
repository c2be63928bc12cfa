import type { Redis } from 'ioredis';
import {
  RateLimiterCluster,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from './errors.js';

/**
 * Where the counts live: this process's memory; Redis, shared by every node (with memory as the insurance
 * while Redis is down, so limits still hold on each node); or the primary of a `node:cluster`, shared by its
 * workers.
 */
export type RateLimitBackend =
  { kind: 'memory' } | { kind: 'redis'; client: Redis } | { kind: 'workers' };

/** How many attempts each key may make in one window. */
export interface AuthRateLimitOptions {
  /** Login and register attempts per client IP per window. */
  perIp: number;
  /** Failed logins, and registrations, per account (e-mail or username) per window. */
  perAccount: number;
  /** The window, seconds (default 15 minutes). */
  windowSeconds?: number;
}

function rateLimited(msBeforeNext: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError('RATE_LIMITED', 'Too many attempts. Try again later.', { retryAfterSeconds });
}

// rate-limiter-flexible rejects with a RateLimiterRes when the limit is reached, or an Error of its own.
function limited(res: unknown): never {
  throw res instanceof RateLimiterRes ? rateLimited(res.msBeforeNext) : res;
}

function limiter(
  backend: RateLimitBackend,
  keyPrefix: string,
  points: number,
  duration: number,
): RateLimiterAbstract {
  const memory = () => new RateLimiterMemory({ keyPrefix, points, duration });
  switch (backend.kind) {
    case 'memory':
      return memory();
    case 'redis':
      return new RateLimiterRedis({
        storeClient: backend.client,
        keyPrefix: `p2pchat:${keyPrefix}`,
        points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory(),
      });
    case 'workers':
      return new RateLimiterCluster({ keyPrefix, points, duration, timeoutMs: 3_000 });
  }
}

/**
 * Rate limits for login and register: every attempt counts against the IP; failed logins count against the
 * account, whether it exists or not, so the limit reveals nothing. Counted where `backend` says, so several
 * nodes share one count.
 */
export class AuthRateLimiter {
  private readonly ip: RateLimiterAbstract;
  private readonly account: RateLimiterAbstract;
  private readonly perAccount: number;

  constructor(options: AuthRateLimitOptions, backend: RateLimitBackend = { kind: 'memory' }) {
    this.perAccount = options.perAccount;
    const duration = options.windowSeconds ?? 15 * 60;
    this.ip = limiter(backend, 'auth-ip', options.perIp, duration);
    this.account = limiter(backend, 'auth-account', options.perAccount, duration);
  }

  /** Counts one attempt from `ip`; throws `RATE_LIMITED` past the limit. */
  async attemptFromIp(ip: string): Promise<void> {
    await this.ip.consume(ip).catch(limited);
  }

  /** Throws `RATE_LIMITED` when `accountKey` has no attempts left (without counting one). */
  async checkAccount(accountKey: string): Promise<void> {
    const res = await this.account.get(accountKey);
    if (res && res.consumedPoints >= this.perAccount) throw rateLimited(res.msBeforeNext);
  }

  /** Counts one failed (or registering) attempt against `accountKey`. */
  async failedForAccount(accountKey: string): Promise<void> {
    await this.account.consume(accountKey).catch(() => undefined);
  }

  /** Forgets the account's failures after a successful login. */
  async succeededForAccount(accountKey: string): Promise<void> {
    await this.account.delete(accountKey);
  }
}

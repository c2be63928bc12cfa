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
  /** Failed logins (and registrations) per account from one address per window. */
  perAccount: number;
  /** The window, seconds (default 15 minutes). */
  windowSeconds?: number;
}

/**
 * Failures on one account, from all addresses together, past which each address may fail only
 * `FAILURES_BEFORE_DELAY` more times: ten times the per-address limit.
 */
export const ACCOUNT_CEILING_FACTOR = 10;
/**
 * Profile changes one user may make per minute: each one is shown to everyone online, so a user changing
 * their status in a loop would have the server fan out without end.
 */
export const PROFILE_CHANGES = { points: 10, seconds: 60 } as const;

/** Failures from one address on one account before each further try must wait: 1 s, 2 s, 4 s, … */
export const FAILURES_BEFORE_DELAY = 3;

function rateLimited(msBeforeNext: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError('RATE_LIMITED', 'Too many attempts. Try again later.', { retryAfterSeconds });
}

// rate-limiter-flexible rejects with a RateLimiterRes when the limit is reached, or an Error of its own.
function limited(res: unknown): never {
  throw res instanceof RateLimiterRes ? rateLimited(res.msBeforeNext) : res;
}

/** The key of one account tried from one address. */
const pairOf = (accountKey: string, ip: string) => `${accountKey}|${ip}`;

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
 * Rate limits for login and register, shaped so that they cannot be used to lock a user out:
 * - every attempt counts against the client's address (`perIp`);
 * - failed logins count against the account from that address (`perAccount` per window), whether the account
 *   exists or not, so the limit reveals nothing; after `FAILURES_BEFORE_DELAY` failures each further try
 *   from that address waits 1 s, 2 s, 4 s, … (at most the window);
 * - failures from all addresses together have a ceiling (`ACCOUNT_CEILING_FACTOR` × `perAccount`); past
 *   it, an address that has failed `FAILURES_BEFORE_DELAY` times on the account is refused, but one that
 *   has not (the owner's) still gets in. A distributed guesser gets a few tries per address per window.
 * Counted where `backend` says, so several nodes share one count.
 */
export class AuthRateLimiter {
  private readonly ip: RateLimiterAbstract;
  private readonly pair: RateLimiterAbstract;
  private readonly account: RateLimiterAbstract;
  private readonly delay: RateLimiterAbstract;
  private readonly profile: RateLimiterAbstract;
  private readonly perAccount: number;
  private readonly ceiling: number;
  private readonly windowSeconds: number;

  constructor(options: AuthRateLimitOptions, backend: RateLimitBackend = { kind: 'memory' }) {
    this.perAccount = options.perAccount;
    this.ceiling = options.perAccount * ACCOUNT_CEILING_FACTOR;
    this.windowSeconds = options.windowSeconds ?? 15 * 60;
    const duration = this.windowSeconds;
    this.ip = limiter(backend, 'auth-ip', options.perIp, duration);
    this.pair = limiter(backend, 'auth-pair', options.perAccount, duration);
    this.account = limiter(backend, 'auth-account', this.ceiling, duration);
    this.delay = limiter(backend, 'auth-delay', 1, duration);
    this.profile = limiter(backend, 'profile', PROFILE_CHANGES.points, PROFILE_CHANGES.seconds);
  }

  /** Counts one profile change of `userId`; throws `RATE_LIMITED` past `PROFILE_CHANGES`. */
  async profileChange(userId: string): Promise<void> {
    await this.profile.consume(userId).catch(limited);
  }

  /** Counts one attempt from `ip`; throws `RATE_LIMITED` past the limit. */
  async attemptFromIp(ip: string): Promise<void> {
    await this.ip.consume(ip).catch(limited);
  }

  /** Throws `RATE_LIMITED` when `ip` may not try `accountKey` now (without counting an attempt). */
  async checkAccount(accountKey: string, ip: string): Promise<void> {
    const pairKey = pairOf(accountKey, ip);
    const [pair, account, wait] = await Promise.all([
      this.pair.get(pairKey),
      this.account.get(accountKey),
      this.delay.get(pairKey),
    ]);
    const pairFailures = pair?.consumedPoints ?? 0;
    if (pair && pairFailures >= this.perAccount) throw rateLimited(pair.msBeforeNext);
    if (wait && wait.consumedPoints > 1) throw rateLimited(wait.msBeforeNext);
    if (account && account.consumedPoints >= this.ceiling && pairFailures >= FAILURES_BEFORE_DELAY)
      throw rateLimited(account.msBeforeNext);
  }

  /**
   * Counts one failed (or registering) attempt on `accountKey` from `ip`; a failed login (`growingWait`) also
   * makes the next try from `ip` wait, a registration does not.
   */
  async failedForAccount(accountKey: string, ip: string, growingWait = true): Promise<void> {
    const pairKey = pairOf(accountKey, ip);
    const [pair] = await Promise.all([
      this.pair.consume(pairKey).catch((res: unknown) => res),
      this.account.consume(accountKey).catch(() => undefined),
    ]);
    const failures = pair instanceof RateLimiterRes ? pair.consumedPoints : 0;
    if (growingWait && failures >= FAILURES_BEFORE_DELAY) {
      const seconds = Math.min(this.windowSeconds, 2 ** (failures - FAILURES_BEFORE_DELAY));
      await this.delay.block(pairKey, seconds).catch(() => undefined);
    }
  }

  /** Forgets the failures of `ip` on the account after a successful login. */
  async succeededForAccount(accountKey: string, ip: string): Promise<void> {
    const pairKey = pairOf(accountKey, ip);
    await Promise.all([this.pair.delete(pairKey), this.delay.delete(pairKey)]);
  }
}

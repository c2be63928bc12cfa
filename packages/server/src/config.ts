import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DURATION = /^(\d+)(s|m|h|d)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** Parses `90`, `90s`, `15m`, `12h` or `30d` into seconds. */
function durationSeconds(name: string) {
  return z.string().transform((raw, ctx) => {
    const m = DURATION.exec(raw.trim());
    const seconds = m
      ? Number(m[1]) * UNIT_SECONDS[(m[2] ?? 's') as keyof typeof UNIT_SECONDS]
      : NaN;
    if (!Number.isSafeInteger(seconds) || seconds <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be a duration such as 3600, 15m, 12h or 30d`,
      });
      return z.NEVER;
    }
    return seconds;
  });
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function urlList(name: string, schemes: readonly string[]) {
  return z.string().transform((raw, ctx) => {
    const urls = list(raw);
    for (const url of urls) {
      if (!schemes.some((s) => url.startsWith(`${s}:`))) {
        ctx.addIssue({
          code: 'custom',
          message: `${name}: "${url}" must start with ${schemes.join(': or ')}:`,
        });
      }
    }
    return urls;
  });
}

const OriginList = z.string().transform((raw, ctx) => {
  const origins = list(raw);
  for (const origin of origins) {
    if (origin === '*') continue;
    const parsed = URL.canParse(origin) ? new URL(origin) : null;
    if (
      !parsed ||
      (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
      parsed.origin !== origin
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path or trailing slash)`,
      });
    }
  }
  return origins;
});

const int = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `${name} must be at least ${min}`)
        .max(max, `${name} must be at most ${max}`),
    );

const EnvSchema = z
  .object({
    PORT: int('PORT', 0, 65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('.data'),
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'MONGODB_URI must start with mongodb:// or mongodb+srv://')
      .optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://')
      .optional(),
    CORS_ORIGINS: OriginList.default([]),
    STUN_URLS: urlList('STUN_URLS', ['stun', 'stuns']).default(['stun:stun.l.google.com:19302']),
    TURN_URLS: urlList('TURN_URLS', ['turn', 'turns']).default([]),
    TURN_SECRET: z.string().min(16, 'TURN_SECRET must be at least 16 characters').optional(),
    TURN_TTL: durationSeconds('TURN_TTL').default(3600),
    RELAY_ONLY: z.enum(['on', 'off'], { error: 'RELAY_ONLY must be on or off' }).default('off'),
    TOKEN_TTL: durationSeconds('TOKEN_TTL').default(86_400),
    REMEMBER_TTL: durationSeconds('REMEMBER_TTL').default(30 * 86_400),
    SESSION_RETENTION: durationSeconds('SESSION_RETENTION').default(30 * 86_400),
    LOG_LEVEL: z
      .enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
      .default('info'),
    TRUST_PROXY: int('TRUST_PROXY', 0, 10).default(0),
    NODE_ID: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'NODE_ID may hold letters, digits, _, . and - (at most 64)')
      .optional(),
    AUTH_RATE_LIMIT_IP: int('AUTH_RATE_LIMIT_IP', 1, 1_000_000).default(100),
    AUTH_RATE_LIMIT_ACCOUNT: int('AUTH_RATE_LIMIT_ACCOUNT', 1, 1_000_000).default(10),
    SESSIONS_PER_USER: int('SESSIONS_PER_USER', 1, 1000).default(10),
    DEMO_PAGE: z.enum(['on', 'off'], { error: 'DEMO_PAGE must be on or off' }).default('on'),
  })
  .superRefine((env, ctx) => {
    if (env.TURN_URLS.length > 0 && !env.TURN_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TURN_SECRET'],
        message: 'TURN_URLS is set, so TURN_SECRET must be set too',
      });
    }
    if (env.RELAY_ONLY === 'on' && env.TURN_URLS.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['RELAY_ONLY'],
        message:
          'RELAY_ONLY is on, so TURN_URLS and TURN_SECRET must be set (no relay, no connection)',
      });
    }
    if (env.TURN_SECRET && env.TURN_URLS.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['TURN_URLS'],
        message: 'TURN_SECRET is set, so TURN_URLS must be set too',
      });
    }
  });

/** The names of every environment variable the server reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/** The server's configuration, validated. */
export interface Config {
  port: number;
  host: string;
  /** Absolute path of the embedded store's folder. */
  dataDir: string;
  mongodbUri: string | undefined;
  /**
   * Redis shared by every node of a cluster: Socket.IO's Redis adapter carries signals and presence between
   * nodes, and the auth rate limits are counted there. Unset: this process is the only node (or one of the
   * `--workers` of one machine).
   */
  redisUrl: string | undefined;
  /** Origins allowed to call the API and open sockets, besides the server's own; `*` allows any. */
  corsOrigins: string[];
  stunUrls: string[];
  turnUrls: string[];
  turnSecret: string | undefined;
  /** Lifetime of TURN credentials, seconds. */
  turnTtl: number;
  /** Every client must connect through TURN only (peers never learn each other's addresses). */
  relayOnly: boolean;
  /** Lifetime of a token from a plain login, seconds. */
  tokenTtl: number;
  /** Lifetime of a token from a login with `remember: true`, seconds. */
  rememberTtl: number;
  /** How long the records of ended chat sessions are kept before they are purged, seconds. */
  sessionRetention: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** How many proxy hops to trust for the client's address (0: none). */
  trustProxy: number;
  /**
   * This process's name among the nodes sharing a store: by default the host name and process id, so two
   * processes on one host never share one. Sessions a crashed node left open are closed by the others (or
   * the next start) once its heartbeat in the store is 15 s old.
   */
  nodeId: string;
  /** Login and register attempts per IP per 15 minutes. */
  authRateLimitIp: number;
  /** Failed logins (and registrations) per account per 15 minutes. */
  authRateLimitAccount: number;
  /** Open sessions (tabs, devices) one user may have at once. */
  sessionsPerUser: number;
  /** Serve the demo page (`<p2p-chat>`) at `/`. */
  demoPage: boolean;
}

/** A configuration that cannot be used; `problems` has one line per variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads and validates the configuration from environment variables (the names of DESIGN.md).
 * Empty variables count as unset, except `STUN_URLS=` which means "no STUN server".
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(EnvSchema.shape).flatMap((k) => {
      const v = env[k];
      if (v === undefined) return [];
      if (v.trim() === '' && k !== 'STUN_URLS') return [];
      return [[k, v]];
    }),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? '');
        return i.message.includes(name) || !name ? i.message : `${name}: ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    mongodbUri: e.MONGODB_URI,
    redisUrl: e.REDIS_URL,
    corsOrigins: e.CORS_ORIGINS,
    stunUrls: e.STUN_URLS,
    turnUrls: e.TURN_URLS,
    turnSecret: e.TURN_SECRET,
    turnTtl: e.TURN_TTL,
    relayOnly: e.RELAY_ONLY === 'on',
    tokenTtl: e.TOKEN_TTL,
    rememberTtl: e.REMEMBER_TTL,
    sessionRetention: e.SESSION_RETENTION,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    nodeId: e.NODE_ID ?? `${hostname()}-${process.pid}`,
    authRateLimitIp: e.AUTH_RATE_LIMIT_IP,
    authRateLimitAccount: e.AUTH_RATE_LIMIT_ACCOUNT,
    sessionsPerUser: e.SESSIONS_PER_USER,
    demoPage: e.DEMO_PAGE === 'on',
  };
}

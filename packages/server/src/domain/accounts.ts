import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_STATUS,
  DeleteAccountRequestSchema,
  EmailSchema,
  LoginRequestSchema,
  ProfileUpdateSchema,
  RegisterRequestSchema,
  UsernameSchema,
} from '@p2pchat/sdk/protocol';
import type { AuthResponse, PrivateUser, PublicUser } from '@p2pchat/sdk/protocol';
import type { Store, UserRecord } from '../store/port.js';
import { UniqueViolationError } from '../store/port.js';
import { AppError, parseOrThrow } from './errors.js';
import type { PasswordHasher } from './passwords.js';
import type { AuthRateLimiter } from './rate-limits.js';
import { generateToken, hashToken } from './tokens.js';
import { toPrivateUser, toPublicUser } from './views.js';

/** Who a valid token belongs to. */
export interface Authenticated {
  user: UserRecord;
  tokenHash: string;
  expiresAt: Date;
}

/** Things that happened to accounts, for the realtime layer (presence updates, socket disconnects). */
export interface AccountEvents {
  /** A user's public profile changed. */
  'profile:updated': [user: PublicUser];
  /** A token was revoked (logout); sockets opened with it must close. */
  'token:revoked': [tokenHash: string];
  /** The account was deleted or disabled: every socket of the user must close. */
  'account:closed': [userId: string];
}

/** Token lifetimes, seconds. */
export interface AccountServiceOptions {
  tokenTtl: number;
  rememberTtl: number;
}

/** Usernames are unique regardless of case. */
export const usernameKey = (username: string): string => username.toLowerCase();

const UNAUTHENTICATED = () => new AppError('UNAUTHENTICATED', 'Log in to do this.');
const INVALID_CREDENTIALS = () =>
  new AppError('INVALID_CREDENTIALS', 'The e-mail, username or password is not right.');

/**
 * Accounts: register, log in and out, check tokens, read and change profiles. Inputs arrive unparsed and are
 * parsed here by the protocol schemas, so every caller (REST, sockets, tests) gets the same rules.
 */
export class AccountService extends EventEmitter<AccountEvents> {
  constructor(
    private readonly store: Store,
    private readonly passwords: PasswordHasher,
    private readonly limiter: AuthRateLimiter,
    private readonly options: AccountServiceOptions,
  ) {
    super();
  }

  /** Creates an account and logs it in. */
  async register(body: unknown, ip: string): Promise<AuthResponse> {
    await this.limiter.attemptFromIp(ip);
    const req = parseOrThrow(RegisterRequestSchema, body);
    const key = `register:${req.email}`;
    await this.limiter.checkAccount(key, ip);
    await this.limiter.failedForAccount(key, ip, false);
    const conflict = () =>
      new AppError('CONFLICT', 'That username or e-mail address is already taken.');
    // A cheap look-up first spares a hash for the common case; the unique indexes decide races.
    if (
      (await this.store.users.findByEmail(req.email)) ||
      (await this.store.users.findByUsernameKey(usernameKey(req.username)))
    ) {
      throw conflict();
    }
    const now = new Date();
    const user: UserRecord = {
      id: randomUUID(),
      username: req.username,
      usernameKey: usernameKey(req.username),
      email: req.email,
      passwordHash: await this.passwords.hash(req.password),
      displayName: req.displayName ?? req.username,
      bio: '',
      status: DEFAULT_STATUS,
      avatarUrl: '',
      createdAt: now,
      lastLogin: now,
      isActive: true,
    };
    try {
      await this.store.users.create(user);
    } catch (err) {
      if (err instanceof UniqueViolationError) throw conflict();
      throw err;
    }
    return this.issueToken(user, this.options.tokenTtl);
  }

  /** Checks the password and answers a new token. Unknown account and wrong password answer alike. */
  async login(body: unknown, ip: string): Promise<AuthResponse> {
    await this.limiter.attemptFromIp(ip);
    const req = parseOrThrow(LoginRequestSchema, body);
    const key =
      req.email !== undefined ? `email:${req.email}` : `user:${usernameKey(req.username ?? '')}`;
    await this.limiter.checkAccount(key, ip);
    const user =
      req.email !== undefined
        ? await this.store.users.findByEmail(req.email)
        : await this.store.users.findByUsernameKey(usernameKey(req.username ?? ''));
    const ok = user
      ? await this.passwords.verify(user.passwordHash, req.password)
      : await this.passwords.verifyNothing(req.password);
    if (!user || !ok) {
      await this.limiter.failedForAccount(key, ip);
      throw INVALID_CREDENTIALS();
    }
    if (!user.isActive)
      throw new AppError('ACCOUNT_DISABLED', 'This account has been deactivated.');
    await this.limiter.succeededForAccount(key, ip);
    const now = new Date();
    await this.store.users.recordLogin(user.id, now);
    return this.issueToken(
      { ...user, lastLogin: now },
      req.remember ? this.options.rememberTtl : this.options.tokenTtl,
    );
  }

  /** Revokes the token; every socket opened with it is told to close. */
  async logout(auth: Authenticated): Promise<void> {
    if (await this.store.tokens.revoke(auth.tokenHash, new Date())) {
      this.emit('token:revoked', auth.tokenHash);
    }
  }

  /** Answers who `token` belongs to, or throws `UNAUTHENTICATED` (unknown, expired, revoked, inactive). */
  async authenticate(token: string | undefined): Promise<Authenticated> {
    if (!token || token.length > 512) throw UNAUTHENTICATED();
    const tokenHash = hashToken(token);
    const record = await this.store.tokens.find(tokenHash);
    if (!record || record.revokedAt || record.expiresAt.getTime() <= Date.now())
      throw UNAUTHENTICATED();
    const user = await this.store.users.findById(record.userId);
    if (!user || !user.isActive) throw UNAUTHENTICATED();
    return { user, tokenHash, expiresAt: record.expiresAt };
  }

  /**
   * Deletes the account, with the password entered again: the user, their tokens and their chat-session
   * records leave the store, and every socket of theirs closes on every node. The username and e-mail can be
   * registered again, as a new account with a new id. Wrong passwords count against the account like failed
   * logins.
   */
  async deleteAccount(auth: Authenticated, body: unknown, ip: string): Promise<void> {
    await this.limiter.attemptFromIp(ip);
    const { password } = parseOrThrow(DeleteAccountRequestSchema, body);
    const key = `user:${auth.user.usernameKey}`;
    await this.limiter.checkAccount(key, ip);
    if (!(await this.passwords.verify(auth.user.passwordHash, password))) {
      await this.limiter.failedForAccount(key, ip);
      throw INVALID_CREDENTIALS();
    }
    await this.store.users.remove(auth.user.id);
    this.emit('account:closed', auth.user.id);
  }

  /**
   * Disables or enables an account by username or e-mail (the operator's command). A disabled account cannot
   * log in; its tokens are revoked, so its sockets close on every process sharing the store. Answers the
   * user, or null when there is no such account.
   */
  async setAccountActive(who: string, active: boolean): Promise<PublicUser | null> {
    const email = EmailSchema.safeParse(who);
    const user = email.success
      ? await this.store.users.findByEmail(email.data)
      : await this.store.users.findByUsernameKey(usernameKey(who.trim()));
    if (!user) return null;
    await this.store.users.setActive(user.id, active);
    if (!active) {
      await this.store.tokens.revokeAllForUser(user.id, new Date());
      this.emit('account:closed', user.id);
    }
    return toPublicUser({ ...user, isActive: active });
  }

  /** Whether the account is gone or disabled (so its revoked tokens mean `account-closed`, not a logout). */
  async isAccountClosed(userId: string): Promise<boolean> {
    const user = await this.store.users.findById(userId);
    return !user || !user.isActive;
  }

  /** The user's own view of their account. */
  profile(auth: Authenticated): PrivateUser {
    return toPrivateUser(auth.user);
  }

  /** Changes profile fields; everyone online hears of it through `profile:updated`. */
  async updateProfile(auth: Authenticated, body: unknown): Promise<PrivateUser> {
    const patch = parseOrThrow(ProfileUpdateSchema, body);
    await this.limiter.profileChange(auth.user.id);
    const updated = await this.store.users.updateProfile(auth.user.id, patch);
    if (!updated) throw UNAUTHENTICATED();
    this.emit('profile:updated', toPublicUser(updated));
    return toPrivateUser(updated);
  }

  /** The public view of a user, by username (any case). */
  async publicUser(username: unknown): Promise<PublicUser> {
    const parsed = UsernameSchema.safeParse(username);
    const user = parsed.success
      ? await this.store.users.findByUsernameKey(usernameKey(parsed.data))
      : null;
    if (!user || !user.isActive) throw new AppError('NOT_FOUND', 'No such user.');
    return toPublicUser(user);
  }

  /** Deletes expired tokens; answers how many. */
  purgeExpiredTokens(): Promise<number> {
    return this.store.tokens.deleteExpired(new Date());
  }

  private async issueToken(user: UserRecord, ttlSeconds: number): Promise<AuthResponse> {
    const token = generateToken();
    const createdAt = new Date();
    const expiresAt = new Date(createdAt.getTime() + ttlSeconds * 1000);
    await this.store.tokens.create({
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt,
      expiresAt,
      revokedAt: null,
    });
    return { user: toPrivateUser(user), token, expiresAt: expiresAt.toISOString() };
  }
}

import { P2PError } from '../errors.js';
import type {
  AuthResponse,
  LoginRequest,
  ProfileUpdate,
  RegisterRequest,
} from '../protocol/rest.js';
import type { PrivateUser } from '../protocol/users.js';
import type { RestClient } from './rest.js';
import type { SessionStorage, StoredSession } from './storage.js';

/** What the account session tells its client. */
export interface AccountHooks {
  /** Logged in (with the account) or out (`null`). */
  onAuth(user: PrivateUser | null): void;
  /** The server no longer accepts the token: the client closes its connections. */
  onRevoked(): void;
}

/**
 * The logged-in account: the token, when it expires and who it is, kept in the session storage so a reload
 * stays logged in; REST calls made with it; and logging out.
 */
export class AccountSession {
  private session: StoredSession | null = null;

  constructor(
    private readonly rest: RestClient,
    private readonly storage: SessionStorage,
    private readonly hooks: AccountHooks,
  ) {}

  /** The logged-in user, or null. */
  get user(): PrivateUser | null {
    return this.session?.user ?? null;
  }

  /** The session's token, if logged in. */
  get currentToken(): string | undefined {
    return this.session?.token;
  }

  /** The token, or `NOT_LOGGED_IN`. */
  token(): string {
    const token = this.session?.token;
    if (!token) throw new P2PError('NOT_LOGGED_IN', 'Log in first.', 'auth');
    return token;
  }

  async register(request: RegisterRequest): Promise<PrivateUser> {
    return this.adopt(
      await this.rest.request<AuthResponse>('POST', '/api/register', { body: request }),
    );
  }

  async login(request: LoginRequest): Promise<PrivateUser> {
    return this.adopt(
      await this.rest.request<AuthResponse>('POST', '/api/login', { body: request }),
    );
  }

  async restore(): Promise<PrivateUser | null> {
    const stored = this.storage.load();
    if (!stored || Date.parse(stored.expiresAt) <= Date.now()) {
      this.storage.clear();
      return null;
    }
    try {
      const { user } = await this.rest.request<{ user: PrivateUser }>('GET', '/api/profile', {
        token: stored.token,
      });
      this.session = { ...stored, user };
      this.storage.save(this.session);
      this.hooks.onAuth(user);
      return user;
    } catch (err) {
      if (err instanceof P2PError && err.code === 'UNAUTHENTICATED') {
        this.storage.clear();
        return null;
      }
      throw err;
    }
  }

  /** Revokes the token on the server (the caller has closed the connections) and forgets it here. */
  async logout(): Promise<void> {
    const token = this.session?.token;
    this.forget();
    if (!token) return;
    await this.rest.request('POST', '/api/logout', { token }).catch((err: unknown) => {
      // Already revoked or expired is as good as logged out.
      if (!(err instanceof P2PError && err.code === 'UNAUTHENTICATED')) throw err;
    });
  }

  /** Deletes the account on the server (the password entered again), then forgets the session here. */
  async deleteAccount(password: string): Promise<void> {
    await this.authed<undefined>('DELETE', '/api/profile', { password });
    this.forget();
  }

  async profile(): Promise<PrivateUser> {
    const { user } = await this.authed<{ user: PrivateUser }>('GET', '/api/profile');
    this.keepUser(user);
    return user;
  }

  async updateProfile(update: ProfileUpdate): Promise<PrivateUser> {
    const { user } = await this.authed<{ user: PrivateUser }>('PATCH', '/api/profile', update);
    this.keepUser(user);
    return user;
  }

  /** A call with our token; if the server no longer accepts it (revoked elsewhere, expired), we are logged out. */
  async authed<T>(
    method: string,
    path: string,
    body?: unknown,
    layer: 'auth' | 'rtc' = 'auth',
  ): Promise<T> {
    try {
      return await this.rest.request<T>(method, path, { body, token: this.token(), layer });
    } catch (err) {
      if (err instanceof P2PError && err.code === 'UNAUTHENTICATED') {
        this.hooks.onRevoked();
        this.forget();
      }
      throw err;
    }
  }

  /** Forgets the session here (the server's side is the caller's business). */
  forget(): void {
    if (!this.session) return;
    this.session = null;
    this.storage.clear();
    this.hooks.onAuth(null);
  }

  private adopt(res: AuthResponse): PrivateUser {
    this.session = { token: res.token, expiresAt: res.expiresAt, user: res.user };
    this.storage.save(this.session);
    this.hooks.onAuth(res.user);
    return res.user;
  }

  private keepUser(user: PrivateUser): void {
    if (!this.session) return;
    this.session = { ...this.session, user };
    this.storage.save(this.session);
  }
}

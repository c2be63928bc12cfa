import { ErrorCode } from '../protocol/codes.js';
import { P2PError } from '../errors.js';
import type { P2PErrorLayer } from '../errors.js';

/** The `fetch` the client uses (injectable for tests and unusual runtimes). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** Calls the server's REST API and turns its errors into {@link P2PError}s. */
export class RestClient {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: FetchLike,
  ) {}

  /** Sends a request; answers the parsed JSON body (or undefined for 204). */
  async request<T>(
    method: string,
    path: string,
    opts: { body?: unknown; token?: string | undefined; layer?: P2PErrorLayer } = {},
  ): Promise<T> {
    const layer = opts.layer ?? 'auth';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (cause) {
      throw new P2PError('NETWORK', `Could not reach the server at ${this.baseUrl}.`, layer, {
        cause,
      });
    }
    if (res.status === 204) return undefined as T;
    let body: unknown;
    try {
      body = await res.json();
    } catch (cause) {
      throw new P2PError('BAD_RESPONSE', `The server answered ${res.status} without JSON.`, layer, {
        cause,
      });
    }
    if (res.ok) return body as T;
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code =
      typeof error?.code === 'string' && KNOWN_CODES.has(error.code)
        ? (error.code as ErrorCode)
        : null;
    if (!code) throw new P2PError('BAD_RESPONSE', `The server answered ${res.status}.`, layer);
    const retry = Number(res.headers.get('retry-after'));
    throw new P2PError(code, typeof error?.message === 'string' ? error.message : code, layer, {
      cause: body,
      ...(Number.isFinite(retry) && retry > 0 ? { retryAfter: retry } : {}),
    });
  }
}

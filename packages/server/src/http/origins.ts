/**
 * The origin allow-list, shared by CORS and the socket handshake. A browser request is allowed when it has
 * no Origin (not a browser, or a same-origin GET), comes from the server's own origin, or is listed.
 */
export interface OriginPolicy {
  /** Whether a request with this Origin header may use the API; `selfOrigin` is the server's own. */
  allows(origin: string | undefined, selfOrigin: string | undefined): boolean;
  /** Whether this origin may read responses cross-origin (answered with CORS headers). */
  allowsCrossOrigin(origin: string): boolean;
}

/** Builds the policy from `CORS_ORIGINS` (`*` allows any origin; credentials are never allowed). */
export function createOriginPolicy(allowList: readonly string[]): OriginPolicy {
  const any = allowList.includes('*');
  const listed = new Set(allowList);
  const allowsCrossOrigin = (origin: string) => any || listed.has(origin);
  return {
    allowsCrossOrigin,
    allows(origin, selfOrigin) {
      if (origin === undefined) return true;
      return origin === selfOrigin || allowsCrossOrigin(origin);
    },
  };
}

import { createHmac } from 'node:crypto';
import type { IceServer, IceServersResponse } from '@p2pchat/sdk/protocol';

/** What the ICE server list is built from. */
export interface IceOptions {
  stunUrls: string[];
  turnUrls: string[];
  turnSecret: string | undefined;
  /** Lifetime of TURN credentials, seconds. */
  turnTtl: number;
  /** Tell clients to use relay candidates only. */
  relayOnly?: boolean;
}

// Without TURN the list never expires; clients re-fetch it once a day all the same.
const STUN_ONLY_TTL = 86_400;

/**
 * The ICE servers for one user: STUN as configured, and TURN with short-lived credentials in coturn's REST
 * scheme (username `<unix expiry>:<userId>`, credential `base64(HMAC-SHA1(secret, username))`).
 */
export function iceServersFor(
  userId: string,
  options: IceOptions,
  now = Date.now(),
): IceServersResponse {
  const iceServers: IceServer[] = [];
  if (options.stunUrls.length > 0) iceServers.push({ urls: options.stunUrls });
  if (options.turnSecret && options.turnUrls.length > 0) {
    const expiry = Math.floor(now / 1000) + options.turnTtl;
    const username = `${expiry}:${userId}`;
    const credential = createHmac('sha1', options.turnSecret).update(username).digest('base64');
    iceServers.push({ urls: options.turnUrls, username, credential });
    return options.relayOnly
      ? { iceServers, ttl: options.turnTtl, relayOnly: true }
      : { iceServers, ttl: options.turnTtl };
  }
  return { iceServers, ttl: STUN_ONLY_TTL };
}

import { EventEmitter } from 'eventemitter3';
import { after } from '../internal/timers.js';
import type { Cancel } from '../internal/timers.js';
import type { IceServersResponse } from '../protocol/rest.js';

/** Events of {@link IceServerCache}. */
export interface IceServerEvents {
  /** New credentials were fetched before the old ones expire; live relayed connections move to them. */
  refreshed: [servers: RTCIceServer[]];
}

/** What the cache needs: a way to fetch `/api/ice-servers` with the session's token. */
export interface IceServerSource {
  fetch(): Promise<IceServersResponse>;
}

// Credentials are renewed this long before they expire (at most a third of their lifetime before).
const REFRESH_MARGIN_MS = 60_000;

/**
 * The ICE servers of the session: fetched from the server, kept until shortly before their TURN credentials
 * expire, renewed ahead of time (on a timer, so both sides of a long conversation get fresh ones), and
 * adapted for implementations that need TURN credentials escaped in the URL (node-datachannel).
 */
export class IceServerCache extends EventEmitter<IceServerEvents> {
  private current: { servers: RTCIceServer[]; freshUntil: number; relayOnly: boolean } | null =
    null;
  private inflight: Promise<RTCIceServer[]> | null = null;
  private cancelRefresh: Cancel | undefined;
  private generation = 0;

  constructor(
    private readonly source: IceServerSource,
    private readonly options: {
      /** ICE servers given by the application: used as they are, never fetched. */
      fixed?: RTCIceServer[] | undefined;
      /** Whether to escape TURN usernames and credentials (for an implementation that puts them in a URL). */
      escape: () => boolean;
    },
  ) {
    super();
  }

  /** Whether the server requires relay-only connections for everyone (as of the last fetch). */
  get serverRequiresRelay(): boolean {
    return this.current?.relayOnly ?? false;
  }

  /** The servers as last fetched, without waiting (empty before the first fetch). */
  get known(): RTCIceServer[] {
    return this.options.fixed ?? this.current?.servers ?? [];
  }

  /** Fresh servers: the cached ones while their credentials are good, else fetched anew. */
  async get(): Promise<RTCIceServer[]> {
    if (this.options.fixed) return this.adapt(this.options.fixed);
    if (this.current && this.current.freshUntil > Date.now()) return this.current.servers;
    return this.fetch();
  }

  /** Forgets everything (logout, another account). */
  reset(): void {
    this.generation += 1;
    this.cancelRefresh?.();
    this.cancelRefresh = undefined;
    this.current = null;
    this.inflight = null;
  }

  private fetch(): Promise<RTCIceServer[]> {
    if (this.inflight) return this.inflight;
    const generation = this.generation;
    const request = this.source
      .fetch()
      .then((res) => {
        if (generation !== this.generation) return this.adapt(res.iceServers as RTCIceServer[]);
        const lifetime = res.ttl * 1000;
        const margin = Math.min(REFRESH_MARGIN_MS, lifetime / 3);
        const servers = this.adapt(res.iceServers as RTCIceServer[]);
        const hadOne = this.current !== null;
        this.current = {
          servers,
          freshUntil: Date.now() + lifetime - margin,
          relayOnly: res.relayOnly === true,
        };
        this.cancelRefresh?.();
        // Renew ahead of expiry whether or not anyone asks, so long-lived connections can move over in time.
        this.cancelRefresh = after(
          lifetime - margin,
          () => {
            this.cancelRefresh = undefined;
            this.fetch().catch(() => undefined);
          },
          true,
        );
        if (hadOne) this.emit('refreshed', servers);
        return servers;
      })
      .finally(() => {
        if (this.inflight === request) this.inflight = null;
      });
    this.inflight = request;
    return request;
  }

  private adapt(servers: RTCIceServer[]): RTCIceServer[] {
    if (!this.options.escape()) return servers;
    return servers.map((s) =>
      s.username === undefined && s.credential === undefined
        ? s
        : {
            ...s,
            ...(s.username === undefined ? {} : { username: encodeURIComponent(s.username) }),
            ...(typeof s.credential === 'string'
              ? { credential: encodeURIComponent(s.credential) }
              : {}),
          },
    );
  }
}

/**
 * Whether an `RTCPeerConnection` implementation builds TURN URLs from the credentials without escaping them
 * (node-datachannel's polyfill does: a `:` in the username, as coturn's REST scheme has, breaks the URL).
 */
export function putsCredentialsInUrl(ctor: unknown): boolean {
  const proto = (ctor as { prototype?: object } | undefined)?.prototype;
  return proto !== undefined && 'selectedCandidatePair' in proto && 'ext_maxMessageSize' in proto;
}

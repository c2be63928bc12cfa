import { after } from '../internal/timers.js';
import type { Cancel } from '../internal/timers.js';
import type { RTCPeerConnectionConstructor } from './peer-session.js';

/** A peer connection with its chat channel, before anything was negotiated on it. */
export interface MadeConnection {
  pc: RTCPeerConnection;
  channel: RTCDataChannel;
}

/** Makes a connection and its chat channel (negotiated, id 0: both sides make it, so nothing races). */
export function makeConnection(
  RTC: RTCPeerConnectionConstructor,
  config: RTCConfiguration,
): MadeConnection {
  const pc = new RTC(config);
  try {
    return {
      pc,
      channel: pc.createDataChannel('p2pchat', { negotiated: true, id: 0, ordered: true }),
    };
  } catch (err) {
    pc.close();
    throw err;
  }
}

/** What a spare is made with: the implementation and the configuration the next connection would get. */
export interface SpareSource {
  RTC: RTCPeerConnectionConstructor;
  config: RTCConfiguration & Record<string, unknown>;
}

// Whether a connection made with `made` can serve `wanted`: every setting but the ICE servers must be the
// same value (certificates, bundle and mux policies cannot change once a connection exists; the transport
// policy could, but relay-only is never left to a setConfiguration that might not apply). The client's
// settings are the same objects from one connection to the next, so identity is the test.
function sameSettings(made: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  for (const k of new Set([...Object.keys(made), ...Object.keys(wanted)]))
    if (k !== 'iceServers' && made[k] !== wanted[k]) return false;
  return true;
}

/**
 * One peer connection made ahead of need. In Chromium, making an `RTCPeerConnection` and its channel takes
 * about 1 ms of the page's thread, and both sides of every new conversation pay it on the way to the first
 * message: the one who starts before its offer, the other before its answer. A spare is made while the
 * client is idle and taken by the next connection, which then only sets its ICE servers. A spare has not
 * gathered candidates or opened a port (browsers gather only once a description is set), so it reveals
 * nothing and costs no traffic. Not for implementations that negotiate by themselves as soon as a channel
 * exists (node-datachannel): the client keeps none there.
 */
export class SpareConnection {
  private spare: (SpareSource & { made: MadeConnection }) | undefined;
  private timer: Cancel | undefined;

  /**
   * @param source what the next connection would be made with, or `undefined` while none can be made
   * @param delayMs how long after a spare was taken the next one is made, so that making it does not
   *   compete with the connection under way for the page's thread
   */
  constructor(
    private readonly source: () => SpareSource | undefined,
    private readonly delayMs: number,
  ) {}

  /** Whether a spare is ready now. */
  get ready(): boolean {
    return this.spare !== undefined;
  }

  /**
   * A connection for `config`: the spare if it was made with the same implementation and settings (the ICE
   * servers are set on it when they changed meanwhile), else a new one. The next spare follows later.
   */
  take(RTC: RTCPeerConnectionConstructor, config: RTCConfiguration): MadeConnection {
    const spare = this.spare;
    this.spare = undefined;
    if (spare) this.prepare(this.delayMs);
    const wanted = config as Record<string, unknown>;
    if (spare && spare.RTC === RTC && sameSettings(spare.config, wanted)) {
      try {
        if (spare.config.iceServers !== config.iceServers) spare.made.pc.setConfiguration(config);
        return spare.made;
      } catch {
        // an implementation that cannot change its ICE servers: a new connection instead
      }
    }
    if (spare) close(spare.made);
    return makeConnection(RTC, config);
  }

  /** Makes a spare after `delayMs` unless one is ready or on its way. */
  prepare(delayMs = 0): void {
    if (this.spare || this.timer) return;
    this.timer = after(
      delayMs,
      () => {
        this.timer = undefined;
        const source = this.source();
        if (!source || this.spare) return;
        try {
          this.spare = { ...source, made: makeConnection(source.RTC, source.config) };
        } catch {
          // none now; a connection made later is made the usual way
        }
      },
      true,
    );
  }

  /** Closes the spare (logged out, disconnected) and makes no more until {@link prepare}. */
  close(): void {
    this.timer?.();
    this.timer = undefined;
    if (this.spare) close(this.spare.made);
    this.spare = undefined;
  }
}

function close(made: MadeConnection): void {
  try {
    made.channel.close();
    made.pc.close();
  } catch {
    // already closed
  }
}

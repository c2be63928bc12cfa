import type { PeerSession } from './peer-session.js';
import type { StatsEntry } from './relay.js';
import { selectedPair } from './relay.js';

/** How one side of a connection was reached: the ICE candidate type, in the W3C's words. */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay' | 'unknown';

/** What one open connection to a session (device, tab) of the peer goes over, from `getStats()`. */
export interface ConnectionInfo {
  /** The peer's session this connection goes to. */
  sessionId: string;
  /** `direct` when the bytes go from one device to the other, `relay` when a TURN server carries them. */
  route: 'direct' | 'relay';
  /** This side's candidate type and the peer's (`host`: a local address, `srflx`/`prflx`: a public address
   * found through a STUN server or by the peer, `relay`: a TURN server's address). */
  local: CandidateType;
  remote: CandidateType;
  /** The transport of the selected pair, when reported. */
  protocol: 'udp' | 'tcp' | undefined;
  /** The current round-trip time on the path, in milliseconds, when reported. */
  rttMs: number | undefined;
  /** Bytes sent and received on the path so far (all channels, headers included), when reported. */
  bytesSent: number | undefined;
  bytesReceived: number | undefined;
}

const TYPES = new Set(['host', 'srflx', 'prflx', 'relay']);

function candidateType(c: StatsEntry): CandidateType {
  const t = String(c.candidateType ?? '');
  return TYPES.has(t) ? (t as CandidateType) : 'unknown';
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** The selected path of one connection, read from its stats; null while none is selected. */
export async function connectionInfo(session: PeerSession): Promise<ConnectionInfo | null> {
  const selected = await selectedPair(session.pc);
  if (!selected) return null;
  const { pair, local, remote, transport } = selected;
  const protocol = String(local.protocol ?? remote.protocol ?? '').toLowerCase();
  // The W3C's round-trip time is in seconds. node-datachannel's polyfill puts libdatachannel's figure there,
  // in milliseconds; it is told apart by the STUN counters browsers report beside it and it does not.
  const rtt = count(pair.currentRoundTripTime);
  const inSeconds = typeof pair.responsesReceived === 'number';
  const localType = candidateType(local);
  const remoteType = candidateType(remote);
  return {
    sessionId: session.remoteSessionId,
    route: localType === 'relay' || remoteType === 'relay' ? 'relay' : 'direct',
    local: localType,
    remote: remoteType,
    protocol: protocol === 'udp' || protocol === 'tcp' ? protocol : undefined,
    rttMs: rtt === undefined ? undefined : inSeconds ? rtt * 1000 : rtt,
    bytesSent: count(pair.bytesSent ?? transport?.bytesSent),
    bytesReceived: count(pair.bytesReceived ?? transport?.bytesReceived),
  };
}

/** The paths of the given open connections; those without a selected pair yet are left out. */
export async function connectionInfos(sessions: PeerSession[]): Promise<ConnectionInfo[]> {
  const infos = await Promise.all(sessions.map((s) => connectionInfo(s).catch(() => null)));
  return infos.filter((i): i is ConnectionInfo => i !== null);
}

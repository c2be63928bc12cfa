import { P2PError } from '../errors.js';
import type { PeerSession } from '../rtc/peer-session.js';
import { connectionFingerprints, sameFingerprint } from './fingerprints.js';
import type { SafetyNumber } from './safety-number.js';
import { safetyNumber } from './safety-number.js';

/** The safety number of one open connection to a session (device, tab) of the peer. */
export interface ConnectionSafety extends SafetyNumber {
  /** The peer's session this connection goes to. */
  sessionId: string;
  /** This side's certificate, and the peer's as the handshake used it. */
  local: string;
  remote: string;
  /** Where `remote` comes from: the DTLS handshake itself, or (node-datachannel) the description it was
   * checked against. */
  source: 'dtls' | 'sdp';
  /** The handshake used another certificate than the description claimed: something is wrong. */
  mismatch: boolean;
}

/** The safety numbers of the given open connections, computed from what each connection used. */
export async function connectionSafety(
  selfId: string,
  peerId: string,
  sessions: PeerSession[],
): Promise<ConnectionSafety[]> {
  return Promise.all(
    sessions.map(async (s) => {
      const f = await connectionFingerprints(s.pc);
      if (!f.local || !f.remote)
        throw new P2PError('NOT_CONNECTED', 'The connection has no certificate yet.', 'peer');
      const number = await safetyNumber(
        { userId: selfId, fingerprint: f.local },
        { userId: peerId, fingerprint: f.remote },
      );
      return {
        sessionId: s.remoteSessionId,
        ...number,
        local: f.local,
        remote: f.remote,
        source: f.source,
        mismatch: !sameFingerprint(f.remote, f.claimed),
      };
    }),
  );
}

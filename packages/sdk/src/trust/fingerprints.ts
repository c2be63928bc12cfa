import { sdpFingerprint } from './safety-number.js';

/** The certificate fingerprints of one peer connection, as `sha-256 AB:CD:…`. */
export interface ConnectionFingerprints {
  /** This side's certificate. */
  local: string | null;
  /** The peer's certificate as the DTLS handshake used it (where the implementation reports it). */
  remote: string | null;
  /** The peer's certificate as its description (through the signaling server) claimed it. */
  claimed: string | null;
  /** `dtls` when `remote` comes from the handshake (browsers' getStats); `sdp` when the implementation
   * only checks the handshake against the description and reports nothing (node-datachannel, which refuses
   * a certificate that does not match). */
  source: 'dtls' | 'sdp';
}

interface CertificateStats {
  type: 'certificate';
  fingerprint: string;
  fingerprintAlgorithm: string;
}

const asFingerprint = (c: CertificateStats | undefined) =>
  c?.fingerprint ? `${c.fingerprintAlgorithm.toLowerCase()} ${c.fingerprint.toUpperCase()}` : null;

/** Reads the fingerprints of an open connection: from getStats where it has them, else from the SDP. */
export async function connectionFingerprints(
  pc: RTCPeerConnection,
): Promise<ConnectionFingerprints> {
  const claimed = sdpFingerprint(pc.remoteDescription?.sdp);
  const described = sdpFingerprint(pc.localDescription?.sdp);
  let local: string | null = null;
  let remote: string | null = null;
  try {
    const stats = await pc.getStats();
    const byId = new Map<string, unknown>();
    stats.forEach((s: { id: string }) => byId.set(s.id, s));
    stats.forEach(
      (s: { type?: string; localCertificateId?: string; remoteCertificateId?: string }) => {
        if (s.type !== 'transport') return;
        local ??= asFingerprint(
          byId.get(s.localCertificateId ?? '') as CertificateStats | undefined,
        );
        remote ??= asFingerprint(
          byId.get(s.remoteCertificateId ?? '') as CertificateStats | undefined,
        );
      },
    );
  } catch {
    // no stats: the descriptions have to do
  }
  return remote
    ? { local: local ?? described, remote, claimed, source: 'dtls' }
    : { local: described, remote: claimed, claimed, source: 'sdp' };
}

/** Whether two fingerprints are the same certificate (case and colons aside). */
export function sameFingerprint(a: string | null, b: string | null): boolean {
  const norm = (f: string | null) => f?.toLowerCase().replace(/\s+/g, ' ').trim() ?? '';
  return a !== null && b !== null && norm(a) === norm(b);
}

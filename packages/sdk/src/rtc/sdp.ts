// A remote description's candidate lines are taken out and added one by one after it is set. Set inside the
// description, one candidate that cannot be used (malformed, or reaching libdatachannel before its ICE
// transport exists) fails the whole negotiation; added on its own, it is dropped and ICE goes on with the rest.

/** A description without its `a=candidate` lines, and those candidates in the form addIceCandidate takes. */
export interface SplitDescription {
  sdp: string;
  candidates: RTCIceCandidateInit[];
}

/** Splits the candidate lines out of an SDP, keeping at most `max` of them (a peer's SDP is untrusted). */
export function splitCandidates(sdp: string, max: number): SplitDescription {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const kept: string[] = [];
  const found: { candidate: string; section: number }[] = [];
  const mids: (string | null)[] = [];
  let section = -1;
  for (const line of sdp.split(eol)) {
    if (line.startsWith('m=')) {
      section += 1;
      mids.push(null);
    } else if (line.startsWith('a=mid:') && section >= 0) {
      mids[section] = line.slice('a=mid:'.length);
    }
    if (!line.startsWith('a=candidate:')) kept.push(line);
    // a candidate outside any media section belongs to nothing: left out
    else if (section >= 0 && found.length < max) found.push({ candidate: line.slice(2), section });
  }
  return {
    sdp: kept.join(eol),
    candidates: found.map(({ candidate, section: i }) => ({
      candidate,
      sdpMid: mids[i] ?? null,
      sdpMLineIndex: i,
    })),
  };
}

// Relay-only mode: the peer must only ever learn TURN relay addresses. Setting `iceTransportPolicy: 'relay'`
// is not enough everywhere (node-datachannel's answers still list host and server-reflexive candidates), so
// candidates are filtered here both ways, in descriptions and in trickled candidates, and the path the
// connection settled on is checked with getStats() once it opens.

/** Whether one `candidate:` line (trickled or in SDP) is a TURN relay candidate. */
export function isRelayCandidate(candidate: string): boolean {
  return / typ relay(?: |\r?$)/m.test(candidate);
}

/** An SDP with every non-relay `a=candidate` line removed. */
export function relayOnlySdp(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(eol)
    .filter((line) => !line.startsWith('a=candidate:') || isRelayCandidate(line))
    .join(eol);
}

/** The path a connection uses, as getStats() reports its selected candidate pair. */
export interface SelectedPath {
  local: { type: string; address: string | undefined };
  remote: { type: string; address: string | undefined };
  /** Round-trip time, seconds, when reported. */
  rtt: number | undefined;
}

/** One entry of a `getStats()` report, as far as it is read here. */
export type StatsEntry = Record<string, unknown> & { type?: string; id?: string };

/** The selected candidate pair of a connection with its two candidates and its transport, or null. */
export async function selectedPair(pc: RTCPeerConnection): Promise<{
  pair: StatsEntry;
  local: StatsEntry;
  remote: StatsEntry;
  transport: StatsEntry | undefined;
} | null> {
  const report = (await pc.getStats()) as unknown as Map<string, StatsEntry>;
  const entries = [...report.values()];
  const byId = new Map(entries.map((e) => [e.id, e]));
  const transport = entries.find((e) => e.type === 'transport' && e.selectedCandidatePairId);
  const pair =
    (transport && byId.get(transport.selectedCandidatePairId as string)) ??
    entries.find((e) => e.type === 'candidate-pair' && e.nominated && e.state === 'succeeded');
  if (!pair) return null;
  const local = byId.get(pair.localCandidateId as string);
  const remote = byId.get(pair.remoteCandidateId as string);
  return local && remote ? { pair, local, remote, transport } : null;
}

/** The selected candidate pair of a connection, from getStats() (browsers and node-datachannel), or null. */
export async function selectedPath(pc: RTCPeerConnection): Promise<SelectedPath | null> {
  const selected = await selectedPair(pc);
  if (!selected) return null;
  const { pair, local, remote } = selected;
  const describe = (c: StatsEntry) => ({
    type: String(c.candidateType ?? ''),
    address: (c.address ?? c.ip) as string | undefined,
  });
  const rtt = pair.currentRoundTripTime;
  return {
    local: describe(local),
    remote: describe(remote),
    rtt: typeof rtt === 'number' ? rtt : undefined,
  };
}

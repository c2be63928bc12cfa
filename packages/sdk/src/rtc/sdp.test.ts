import { describe, expect, it } from 'vitest';
import { splitCandidates } from './sdp.js';

const SDP = [
  'v=0',
  'a=candidate:0 1 UDP 1 10.0.0.9 9 typ host',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=mid:data',
  'a=candidate:1 1 UDP 2122252543 192.168.1.2 50000 typ host',
  'a=candidate:2 1 UDP 1686052607 203.0.113.4 50000 typ srflx raddr 0.0.0.0 rport 0',
  'a=end-of-candidates',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=candidate:3 1 UDP 1 198.51.100.7 3478 typ relay raddr 0.0.0.0 rport 0',
  '',
];

describe('splitCandidates', () => {
  it.each([
    ['CRLF', '\r\n'],
    ['LF', '\n'],
  ])('takes the candidates out of an SDP with %s line ends, each with its section', (_n, eol) => {
    const { sdp, candidates } = splitCandidates(SDP.join(eol), 100);
    expect(sdp.split(eol)).toEqual(SDP.filter((l) => !l.startsWith('a=candidate:')));
    expect(candidates).toEqual([
      {
        candidate: 'candidate:1 1 UDP 2122252543 192.168.1.2 50000 typ host',
        sdpMid: 'data',
        sdpMLineIndex: 0,
      },
      {
        candidate: 'candidate:2 1 UDP 1686052607 203.0.113.4 50000 typ srflx raddr 0.0.0.0 rport 0',
        sdpMid: 'data',
        sdpMLineIndex: 0,
      },
      // a section without a mid is known by its index alone
      {
        candidate: 'candidate:3 1 UDP 1 198.51.100.7 3478 typ relay raddr 0.0.0.0 rport 0',
        sdpMid: null,
        sdpMLineIndex: 1,
      },
    ]);
  });

  it('keeps no more than it is told to, and still strips the rest from the description', () => {
    const many = ['v=0', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=mid:0'];
    for (let i = 0; i < 500; i++)
      many.push(`a=candidate:${i} 1 UDP 1 10.0.0.1 ${1000 + i} typ host`);
    const { sdp, candidates } = splitCandidates(many.join('\r\n'), 100);
    expect(candidates).toHaveLength(100);
    expect(sdp).not.toContain('a=candidate');
  });
});

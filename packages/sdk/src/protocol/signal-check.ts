import { MAX_CANDIDATE_LENGTH, MAX_ID_LENGTH, MAX_SDP_LENGTH } from './limits.js';
import type { SignalRequest } from './socket.js';

// The relay's hot path: the same check as `SignalRequestSchema.safeParse` (the contract, and what the tests
// compare this with), written out by hand because it runs for every signal the server relays.

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isId = (v: unknown): v is string => isText(v, MAX_ID_LENGTH) && v.length >= 1;
// An optional, nullable field: absent, null, or passing `check`.
const optional = (v: unknown, check: (x: unknown) => boolean) =>
  v === undefined || v === null || check(v);

/**
 * Checks a client's `signal` payload and answers it rebuilt from its known fields (as
 * `SignalRequestSchema` parses it), or null when it does not match.
 */
export function parseSignalRequest(payload: unknown): SignalRequest | null {
  if (!isObject(payload)) return null;
  const { to, toSession, type, data } = payload;
  if (!isId(to) || (toSession !== undefined && !isId(toSession))) return null;
  const target: { to: string; toSession?: string } = { to };
  if (toSession !== undefined) target.toSession = toSession as string;
  switch (type) {
    case 'offer':
    case 'answer':
      if (!isObject(data) || !isText(data.sdp, MAX_SDP_LENGTH)) return null;
      return { ...target, type, data: { sdp: data.sdp } };
    case 'candidate': {
      if (data === null) return { ...target, type, data: null };
      if (!isObject(data) || !isText(data.candidate, MAX_CANDIDATE_LENGTH)) return null;
      const { sdpMid, sdpMLineIndex, usernameFragment } = data;
      if (!optional(sdpMid, (x) => isText(x, MAX_ID_LENGTH))) return null;
      if (
        !optional(
          sdpMLineIndex,
          (x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 1024,
        )
      )
        return null;
      if (!optional(usernameFragment, (x) => isText(x, 256))) return null;
      const candidate: Extract<SignalRequest, { type: 'candidate' }>['data'] = {
        candidate: data.candidate,
      };
      if (candidate && sdpMid !== undefined) candidate.sdpMid = sdpMid as string | null;
      if (candidate && sdpMLineIndex !== undefined)
        candidate.sdpMLineIndex = sdpMLineIndex as number | null;
      if (candidate && usernameFragment !== undefined)
        candidate.usernameFragment = usernameFragment as string | null;
      return { ...target, type, data: candidate };
    }
    case 'bye':
    case 'hold':
    case 'decline':
      if (data !== undefined && !isObject(data)) return null;
      return data === undefined ? { ...target, type } : { ...target, type, data: {} };
    default:
      return null;
  }
}

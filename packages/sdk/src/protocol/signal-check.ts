import { MAX_CANDIDATE_LENGTH, MAX_ID_LENGTH, MAX_SDP_LENGTH } from './limits.js';
import type { SignalRequest } from './socket.js';

// The relay's hot path: the same check as `SignalRequestSchema.safeParse` (the contract, and what the tests
// compare this with), written out by hand because it runs for every signal the server relays.

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isId = (v: unknown): v is string => isText(v, MAX_ID_LENGTH) && v.length >= 1;
// Optional, nullable fields: absent, null, or of their kind. (Checked without closures: this runs for
// every signal, and each closure would be one more object for the garbage collector.)
const optionalText = (v: unknown, max: number) => v === undefined || v === null || isText(v, max);
const optionalIndex = (v: unknown) =>
  v === undefined ||
  v === null ||
  (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1024);

// The request, built in one object of one of two shapes (with or without a session named).
function request(to: string, toSession: string | undefined, type: string, data?: unknown) {
  const r =
    toSession === undefined
      ? data === undefined
        ? { to, type }
        : { to, type, data }
      : data === undefined
        ? { to, toSession, type }
        : { to, toSession, type, data };
  return r as SignalRequest;
}

/**
 * Checks a client's `signal` payload and answers it rebuilt from its known fields (as
 * `SignalRequestSchema` parses it), or null when it does not match.
 */
export function parseSignalRequest(payload: unknown): SignalRequest | null {
  if (!isObject(payload)) return null;
  const { to, toSession, type, data } = payload;
  if (!isId(to) || (toSession !== undefined && !isId(toSession))) return null;
  switch (type) {
    case 'offer':
    case 'answer':
      if (!isObject(data) || !isText(data.sdp, MAX_SDP_LENGTH)) return null;
      return request(to, toSession, type, { sdp: data.sdp });
    case 'candidate': {
      if (data === null) return request(to, toSession, type, null);
      if (!isObject(data) || !isText(data.candidate, MAX_CANDIDATE_LENGTH)) return null;
      const { sdpMid, sdpMLineIndex, usernameFragment } = data;
      if (!optionalText(sdpMid, MAX_ID_LENGTH) || !optionalIndex(sdpMLineIndex)) return null;
      if (!optionalText(usernameFragment, 256)) return null;
      const candidate: Extract<SignalRequest, { type: 'candidate' }>['data'] = {
        candidate: data.candidate,
      };
      if (candidate && sdpMid !== undefined) candidate.sdpMid = sdpMid as string | null;
      if (candidate && sdpMLineIndex !== undefined)
        candidate.sdpMLineIndex = sdpMLineIndex as number | null;
      if (candidate && usernameFragment !== undefined)
        candidate.usernameFragment = usernameFragment as string | null;
      return request(to, toSession, type, candidate);
    }
    case 'bye':
    case 'hold':
    case 'decline':
      if (data !== undefined && !isObject(data)) return null;
      return request(to, toSession, type, data === undefined ? undefined : {});
    default:
      return null;
  }
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONVERSATION_TIMINGS, Conversation } from '../src/conversation.js';
import type { ConversationHost, MessageStatus } from '../src/conversation.js';
import type { P2PError } from '../src/errors.js';
import { PEER_TIMINGS, PeerSession } from '../src/rtc/peer-session.js';
import type { PeerState } from '../src/rtc/peer-session.js';
import { Signaling } from '../src/signaling/signaling.js';
import { Roster } from '../src/presence/roster.js';
import { ReachPolicy } from '../src/reach/reach-policy.js';
import { memoryPreferences } from '../src/auth/preferences.js';
import { memoryMessageStore } from '../src/history/message-store.js';
import { IceServerCache } from '../src/rtc/ice-servers.js';
import { PeerDirectory, REOPEN } from '../src/rtc/peer-directory.js';

// Every timeout of the SDK under fake timers. The connections here are stand-ins that never open or never
// answer: the failures these timeouts exist for, which real connections cannot be made to produce on cue.

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

class SilentChannel {
  readyState: RTCDataChannelState = 'connecting';
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 'closed';
  }
}

// An RTCPeerConnection that negotiates nothing: enough for PeerSession to run its timers.
class SilentConnection {
  static last: SilentConnection;
  static made = 0;
  channel = new SilentChannel();
  signalingState = 'stable';
  connectionState = 'new';
  iceConnectionState = 'new';
  iceGatheringState = 'new';
  localDescription = null;
  remoteDescription = null;
  restarts = 0;
  onnegotiationneeded = null;
  onicecandidate = null;
  onicegatheringstatechange = null;
  onicecandidateerror = null;
  onconnectionstatechange = null;
  oniceconnectionstatechange = null;
  constructor() {
    SilentConnection.last = this;
    SilentConnection.made += 1;
  }
  createDataChannel() {
    return this.channel;
  }
  createOffer() {
    return new Promise(() => undefined); // never
  }
  getConfiguration() {
    return {};
  }
  setConfiguration() {}
  restartIce() {
    this.restarts += 1;
  }
  close() {
    this.signalingState = 'closed';
  }
}

function silentPeer() {
  const states: PeerState[] = [];
  const errors: P2PError[] = [];
  const peer = new PeerSession('u2', 's2', true, {
    RTCPeerConnection: SilentConnection as never,
    config: {},
    relayOnly: false,
    localSessionId: () => 's1',
    signal: () => Promise.resolve(),
    onFrame: () => undefined,
    onChannel: () => undefined,
    onState: (_p, s) => states.push(s),
    onError: (_p, e) => errors.push(e),
  });
  return { peer, states, errors, pc: SilentConnection.last };
}

describe('peer session timeouts', () => {
  it('gives up a connection that does not open in time', () => {
    const { peer, errors } = silentPeer();
    vi.advanceTimersByTime(PEER_TIMINGS.openTimeout - 1);
    expect(peer.state).toBe('connecting');
    vi.advanceTimersByTime(1);
    expect(peer.state).toBe('closed');
    expect(peer.closeReason).toBe('timed out');
    expect(errors.map((e) => e.code)).toEqual(['CONNECTION_FAILED']);
  });

  it('sends heartbeats on an open channel, and restarts ICE when the peer goes silent', () => {
    const { peer, states, pc } = silentPeer();
    pc.channel.readyState = 'open';
    pc.channel.onopen?.();
    expect(states).toEqual(['open']);
    vi.advanceTimersByTime(PEER_TIMINGS.heartbeat);
    expect(pc.channel.sent.map((d) => (JSON.parse(d) as { t: string }).t)).toEqual([
      'hello',
      'ping',
    ]);
    // something heard keeps it open
    pc.channel.onmessage?.({ data: '{"t":"ping"}' });
    vi.advanceTimersByTime(PEER_TIMINGS.silence - 1000);
    expect(peer.state).toBe('open');
    vi.advanceTimersByTime(PEER_TIMINGS.silence);
    expect(peer.state).toBe('reconnecting');
    expect(pc.restarts).toBe(1);
    // a restart that does not bring the path back gives way to a new connection
    vi.advanceTimersByTime(PEER_TIMINGS.restartTimeout);
    expect(peer.state).toBe('closed');
    expect(peer.closeReason).toBe('path lost');
  });

  it('waits a grace period after ICE "disconnected" before restarting, and not at all if it recovers', () => {
    const { peer, pc } = silentPeer();
    pc.channel.readyState = 'open';
    pc.channel.onopen?.();
    const ice = (s: string) => {
      pc.iceConnectionState = s;
      (pc.oniceconnectionstatechange as unknown as () => void)();
    };
    ice('disconnected');
    vi.advanceTimersByTime(PEER_TIMINGS.disconnectedGrace - 1);
    ice('connected');
    vi.advanceTimersByTime(PEER_TIMINGS.disconnectedGrace);
    expect(pc.restarts).toBe(0);
    ice('disconnected');
    vi.advanceTimersByTime(PEER_TIMINGS.disconnectedGrace);
    expect(pc.restarts).toBe(1);
    expect(peer.state).toBe('reconnecting');
    ice('connected');
    expect(peer.state).toBe('open');
  });
});

describe('conversation timeouts', () => {
  const store = memoryMessageStore();
  const host = (): ConversationHost => ({
    self: () => ({ id: 'u1', username: 'ada', displayName: 'Ada' }),
    store: () => Promise.resolve(store),
    rawStore: () => Promise.resolve(store),
    receipts: () => true,
    unreachable: () => null,
    online: () => true,
    nameOf: () => 'Bob',
    reach: () => new Promise(() => undefined), // the path never comes back
    currentSessions: () => [],
    sendFile: () => Promise.reject(new Error('not in this test')),
    verify: () => Promise.resolve(),
    unverify: () => undefined,
    trust: () => 'unverified',
  });

  it('answers "pending" after the ack wait, and keeps the message in the outbox until it goes', async () => {
    const chat = new Conversation('u2', host());
    const statuses: MessageStatus[] = [];
    chat.on('status', (s) => statuses.push(s));
    const sent = chat.send('hello');
    await vi.advanceTimersByTimeAsync(CONVERSATION_TIMINGS.ackWait);
    await expect(sent).resolves.toMatchObject({ body: 'hello', status: 'pending' });
    // an outbox does not give up by itself: a day later it is still waiting, and stored
    await vi.advanceTimersByTimeAsync(86_400_000);
    expect(chat.pending.map((m) => m.body)).toEqual(['hello']);
    expect((await store.pending()).map((m) => m.body)).toEqual(['hello']);
    expect(statuses).toEqual([]);
    // until it is cancelled
    expect(await chat.cancel((await sent).id)).toBe(true);
    expect(statuses.map((s) => [s.status, s.error?.code])).toEqual([['failed', 'CANCELLED']]);
    expect(await store.pending()).toEqual([]);
  });

  it('expires a typing indicator that never hears "stopped"', () => {
    const chat = new Conversation('u2', host());
    const typing: boolean[] = [];
    chat.on('typing', (t) => typing.push(t));
    const session = { send: () => true } as unknown as PeerSession;
    const from = { id: 'u2', username: 'bob', displayName: 'Bob' };
    chat.receive(session, { t: 'typing', on: true }, from);
    vi.advanceTimersByTime(CONVERSATION_TIMINGS.typingExpiry - 1);
    expect(typing).toEqual([true]);
    vi.advanceTimersByTime(1);
    expect(typing).toEqual([true, false]);
  });
});

describe('signaling watchdog', () => {
  it('opens the connection afresh when reconnection stalls for twice the longest backoff', () => {
    const signaling = new Signaling('http://127.0.0.1:9', () => 't', {
      reconnectionDelayMax: 1000,
    });
    const connect = vi.spyOn(signaling, 'connect').mockImplementation(() => new Promise(() => {}));
    (signaling as unknown as { setState(s: string): void }).setState('reconnecting');
    vi.advanceTimersByTime(1999);
    expect(connect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(connect).toHaveBeenCalledTimes(1);
  });
});

describe('reopening a dropped connection', () => {
  it('tries again with growing, jittered delays, a bounded number of times', async () => {
    const roster = new Roster();
    roster.put({
      user: { id: 'u2', username: 'bob', displayName: 'Bob', bio: '', status: '', avatarUrl: '' },
      sessions: ['s2'],
    });
    const signaling = { state: 'connected', sessionId: 's1', send: () => Promise.resolve() };
    const directory = new PeerDirectory(
      {
        RTCPeerConnection: () => SilentConnection as never,
        rtcConfig: {},
        relayOnly: false,
        selfId: () => 'u1',
        onFrame: () => undefined,
        onChannel: () => undefined,
        certificateConfig: () => ({}),
        onPeer: () => undefined,
        onRequests: () => undefined,
        wantsConversation: () => true,
        syncsOwnSessions: () => false,
        keepsSpare: () => false,
        touchConversation: () => undefined,
        onError: () => undefined,
      },
      signaling as never,
      roster,
      new IceServerCache(
        { fetch: () => new Promise(() => undefined) },
        {
          fixed: [],
          escape: () => false,
        },
      ),
      new ReachPolicy(memoryPreferences(), { policy: 'anyone' }),
    );
    SilentConnection.made = 0;
    (directory as unknown as { scheduleReopen(id: string): void }).scheduleReopen('u2');
    expect(directory.reopening('u2')).toBe(true);
    // nothing before the first (jittered) delay
    await vi.advanceTimersByTimeAsync(REOPEN.baseMs * 0.5 - 1);
    expect(SilentConnection.made).toBe(0);
    // each attempt opens a connection that never opens: it times out, and the next one waits longer
    await vi.advanceTimersByTimeAsync(REOPEN.baseMs);
    expect(SilentConnection.made).toBe(1);
    for (let i = 0; i < 20; i++)
      await vi.advanceTimersByTimeAsync(PEER_TIMINGS.openTimeout + REOPEN.maxMs * 1.5);
    expect(SilentConnection.made).toBe(REOPEN.attempts);
    expect(directory.reopening('u2')).toBe(false);
    directory.closeAll();
  });
});

// Mallory, a signaling server that sits in the middle: she swallows the signals between two users, answers
// each of them herself with a connection of her own (node-datachannel, her own certificates), and pipes the
// chat channel between the two. Both believe they talk to each other; each connection's DTLS ends at her.
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import type { RunningServer } from '@p2pchat/server';

interface Party {
  id: string;
  username: string;
}
interface Side {
  pc: RTCPeerConnection;
  channel: RTCDataChannel;
  described: boolean;
  pending: RTCIceCandidateInit[];
  victim: Party;
  posingAs: Party;
  outbox: unknown[];
}
type Packet = [
  string,
  { to?: string; type?: string; data?: { sdp?: string; candidate?: string } },
  unknown,
];
type Socket = {
  id: string;
  connected: boolean;
  data: { user?: { id: string } };
  emit(event: string, payload: unknown): void;
  use(fn: (packet: Packet, next: (err?: Error) => void) => void): void;
};

export function mallory(server: RunningServer, ada: Party, bob: Party) {
  const io = server.realtime.io as unknown as {
    sockets: { sockets: Map<string, Socket> };
    on(event: 'connection', fn: (s: Socket) => void): void;
  };
  // The user's newest live socket: after a reload the old one may linger until the server notices it gone,
  // and a signal sent there would reach nobody.
  const sessionOf = (userId: string) =>
    [...io.sockets.sockets.values()]
      .filter((s) => s.data.user?.id === userId && s.connected)
      .at(-1);
  const side = (victim: Party, posingAs: Party): Side => {
    const pc = new RTCPeerConnection({
      bindAddress: '127.0.0.1',
      iceServers: [],
    } as RTCConfiguration);
    const channel = pc.createDataChannel('p2pchat', { negotiated: true, id: 0, ordered: true });
    const s: Side = { pc, channel, described: false, pending: [], victim, posingAs, outbox: [] };
    pc.onicecandidate = (e) => {
      if (e.candidate)
        deliver(s, 'candidate', {
          candidate: e.candidate.candidate,
          sdpMid: e.candidate.sdpMid,
          sdpMLineIndex: e.candidate.sdpMLineIndex,
        });
    };
    return s;
  };
  // toAda poses as bob to ada; toBob poses as ada to bob
  const toAda = side(ada, bob);
  const toBob = side(bob, ada);
  const pipe = (from: Side, to: Side) => {
    from.channel.onmessage = (e: MessageEvent) => {
      if (to.channel.readyState === 'open') to.channel.send(e.data as string);
      else to.outbox.push(e.data);
    };
    to.channel.onopen = () => {
      for (const m of to.outbox.splice(0)) to.channel.send(m as string);
    };
  };
  pipe(toAda, toBob);
  pipe(toBob, toAda);

  function deliver(s: Side, type: string, data: unknown) {
    sessionOf(s.victim.id)?.emit('signal', {
      type,
      data,
      from: {
        userId: s.posingAs.id,
        username: s.posingAs.username,
        sessionId: sessionOf(s.posingAs.id)?.id,
      },
    });
  }
  const described = async (s: Side) => {
    s.described = true;
    for (const c of s.pending.splice(0)) await s.pc.addIceCandidate(c).catch(() => undefined);
  };
  let offeredToBob = false;
  async function handle(
    s: Side,
    type: string,
    data: { sdp?: string; candidate?: string } | undefined,
  ) {
    if (type === 'offer' && data?.sdp) {
      await s.pc.setRemoteDescription({ type: 'offer', sdp: data.sdp });
      await described(s);
      await s.pc.setLocalDescription(await s.pc.createAnswer());
      deliver(s, 'answer', { sdp: s.pc.localDescription?.sdp });
      if (s === toAda && !offeredToBob && !toBob.described) {
        // and now, as ada, to bob
        offeredToBob = true;
        await toBob.pc.setLocalDescription(await toBob.pc.createOffer());
        deliver(toBob, 'offer', { sdp: toBob.pc.localDescription?.sdp });
      }
    } else if (type === 'answer' && data?.sdp) {
      await s.pc.setRemoteDescription({ type: 'answer', sdp: data.sdp });
      await described(s);
    } else if (type === 'candidate' && data?.candidate) {
      const c = data as RTCIceCandidateInit;
      if (s.described) await s.pc.addIceCandidate(c).catch(() => undefined);
      else s.pending.push(c);
    }
  }
  let active = true;
  const attach = (socket: Socket) =>
    socket.use((packet, next) => {
      const [event, payload, ack] = packet;
      if (!active) return next();
      const from = socket.data.user?.id;
      const between =
        (from === ada.id && payload?.to === bob.id) || (from === bob.id && payload?.to === ada.id);
      if (event !== 'signal' || !between) return next();
      if (typeof ack === 'function') (ack as (a: unknown) => void)({ ok: true }); // as the server would
      void handle(from === ada.id ? toAda : toBob, payload.type ?? '', payload.data).catch(
        () => undefined,
      );
    });
  io.sockets.sockets.forEach(attach);
  io.on('connection', attach);
  return {
    /** The certificate fingerprints Mallory shows to ada and to bob. */
    fingerprints: () => ({
      toAda: /a=fingerprint:(.+)/.exec(toAda.pc.localDescription?.sdp ?? '')?.[1]?.trim(),
      toBob: /a=fingerprint:(.+)/.exec(toBob.pc.localDescription?.sdp ?? '')?.[1]?.trim(),
    }),
    /** Lets signals through untouched until `resume()`. */
    pause() {
      active = false;
    },
    resume() {
      active = true;
    },
    close() {
      toAda.pc.close();
      toBob.pc.close();
    },
  };
}

// The load generator: N clients of one relay (ws, peerjs or ours) in this process, on its own core. It
// connects them all, then sends signals between random pairs at rising rates, and reports each step as a
// JSON line on stdout: {step, rate, sent, received, lost, p50, p99, seconds}. The orchestrator
// (signaling.mjs) reads the server's CPU and memory around each step.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';
import WebSocket from 'ws';

const [target, port, count, tokensFile] = [
  process.env.TARGET,
  Number(process.env.PORT),
  Number(process.env.N),
  process.env.TOKENS,
];
const OFFER_BYTES = 600;
const CANDIDATE_BYTES = 150;
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

// Each signal carries "#seq:sentAt#" at the start of its SDP or candidate text, padded to its size.
const now = () => performance.now();
const stamp = (seq, size) => {
  const head = `#${seq}:${now().toFixed(3)}#`;
  return head + 'x'.repeat(Math.max(0, size - head.length));
};
const readStamp = (text) => {
  const m = /^#(\d+):([\d.]+)#/.exec(text);
  return m ? { seq: Number(m[1]), sentAt: Number(m[2]) } : null;
};

// The clients of each relay: connect, send a signal, and tell `onSignal` what arrived.
const adapters = {
  ws: {
    async connect(i, onSignal) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/?id=c${i}`, {
        perMessageDeflate: false,
      });
      socket.on('message', (raw) => onSignal(JSON.parse(raw.toString()).data.text));
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      return {
        id: `c${i}`,
        send: (to, kind, text) => socket.send(JSON.stringify({ to, data: { kind, text } })),
        close: () => socket.close(),
      };
    },
  },
  peerjs: {
    async connect(i, onSignal) {
      const socket = new WebSocket(
        `ws://127.0.0.1:${port}/peerjs?key=peerjs&id=c${i}&token=t${i}`,
        { perMessageDeflate: false },
      );
      const opened = new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.on('message', (raw) => {
          const m = JSON.parse(raw.toString());
          if (m.type === 'OPEN') resolve();
          else if (m.type === 'OFFER' || m.type === 'CANDIDATE') onSignal(m.payload.text);
        });
      });
      await opened;
      // PeerJS clients send heartbeats; the server drops silent ones after a minute.
      const beat = setInterval(() => socket.send('{"type":"HEARTBEAT"}'), 5000);
      return {
        id: `c${i}`,
        send: (to, kind, text) =>
          socket.send(
            JSON.stringify({
              type: kind === 'offer' ? 'OFFER' : 'CANDIDATE',
              dst: to,
              payload: { kind, text },
            }),
          ),
        close: () => {
          clearInterval(beat);
          socket.close();
        },
      };
    },
  },
  // a bare Socket.IO relay: the same client as ours, without the token
  sio: {
    connect: (i, onSignal) => socketIoClient(`c${i}`, { id: `c${i}` }, onSignal),
  },
  ours: {
    users: tokensFile ? JSON.parse(readFileSync(tokensFile, 'utf8')) : [],
    connect(i, onSignal) {
      const { id, token } = this.users[i];
      return socketIoClient(id, { token }, onSignal);
    },
  },
};

// A Socket.IO client of the signal protocol (ours, and the bare Socket.IO relay that mimics it). By default
// a lean one over `ws`, as the PeerJS and ws baselines use: it speaks Socket.IO's wire protocol itself
// (engine.io 4, Socket.IO 5) and decodes only the signals, so the load generator spends on each relay's
// clients about the same, and what differs is the server. SIO_CLIENT=socket.io-client uses the official
// client instead (every frame decoded, presence included; its p99 holds that client's pauses too).
const signalOf = (to, kind, text) =>
  kind === 'offer'
    ? { to, type: 'offer', data: { sdp: text } }
    : { to, type: 'candidate', data: { candidate: text, sdpMid: '0', sdpMLineIndex: 0 } };
const socketIoClient = process.env.SIO_CLIENT === 'socket.io-client' ? officialClient : leanClient;

async function leanClient(id, auth, onSignal) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
    perMessageDeflate: false,
  });
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      socket.terminate();
      reject(new Error('no session within 20 s'));
    }, 20_000);
    socket.on('message', (buf) => {
      const type = buf[0];
      if (type === 0x32 /* 2: ping */) return socket.send('3');
      if (type === 0x30 /* 0: open */) return socket.send(`40${JSON.stringify(auth)}`);
      if (type !== 0x34 /* 4: a Socket.IO packet */) return;
      const kind = buf[1];
      if (kind === 0x34 /* 44: connect error */) {
        clearTimeout(t);
        reject(new Error(buf.toString()));
        return;
      }
      if (kind !== 0x32 /* 42: an event */) return;
      const head = buf.toString('latin1', 2, 12);
      if (head === '["signal",') {
        const s = JSON.parse(buf.toString('utf8', 2))[1];
        onSignal(s.type === 'offer' ? s.data.sdp : s.data.candidate);
      } else if (head === '["session"') {
        clearTimeout(t);
        resolve();
      }
    });
    socket.once('error', (err) => {
      clearTimeout(t);
      reject(err);
    });
  });
  socket.on('close', () => (dropped += 1));
  return {
    id,
    send: (to, kind, text) =>
      socket.send(`42${JSON.stringify(['signal', signalOf(to, kind, text)])}`),
    close: () => {
      socket.removeAllListeners('close');
      socket.close();
    },
  };
}

async function officialClient(id, auth, onSignal) {
  const socket = io(`http://127.0.0.1:${port}`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    perMessageDeflate: false,
  });
  socket.on('signal', (s) => onSignal(s.type === 'offer' ? s.data.sdp : s.data.candidate));
  await new Promise((resolve, reject) => {
    // a client that is never let in within 20 s counts as failed (and is closed), rather than hanging
    const t = setTimeout(() => {
      socket.disconnect();
      reject(new Error('no session within 20 s'));
    }, 20_000);
    socket.once('session', () => {
      clearTimeout(t);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(t);
      reject(err);
    });
  });
  socket.on('disconnect', () => (dropped += 1));
  return {
    id,
    send: (to, kind, text) => socket.emit('signal', signalOf(to, kind, text)),
    close: () => socket.disconnect(),
  };
}

const adapter = adapters[target];
if (!adapter) throw new Error(`unknown target ${target}`);

// Clients the server disconnected (ours: a missed ping while it was busy); they are not brought back.
let dropped = 0;

// What arrived, by sequence number: the delay of each.
let delays = [];
const onSignal = (text) => {
  const s = readStamp(text);
  if (s) delays.push(now() - s.sentAt);
};

// Connect everyone, a few hundred at a time (as a crowd arriving, not all in one tick).
// A client that cannot connect (a server too busy to answer in time) is counted, not retried.
const started = now();
const clients = [];
let failed = 0;
for (let i = 0; i < count; i += 200) {
  const batch = [];
  for (let j = i; j < Math.min(count, i + 200); j++)
    batch.push(
      adapter.connect(j, onSignal).catch(() => {
        failed += 1;
        return null;
      }),
    );
  clients.push(...(await Promise.all(batch)).filter(Boolean));
}
say({ connected: clients.length, failed, seconds: (now() - started) / 1000 });

let seq = 0;
// Sends `rate` signals a second for `seconds`, in ticks of 10 ms, between random pairs.
async function step(rate, seconds) {
  delays = [];
  const total = Math.round(rate * seconds);
  const perTick = rate / 100;
  let sent = 0;
  let owed = 0;
  const t0 = now();
  while (sent < total) {
    owed += perTick;
    while (owed >= 1 && sent < total) {
      owed -= 1;
      const from = clients[Math.floor(Math.random() * clients.length)];
      let to = clients[Math.floor(Math.random() * clients.length)];
      if (to === from) to = clients[(clients.indexOf(from) + 1) % clients.length];
      const offer = Math.random() < 0.25;
      from.send(
        to.id,
        offer ? 'offer' : 'candidate',
        stamp(seq++, offer ? OFFER_BYTES : CANDIDATE_BYTES),
      );
      sent += 1;
    }
    const next = t0 + (sent / total) * seconds * 1000;
    const wait = next - now();
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(wait, 10))));
  }
  const sendSeconds = (now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 1000)); // stragglers
  const got = [...delays].sort((a, b) => a - b);
  const q = (p) => (got.length ? got[Math.min(got.length - 1, Math.floor(p * got.length))] : NaN);
  return {
    rate,
    sent,
    received: got.length,
    lost: sent - got.length,
    p50: q(0.5),
    p99: q(0.99),
    achievedRate: sent / sendSeconds,
    dropped,
  };
}

// The orchestrator drives the steps over stdin: "step <rate> <seconds>", then "quit".
const lines = createInterface({ input: process.stdin });
say({ ready: true });
for await (const line of lines) {
  const [cmd, a, b] = line.trim().split(/\s+/);
  if (cmd === 'step') say({ step: await step(Number(a), Number(b)) });
  else if (cmd === 'quit') break;
}
for (const c of clients) c.close();
process.exit(0);

// The presence load generator: N observers and C churning users of our server, in this process, on its
// own core. Two phases, driven over stdin by presence.mjs:
//
//   storm   the N observers connect within SPREAD_MS (as after a server restart, when the SDK's first
//           reconnection attempts come 250–750 ms after the drop); reports when every observer had its
//           session and when every observer's roster was complete and right, and the bytes each received;
//   churn <rate> <seconds>
//           the churning users come online and go offline at <rate> changes a second between random ones;
//           reports, for each change, when every observer had seen it, and the bytes per observer per change.
//
// The clients speak Socket.IO's wire protocol over `ws` themselves (engine.io 4, Socket.IO 5: "0" open,
// "40{auth}" connect, "42[event, payload]" events, "2"/"3" ping and pong), as socket.io-client does, but
// without decoding every frame for every client: Socket.IO encodes a broadcast once, so thousands of
// observers receive byte-identical frames. Each distinct frame is parsed once and applied to each
// observer's own roster (a bitset), after a byte-for-byte comparison with the frame that was parsed. One
// core then plays 5,000 clients without parsing 5,000 copies of every roster, which no real client has to
// do, and every roster is still checked in full.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const port = Number(process.env.PORT);
const N = Number(process.env.N);
const C = Number(process.env.CHURN ?? 1000);
const SPREAD_MS = Number(process.env.SPREAD_MS ?? 500);
const users = JSON.parse(readFileSync(process.env.TOKENS, 'utf8'));
if (users.length < N + C) throw new Error(`need ${N + C} users, have ${users.length}`);
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const now = () => performance.now();
const index = new Map(users.map((u, i) => [u.id, i]));
const TOTAL = N + C;

// ---- frames: parsed once per distinct content ----
const recent = new Map(); // sampled key → [{ buf, parsed, firstAt, seenBy, lastAt, done }]
const order = [];
const KEEP = 256;
const sampleKey = (buf) => {
  const n = buf.length;
  const at = (p) => buf.toString('latin1', Math.floor(p * n), Math.min(n, Math.floor(p * n) + 24));
  return `${n}|${at(0.3)}|${at(0.6)}|${at(0.9)}`;
};
function parseFrame(buf) {
  // "42[" then the event name
  const text = buf.toString('utf8');
  const [event, payload] = JSON.parse(text.slice(2));
  const online = [];
  const offline = [];
  if (event === 'presence:snapshot' || event === 'presence:changes') {
    for (const e of payload.users) {
      const i = index.get(e.user.id);
      if (i !== undefined) online.push(i);
    }
    for (const id of payload.offline ?? []) {
      const i = index.get(id);
      if (i !== undefined) offline.push(i);
    }
  }
  return { event, snapshot: event === 'presence:snapshot', online, offline };
}
function frameOf(buf) {
  const key = sampleKey(buf);
  const bucket = recent.get(key) ?? [];
  for (const f of bucket) if (f.buf.equals(buf)) return f;
  const f = { buf, parsed: parseFrame(buf), firstAt: now(), seenBy: 0, lastAt: 0 };
  bucket.push(f);
  recent.set(key, bucket);
  order.push([key, f]);
  while (order.length > KEEP) {
    const [k, old] = order.shift();
    const b = recent.get(k);
    const rest = b?.filter((x) => x !== old) ?? [];
    if (rest.length) recent.set(k, rest);
    else recent.delete(k);
  }
  return f;
}

// ---- one client ----
// `observer`: keeps a roster and counts what it sees; otherwise it only counts bytes (churners).
function connect(i, observer, hooks) {
  const c = {
    i,
    observer,
    ws: null,
    session: false,
    bytes: 0,
    roster: observer ? new Uint8Array(Math.ceil(TOTAL / 8)) : null,
    count: 0,
    closed: false,
  };
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
    perMessageDeflate: false,
    // a browser checks UTF-8 natively; ws in JavaScript would spend a tenth of this process on it
    skipUTF8Validation: true,
  });
  c.ws = ws;
  ws.on('message', (buf) => {
    c.bytes += buf.length;
    const t = buf[0];
    if (t === 0x32 /* 2: ping */) return ws.send('3');
    if (t === 0x30 /* 0: open */) return ws.send(`40${JSON.stringify({ token: users[i].token })}`);
    if (t !== 0x34 /* 4: message */) return;
    const kind = buf[1];
    if (kind === 0x34 /* 44: connect error */) return hooks.failed?.(c, buf.toString());
    if (kind !== 0x32 /* 42: event */) return;
    if (!c.session && buf.toString('latin1', 2, 12) === '["session"') {
      c.session = true;
      hooks.session?.(c);
      return;
    }
    if (!observer) return;
    const f = frameOf(buf);
    const p = f.parsed;
    if (p.snapshot) {
      c.roster.fill(0);
      c.count = 0;
    }
    const r = c.roster;
    for (const u of p.online) {
      const bit = 1 << (u & 7);
      if (!(r[u >> 3] & bit)) {
        r[u >> 3] |= bit;
        c.count += 1;
      }
    }
    for (const u of p.offline) {
      const bit = 1 << (u & 7);
      if (r[u >> 3] & bit) {
        r[u >> 3] &= ~bit;
        c.count -= 1;
      }
    }
    f.seenBy += 1;
    f.lastAt = now();
    hooks.frame?.(c, f);
  });
  ws.on('error', () => undefined);
  ws.on('close', () => {
    c.closed = true;
    hooks.close?.(c);
  });
  return c;
}

const has = (c, u) => (c.roster[u >> 3] & (1 << (u & 7))) !== 0;

// ---- phase 1: the reconnect storm ----
const observers = [];
// What the observers report to, set by each phase (looked up at each event).
const observerHooks = { session: undefined, frame: undefined, failed: undefined };
async function storm() {
  const t0 = now();
  let sessions = 0;
  let complete = 0;
  let failed = 0;
  let allSessionsAt = NaN;
  let allCompleteAt = NaN;
  const done = new Set();
  const check = (c) => {
    if (done.has(c) || !c.session || c.count !== N) return;
    // the count is right; the roster must be exactly the N observers
    for (let u = 0; u < N; u++) if (!has(c, u)) return;
    done.add(c);
    complete += 1;
    if (complete === N) allCompleteAt = now();
  };
  observerHooks.session = (c) => {
    sessions += 1;
    if (sessions === N) allSessionsAt = now();
    check(c);
  };
  observerHooks.frame = (c) => check(c);
  observerHooks.failed = () => (failed += 1);
  await new Promise((resolve) => {
    for (let i = 0; i < N; i++)
      setTimeout(() => observers.push(connect(i, true, observerHooks)), Math.random() * SPREAD_MS);
    const deadline = t0 + 120_000;
    const poll = setInterval(() => {
      if (complete === N || now() > deadline) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
  });
  observerHooks.session = observerHooks.frame = undefined;
  const closed = observers.filter((c) => c.closed).length;
  const bytes = observers.reduce((s, c) => s + c.bytes, 0);
  return {
    n: N,
    sessionsSeconds: (allSessionsAt - t0) / 1000,
    completeSeconds: (allCompleteAt - t0) / 1000,
    sessions,
    complete,
    failed,
    closed,
    bytesPerClient: bytes / N,
  };
}

// ---- phase 2: join/leave churn ----
async function churn(rate, seconds) {
  const churners = new Array(C).fill(null); // client or null
  const pending = new Map(); // churner index → [{ type, t0 }]
  const delays = [];
  let superseded = 0;
  let made = 0;
  const bytes0 = observers.reduce((s, c) => s + c.bytes, 0);
  // A frame seen by every observer completes the changes of the users it carries.
  observerHooks.frame = (_c, f) => {
    if (f.seenBy !== N || f.done) return;
    f.done = true;
    const settle = (list, state) => {
      for (const u of list) {
        const k = u - N;
        const changes = pending.get(k);
        if (!changes) continue;
        // the last pending change to the frame's state is the one it delivers; the ones before it were
        // coalesced into it (a user who went and came back within one batch)
        let last = -1;
        for (let j = 0; j < changes.length; j++) if (changes[j].type === state) last = j;
        if (last < 0) continue;
        // (a join is dated when the churner got its session, which can come a moment after the batch)
        delays.push(Math.max(0, f.lastAt - changes[last].t0));
        superseded += last;
        changes.splice(0, last + 1);
      }
    };
    settle(f.parsed.online, 'join');
    settle(f.parsed.offline, 'leave');
  };
  const churnHooks = {
    session: (c) => {
      const k = c.i - N;
      if (!pending.has(k)) pending.set(k, []);
      pending.get(k).push({ type: 'join', t0: now() });
    },
  };
  const t0 = now();
  const total = Math.round(rate * seconds);
  let owed = 0;
  while (made < total) {
    owed += rate / 100;
    while (owed >= 1 && made < total) {
      owed -= 1;
      // a random churner comes online or goes offline (one still connecting is passed over)
      for (let tries = 0; tries < 10; tries++) {
        const k = Math.floor(Math.random() * C);
        const c = churners[k];
        if (!c) {
          churners[k] = connect(N + k, false, churnHooks);
        } else if (c.session && !c.closed) {
          c.ws.close();
          churners[k] = null;
          if (!pending.has(k)) pending.set(k, []);
          pending.get(k).push({ type: 'leave', t0: now() });
        } else continue;
        made += 1;
        break;
      }
    }
    const next = t0 + (made / total) * seconds * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(next - now(), 10))));
  }
  const sendSeconds = (now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 3000)); // the last batches
  observerHooks.frame = undefined;
  const open = churners.filter(Boolean);
  for (const c of open) c.ws.close();
  const unseen = [...pending.values()].reduce((s, l) => s + l.length, 0);
  const got = [...delays].sort((a, b) => a - b);
  const q = (p) => (got.length ? got[Math.min(got.length - 1, Math.floor(p * got.length))] : NaN);
  const bytes = observers.reduce((s, c) => s + c.bytes, 0) - bytes0;
  // every observer's roster must end as the truth: the N observers and the churners still online
  const truth = new Set(open.map((c) => c.i));
  let wrong = 0;
  for (const o of observers) {
    let ok = o.count === N + truth.size;
    for (const u of truth) ok &&= has(o, u);
    if (!ok) wrong += 1;
  }
  await new Promise((r) => setTimeout(r, 1500)); // the closes go out before the next phase
  return {
    rate,
    changes: made,
    achievedRate: made / sendSeconds,
    seenByAll: got.length,
    superseded,
    unseen,
    p50: q(0.5),
    p99: q(0.99),
    max: got.at(-1) ?? NaN,
    bytesPerObserverPerChange: bytes / N / made,
    wrongRosters: wrong,
  };
}

const lines = createInterface({ input: process.stdin });
say({ ready: true });
for await (const line of lines) {
  const [cmd, a, b] = line.trim().split(/\s+/);
  if (cmd === 'storm') say({ storm: await storm() });
  else if (cmd === 'churn') say({ churn: await churn(Number(a), Number(b)) });
  else if (cmd === 'quit') break;
}
for (const c of observers) c.ws.close();
process.exit(0);

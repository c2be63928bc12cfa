// The scale-out benchmark: our server as one process, and as 1, 2 and 3 workers behind one port
// (`p2pchat-server --workers N`, the cluster adapter), and as 2 workers over a real redis-server, all on
// this machine, in one run. For each: the signal rate it sustains with p99 < 50 ms and no loss (the
// signaling benchmark's load generator, N clients between random pairs), p50/p99 at 1k/s and the CPU of
// all its processes per signal; and, on an idle server, the one-way delay of a signal between two clients on
// the same worker and on different workers (median of 300, sender and receiver in this process, so one
// clock). Prints figures and writes the "Scale out" section of bench/RESULTS.md.
//
//   pnpm --filter @p2pchat/bench cluster
//   N=1000 RUNS=1 SETUPS=single,workers2 RATES=1000,5000 pnpm --filter @p2pchat/bench cluster
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openEmbeddedStore } from '@p2pchat/server';
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import { hasRedis, startRedis } from '../../test-support/redis.mjs';
import { cpuSeconds, lineReader, median } from './proc.mjs';
import { writeSection } from './results.mjs';
import { seedUsers } from './servers/seed.mjs';

const here = new URL('.', import.meta.url).pathname;
const CLI = new URL('./cli.js', import.meta.resolve('@p2pchat/server')).pathname;
const N = Number(process.env.N ?? 1000);
const RUNS = Number(process.env.RUNS ?? 2);
const RATES = (process.env.RATES ?? '1000,2000,4000,6000,8000,10000,12000,15000,20000,25000')
  .split(',')
  .map(Number);
const STEP_SECONDS = Number(process.env.STEP_SECONDS ?? 3);
const LATENCY_SAMPLES = 300;
const P99_AIM_MS = 50;

const SETUPS = {
  single: { label: 'one process', args: [] },
  workers1: { label: '--workers 1', args: ['--workers', '1'] },
  workers2: { label: '--workers 2', args: ['--workers', '2'] },
  workers3: { label: '--workers 3', args: ['--workers', '3'] },
  redis2: { label: '--workers 2, REDIS_URL', args: ['--workers', '2'], redis: true },
};
const chosen = (process.env.SETUPS ?? Object.keys(SETUPS).join(','))
  .split(',')
  .filter((s) => s !== 'redis2' || hasRedis());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The floors, measured the same way in the same run: one IPC hop between two Node processes (a signal
// between two workers takes two: worker, primary, worker), and one Redis publish to a subscriber.
if (process.argv[2] === 'echo') {
  process.on('message', (m) => process.send(m));
  await new Promise(() => undefined);
}
async function ipcHopMs() {
  const child = fork(new URL(import.meta.url).pathname, ['echo'], { serialization: 'advanced' });
  await sleep(300);
  const d = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const t0 = performance.now();
    await new Promise((r) => {
      child.once('message', r);
      child.send({ text: 'x'.repeat(300) });
    });
    d.push((performance.now() - t0) / 2);
    await sleep(25);
  }
  child.kill();
  return median(d);
}
async function redisHopMs(url) {
  const pub = new Redis(url);
  const sub = new Redis(url);
  await sub.subscribe('p2pchat-bench');
  const d = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const t0 = performance.now();
    await new Promise((r) => {
      sub.once('message', r);
      void pub.publish('p2pchat-bench', 'x'.repeat(300));
    });
    d.push(performance.now() - t0);
    await sleep(25);
  }
  pub.disconnect();
  sub.disconnect();
  return median(d);
}
// The primary and its workers.
const family = (pid) => [
  pid,
  ...readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number),
];
const cpuOf = (pids) => pids.reduce((sum, p) => sum + cpuSeconds(p), 0);

async function startServer(setup, dataDir, redisUrl) {
  const child = spawn(process.execPath, [CLI, ...setup.args], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      STUN_URLS: '',
      DEMO_PAGE: 'off',
      AUTH_RATE_LIMIT_IP: '1000000',
      AUTH_RATE_LIMIT_ACCOUNT: '1000000',
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return { child, url, port: new URL(url).port };
}

function client(url, user, onSignal) {
  const socket = io(url, {
    auth: { token: user.token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  socket.on('signal', onSignal);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no session within 20 s')), 20_000);
    socket.once('session', () => {
      clearTimeout(t);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(t);
      reject(err);
    });
  });
}

// One-way delay of a signal from `from` to the user of `to`, sent one at a time, 40 a second.
async function oneWay(from, to, toUser) {
  const delays = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const got = new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('a signal did not arrive within 5 s')), 5000);
      to.once('signal', () => {
        clearTimeout(t);
        resolve();
      });
    });
    const t0 = performance.now();
    from.emit(
      'signal',
      {
        to: toUser.id,
        type: 'candidate',
        data: { candidate: 'x'.repeat(150), sdpMid: '0', sdpMLineIndex: 0 },
      },
      (ack) => {
        if (!ack.ok) throw new Error(`signal refused: ${ack.code}`);
      },
    );
    await got;
    delays.push(performance.now() - t0);
    await sleep(25); // below the per-socket signal rate (50/s)
  }
  return median(delays);
}

// Clients until two share a worker and one is on another (from the session records); their delays.
async function latency(url, dataDir, users) {
  const sockets = [];
  try {
    for (let i = 0; i < 8; i++) sockets.push(await client(url, users[i], () => undefined));
    await sleep(500); // the session records are written
    const store = openEmbeddedStore({ dataDir });
    const nodeOf = new Map((await store.sessions.listActive()).map((r) => [r.sessionId, r.nodeId]));
    await store.close();
    const node = sockets.map((s) => nodeOf.get(s.id));
    const a = 0;
    const same = node.findIndex((n, i) => i !== a && n === node[a]);
    const other = node.findIndex((n) => n !== node[a]);
    return {
      sameMs: same >= 0 ? await oneWay(sockets[a], sockets[same], users[same]) : NaN,
      crossMs: other >= 0 ? await oneWay(sockets[a], sockets[other], users[other]) : NaN,
    };
  } finally {
    for (const s of sockets) s.disconnect();
  }
}

async function measure(name, redisUrl) {
  const setup = SETUPS[name];
  const dataDir = mkdtempSync(join(tmpdir(), 'p2pchat-bench-cluster-'));
  const tokens = await seedUsers(dataDir, N);
  const users = JSON.parse(readFileSync(tokens, 'utf8'));
  const server = await startServer(setup, dataDir, redisUrl);
  try {
    await sleep(1000);
    const pids = family(server.child.pid);
    const { sameMs, crossMs } = await latency(server.url, dataDir, users);
    const gen = spawn(process.execPath, [`${here}loadgen.mjs`], {
      env: { ...process.env, TARGET: 'ours', PORT: server.port, N: String(N), TOKENS: tokens },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const next = lineReader(gen, 'loadgen');
    const connected = JSON.parse(await next());
    await next(); // ready
    await sleep(1000);
    const steps = [];
    for (const rate of RATES) {
      const [cpu0, t0] = [cpuOf(pids), performance.now()];
      gen.stdin.write(`step ${rate} ${STEP_SECONDS}\n`);
      const { step } = JSON.parse(await next());
      step.cpuUsPerSignal = ((cpuOf(pids) - cpu0) * 1e6) / step.sent;
      step.serverCores = (cpuOf(pids) - cpu0) / ((performance.now() - t0) / 1000);
      steps.push(step);
      console.log(
        `  ${setup.label} ${rate}/s: lost ${step.lost}, p50 ${step.p50.toFixed(1)} ms, p99 ${step.p99.toFixed(1)} ms, ${step.cpuUsPerSignal.toFixed(0)} µs CPU/signal, ${step.serverCores.toFixed(2)} cores busy`,
      );
      if (step.lost > 0 || !(step.p99 < P99_AIM_MS)) break;
    }
    gen.stdin.write('quit\n');
    await new Promise((r) => gen.once('exit', r));
    const good = steps.filter((s) => s.lost === 0 && s.p99 < P99_AIM_MS);
    const at1k = steps.find((s) => s.rate === 1000);
    return {
      name,
      label: setup.label,
      processes: pids.length,
      connectSeconds: connected.seconds,
      maxRate: good.length ? Math.max(...good.map((s) => s.rate)) : 0,
      p50At1k: at1k?.p50 ?? NaN,
      p99At1k: at1k?.p99 ?? NaN,
      cpuUsAt1k: at1k?.cpuUsPerSignal ?? NaN,
      sameMs,
      crossMs,
    };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function write(results, floors) {
  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const rows = results.map((r) => {
    const base = results.find((x) => x.name === 'single' && x.run === r.run);
    return `| ${r.label} | ${r.run} | ${r.processes} | ${f(r.connectSeconds)} | ${r.maxRate} | ${base ? f(r.maxRate / base.maxRate, 2) : '—'}× | ${f(r.p50At1k)} / ${f(r.p99At1k)} | ${f(r.cpuUsAt1k, 0)} | ${f(r.sameMs, 2)} / ${f(r.crossMs, 2)} (${Number.isFinite(r.crossMs - r.sameMs) ? `${r.crossMs - r.sameMs >= 0 ? '+' : ''}${(r.crossMs - r.sameMs).toFixed(2)}` : '—'}) |`;
  });
  writeSection(
    'Scale out',
    [
      `Our server on this machine as one process, and behind one port as 1, 2 and 3 workers (\`p2pchat-server --workers N\`, cluster adapter) and as 2 workers over a local redis-server. ${N} clients from one load-generator process (not pinned: the server's processes need both cores), random pairs, rates stepping through ${RATES.join(', ')} signals/s for ${STEP_SECONDS} s each until a step loses a signal or has p99 ≥ ${P99_AIM_MS} ms. Server CPU is summed over the primary and its workers. The one-way delay is measured on the idle server between two clients on one worker and on two workers (median of ${LATENCY_SAMPLES}, one clock). Command: \`pnpm --filter @p2pchat/bench cluster\`.`,
      '',
      '| setup | run | processes | connect all (s) | highest rate, p99 < 50 ms, no loss (signals/s) | ratio to one process, same run | p50 / p99 at 1k/s (ms) | server CPU per signal at 1k/s (µs) | one-way delay, same worker / across workers (added) (ms) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `Floors in the same run (median of ${LATENCY_SAMPLES}, same pacing): one IPC hop between two Node processes ${floors.map((x) => x.ipc.toFixed(2)).join(' / ')} ms, so ${floors.map((x) => (2 * x.ipc).toFixed(2)).join(' / ')} ms for the two hops a signal between workers takes; one Redis publish to a subscriber ${floors.map((x) => (Number.isFinite(x.redis) ? x.redis.toFixed(2) : '—')).join(' / ')} ms (runs 1 / 2).`,
      '',
      'On two shared cores, with the load generator on them too, more processes cannot add throughput: what the rows show is the cost of the cluster (IPC or Redis per cross-worker signal, presence replication) and the added delay across workers.',
    ].join('\n'),
  );
}

const redis = chosen.includes('redis2') ? await startRedis() : null;
const results = [];
const floors = [];
try {
  for (let run = 1; run <= RUNS; run++) {
    floors.push({ ipc: await ipcHopMs(), redis: redis ? await redisHopMs(redis.url) : NaN });
    console.log(
      `floors, run ${run}: IPC hop ${floors.at(-1).ipc.toFixed(2)} ms, Redis publish ${floors.at(-1).redis.toFixed(2)} ms`,
    );
    for (const name of chosen) {
      console.log(`${SETUPS[name].label}, run ${run}`);
      const r = { ...(await measure(name, SETUPS[name].redis ? redis.url : undefined)), run };
      console.log(
        `  highest rate ${r.maxRate}/s; one-way delay same worker ${r.sameMs.toFixed(2)} ms, across ${r.crossMs.toFixed(2)} ms`,
      );
      results.push(r);
      write(results, floors);
    }
  }
} finally {
  await redis?.stop();
}
console.log('wrote bench/RESULTS.md');

// The signaling relay benchmark: our server beside the PeerJS server and a bare `ws` relay, in one run on
// one machine. Each server runs pinned to core 0 and the load generator to core 1 (taskset). For each
// relay, N and run: the time to connect N clients, server memory per idle connection, then rising rates
// of signals between random pairs (600-byte offers, 150-byte candidates), each for a few seconds, with p50
// and p99 delivery delay, loss, and server CPU time per signal. Prints figures as it goes and writes
// bench/RESULTS.md (the signaling section).
//
//   pnpm --filter @p2pchat/bench signaling            # N = 1000 and 5000, two runs each
//   N=1000 RUNS=1 TARGETS=ours,peerjs pnpm --filter @p2pchat/bench signaling
//   LABEL='after X' …   writes its own section, beside the others (before/after a change)
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cpuSeconds, lineReader, rssBytes } from './proc.mjs';
import { writeSection } from './results.mjs';

const here = new URL('.', import.meta.url).pathname;
const TARGETS = (process.env.TARGETS ?? 'ws,peerjs,ours').split(',');
const SIZES = (process.env.N ?? '1000,5000').split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 2);
const RATES = (process.env.RATES ?? '1000,2000,5000,10000,15000,20000,30000,40000,50000,60000')
  .split(',')
  .map(Number);
const STEP_SECONDS = Number(process.env.STEP_SECONDS ?? 3);
const P99_AIM_MS = 50;

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

// A child on one core whose stdout lines are read one by one.
function start(core, script, env) {
  const child = spawn('taskset', ['-c', String(core), process.execPath, script], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const next = lineReader(child, script, 600_000);
  return { child, next };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function measure(target, n) {
  const port = await freePort();
  const script = { ws: 'ws-relay', sio: 'sio-relay' }[target] ?? target;
  const server = start(0, `${here}servers/${script}.mjs`, {
    PORT: String(port),
    USERS: String(n),
    // node flags for the servers only (e.g. SERVER_NODE_OPTIONS=--max-semi-space-size=32)
    ...(process.env.SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SERVER_NODE_OPTIONS } : {}),
  });
  const ready = (await server.next()).split(' ');
  const [actualPort, tokens] = [ready[1], ready[2]];
  await sleep(500);
  const pid = server.child.pid; // taskset execs node in place: same pid
  const rssBefore = rssBytes(pid);
  const gen = start(1, `${here}loadgen.mjs`, {
    TARGET: target,
    PORT: actualPort,
    N: String(n),
    ...(tokens ? { TOKENS: tokens } : {}),
  });
  const connectCpu0 = cpuSeconds(pid);
  const connected = JSON.parse(await gen.next());
  const connectCpu = cpuSeconds(pid) - connectCpu0;
  // the load generator's CPU while connecting (its clients parse every snapshot and batch)
  const genConnectCpu = cpuSeconds(gen.child.pid);
  await gen.next(); // ready
  await sleep(2000);
  const rssIdle = rssBytes(pid);
  const steps = [];
  for (const rate of RATES) {
    const [cpu0, genCpu0, t0] = [cpuSeconds(pid), cpuSeconds(gen.child.pid), Date.now()];
    gen.child.stdin.write(`step ${rate} ${STEP_SECONDS}\n`);
    const { step } = JSON.parse(await gen.next());
    const wall = (Date.now() - t0) / 1000;
    step.cpuUsPerSignal = ((cpuSeconds(pid) - cpu0) * 1e6) / step.sent;
    // how busy each core was over the step (the load generator must not be the bottleneck)
    step.serverBusy = (cpuSeconds(pid) - cpu0) / wall;
    step.loadgenBusy = (cpuSeconds(gen.child.pid) - genCpu0) / wall;
    steps.push(step);
    console.log(
      `  ${target} N=${n} ${rate}/s: sent ${step.sent}, lost ${step.lost}, p50 ${step.p50.toFixed(1)} ms, p99 ${step.p99.toFixed(1)} ms, ${step.cpuUsPerSignal.toFixed(0)} µs CPU/signal; cores busy: server ${(step.serverBusy * 100).toFixed(0)}%, load generator ${(step.loadgenBusy * 100).toFixed(0)}%`,
    );
    if (step.lost > 0 || !(step.p99 < P99_AIM_MS)) break; // past what it sustains
  }
  gen.child.stdin.write('quit\n');
  await new Promise((r) => gen.child.once('exit', r));
  server.child.kill('SIGKILL');
  const good = steps.filter((s) => s.lost === 0 && s.p99 < P99_AIM_MS);
  const at1k = steps.find((s) => s.rate === 1000);
  return {
    target,
    n,
    connectSeconds: connected.seconds,
    connectFailed: connected.failed,
    dropped: steps.at(-1)?.dropped ?? 0,
    connectCpuMs: connectCpu * 1000,
    genConnectCpuMs: genConnectCpu * 1000,
    bytesPerIdleConnection: (rssIdle - rssBefore) / n,
    maxRate: good.length ? Math.max(...good.map((s) => s.rate)) : 0,
    p50At1k: at1k?.p50 ?? NaN,
    p99At1k: at1k?.p99 ?? NaN,
    cpuUsPerSignal: at1k?.cpuUsPerSignal ?? NaN,
    // at the highest sustained rate, where fixed costs (timers, heartbeats) weigh least
    cpuUsAtMax: good.at(-1)?.cpuUsPerSignal ?? NaN,
    steps,
  };
}

function write() {
  const names = {
    ws: 'bare ws relay',
    sio: 'bare Socket.IO relay',
    peerjs: 'PeerJS server (peer 1.0.2)',
    ours: '@p2pchat/server',
  };
  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const rows = results.map(
    (r) =>
      `| ${names[r.target]} | ${r.n} | ${r.run} | ${f(r.connectSeconds)}${r.connectFailed || r.dropped ? ` (${r.connectFailed} failed to connect, ${r.dropped} dropped later)` : ''} | ${f(r.bytesPerIdleConnection / 1024)} | ${r.maxRate} | ${f(r.p50At1k)} / ${f(r.p99At1k)} | ${f(r.cpuUsPerSignal, 0)} / ${f(r.cpuUsAtMax, 0)} |`,
  );
  // Ratios of ours against the PeerJS server, run by run (same N, same run).
  const ratios = results
    .filter((r) => r.target === 'ours')
    .map((r) => {
      const p = results.find((x) => x.target === 'peerjs' && x.n === r.n && x.run === r.run);
      if (!p) return null;
      return `| ${r.n} | ${r.run} | ${f(r.maxRate / p.maxRate, 2)}× | ${f(r.cpuUsAtMax / p.cpuUsAtMax, 2)}× | ${f(r.bytesPerIdleConnection / p.bytesPerIdleConnection, 2)}× | ${f(r.connectSeconds / p.connectSeconds, 1)}× |`;
    })
    .filter(Boolean);
  writeSection(
    process.env.LABEL ? `Signaling relay: ${process.env.LABEL}` : 'Signaling relay',
    [
      `Server pinned to core 0, load generator (one process, all clients) to core 1. Rates step through ${RATES.join(', ')} signals/s for ${STEP_SECONDS} s each (a quarter 600-byte offers, the rest 150-byte candidates, between random pairs); a step that loses a signal or has p99 ≥ ${P99_AIM_MS} ms ends the climb. Command: \`pnpm --filter @p2pchat/bench signaling\`.`,
      '',
      '| relay | N | run | connect all (s) | KiB per idle connection | highest rate, p99 < 50 ms, no loss (signals/s) | p50 / p99 at 1k/s (ms) | server CPU per signal at 1k/s / at the highest rate (µs) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      'Ours against the PeerJS server, same run (above 1 is more for throughput, worse for the others):',
      '',
      '| N | run | highest rate | CPU per signal (at each one’s highest rate) | memory per idle connection | time to connect all |',
      '| --- | --- | --- | --- | --- | --- |',
      ...ratios,
    ].join('\n'),
  );
}

const results = [];
for (const n of SIZES)
  for (let run = 1; run <= RUNS; run++)
    for (const target of TARGETS) {
      console.log(`${target}, N = ${n}, run ${run}`);
      const r = { ...(await measure(target, n)), run };
      console.log(
        `  connected in ${r.connectSeconds.toFixed(1)} s (CPU: server ${(r.connectCpuMs / 1000).toFixed(1)} s, load generator ${(r.genConnectCpuMs / 1000).toFixed(1)} s); ${(r.bytesPerIdleConnection / 1024).toFixed(1)} KiB per idle connection; highest rate with p99 < ${P99_AIM_MS} ms and no loss: ${r.maxRate}/s`,
      );
      results.push(r);
      write(); // after each one, so an interrupted run keeps what it measured
    }
console.log('wrote bench/RESULTS.md');

// Presence at scale, on our server: a reconnect storm (N clients connecting within half a second, as after
// a restart) and then a join/leave churn at a steady rate while the N stay online. The server runs pinned
// to core 0 and the load generator (presence-gen.mjs, one process) to core 1. For the storm: the time until
// every client had its session and until every roster was complete and right, the server's CPU and peak
// memory, and the bytes each client received. For the churn: the delay until every one of the N had seen
// each change, the bytes each received per change, and the server's CPU. Writes its section of RESULTS.md.
//
//   pnpm --filter @p2pchat/bench presence            # N = 5000, churn of 500 changes/s for 5 s, two runs
//   N=1000 RUNS=1 RATE=200 SECONDS=3 pnpm --filter @p2pchat/bench presence
import { spawn } from 'node:child_process';
import { cpuSeconds, lineReader, rssBytes } from './proc.mjs';
import { writeSection } from './results.mjs';

const here = new URL('.', import.meta.url).pathname;
const N = Number(process.env.N ?? 5000);
const CHURN = Number(process.env.CHURN ?? 1000);
const RATE = Number(process.env.RATE ?? 500);
const SECONDS = Number(process.env.SECONDS ?? 5);
const RUNS = Number(process.env.RUNS ?? 2);
const SPREAD_MS = Number(process.env.SPREAD_MS ?? 500);

function start(core, script, env, flags = []) {
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...flags, script], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return { child, next: lineReader(child, script, 600_000) };
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run() {
  const server = start(0, `${here}servers/ours.mjs`, { PORT: '0', USERS: String(N + CHURN) });
  const [, port, tokens] = (await server.next()).split(' ');
  await sleep(500);
  const pid = server.child.pid;
  const gen = start(
    1,
    `${here}presence-gen.mjs`,
    {
      PORT: port,
      N: String(N),
      CHURN: String(CHURN),
      SPREAD_MS: String(SPREAD_MS),
      TOKENS: tokens,
    },
    // node flags for the load generator only (e.g. GEN_NODE_FLAGS=--cpu-prof)
    (process.env.GEN_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  );
  await gen.next(); // ready
  const rssBefore = rssBytes(pid);
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid) || 0)), 25);
  let cpu0 = cpuSeconds(pid);
  let genCpu0 = cpuSeconds(gen.child.pid);
  gen.child.stdin.write('storm\n');
  const { storm } = JSON.parse(await gen.next());
  storm.serverCpuSeconds = cpuSeconds(pid) - cpu0;
  storm.loadgenCpuSeconds = cpuSeconds(gen.child.pid) - genCpu0;
  clearInterval(sampler);
  storm.peakRssMiB = peak / 2 ** 20;
  storm.peakKiBPerClient = (peak - rssBefore) / 1024 / N;
  await sleep(3000);
  cpu0 = cpuSeconds(pid);
  genCpu0 = cpuSeconds(gen.child.pid);
  const t0 = Date.now();
  gen.child.stdin.write(`churn ${RATE} ${SECONDS}\n`);
  const { churn } = JSON.parse(await gen.next());
  churn.serverCpuSeconds = cpuSeconds(pid) - cpu0;
  churn.serverBusy = churn.serverCpuSeconds / ((Date.now() - t0) / 1000);
  churn.loadgenBusy = (cpuSeconds(gen.child.pid) - genCpu0) / ((Date.now() - t0) / 1000);
  gen.child.stdin.write('quit\n');
  await new Promise((r) => gen.child.once('exit', r));
  server.child.kill('SIGKILL');
  return { storm, churn };
}

const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const results = [];
for (let i = 1; i <= RUNS; i++) {
  console.log(`run ${i}: N = ${N}, then ${CHURN} users churning at ${RATE}/s for ${SECONDS} s`);
  const r = await run();
  results.push(r);
  const { storm: s, churn: c } = r;
  console.log(
    `  storm: sessions ${f(s.sessionsSeconds)} s, every roster right ${f(s.completeSeconds)} s (${s.complete} of ${s.n}; ${s.failed} refused, ${s.closed} closed); CPU: server ${f(s.serverCpuSeconds)} s, load generator ${f(s.loadgenCpuSeconds)} s; peak RSS ${f(s.peakRssMiB, 0)} MiB (${f(s.peakKiBPerClient)} KiB per client); ${f(s.bytesPerClient / 1024)} KiB received per client`,
  );
  console.log(
    `  churn: ${c.changes} changes (${f(c.achievedRate, 0)}/s), seen by all: ${c.seenByAll} (+${c.superseded} coalesced, ${c.unseen} unseen), p50 ${f(c.p50, 0)} ms, p99 ${f(c.p99, 0)} ms, max ${f(c.max, 0)} ms; ${f(c.bytesPerObserverPerChange, 0)} B per client per change; server CPU ${f(c.serverCpuSeconds)} s; cores busy: server ${f(c.serverBusy * 100, 0)}%, load generator ${f(c.loadgenBusy * 100, 0)}%; wrong rosters ${c.wrongRosters}`,
  );
}

writeSection(
  'Presence: reconnect storm and join/leave churn',
  [
    `Our server pinned to core 0; the load generator (one process, \`presence-gen.mjs\`) on core 1, its clients speaking Socket.IO's protocol over \`ws\` and each keeping its own roster (a frame that thousands of clients receive byte for byte is parsed once). Reconnect storm: ${N} clients connecting within ${SPREAD_MS} ms (as the SDK's first reconnection attempts after a restart, 250–750 ms). Churn: then ${CHURN} other users coming online and going offline at random, ${RATE} changes a second for ${SECONDS} s, while the ${N} stay online; a change counts once every one of the ${N} has seen it. Command: \`pnpm --filter @p2pchat/bench presence\`.`,
    '',
    '| run | storm: all sessions (s) | storm: every roster right (s) | storm: server CPU (s) | storm: peak server RSS (MiB; KiB per client) | storm: received per client (KiB) | churn: changes seen by all (coalesced, unseen) | churn: delay until all saw it, p50 / p99 / max (ms) | churn: bytes per client per change | churn: server CPU (s; share of its core) | wrong rosters after |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      ({ storm: s, churn: c }, i) =>
        `| ${i + 1} | ${f(s.sessionsSeconds)}${s.failed || s.closed ? ` (${s.failed} refused, ${s.closed} closed)` : ''} | ${f(s.completeSeconds)}${s.complete < s.n ? ` (${s.complete} of ${s.n})` : ''} | ${f(s.serverCpuSeconds)} | ${f(s.peakRssMiB, 0)}; ${f(s.peakKiBPerClient)} | ${f(s.bytesPerClient / 1024)} | ${c.seenByAll} of ${c.changes} (${c.superseded}, ${c.unseen}) | ${f(c.p50, 0)} / ${f(c.p99, 0)} / ${f(c.max, 0)} | ${f(c.bytesPerObserverPerChange, 0)} | ${f(c.serverCpuSeconds)}; ${f(c.serverBusy * 100, 0)}% | ${c.wrongRosters} |`,
    ),
  ].join('\n'),
);
console.log('wrote bench/RESULTS.md');

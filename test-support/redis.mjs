// A real redis-server for tests, on loopback, without persistence (ENVIRONMENT.md: redis-server 7 is
// installed by .ci/run on Debian). Each test file starts its own on a free port; a test may kill it (an
// outage) and start it again on the same port.
import { spawn, spawnSync } from 'node:child_process';
import { freePort } from './ports.mjs';

/** Whether redis-server is installed here. */
export function hasRedis() {
  return spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status === 0;
}

/** Starts redis-server on a free loopback port; resolves once it accepts connections. */
export async function startRedis() {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  let proc;
  let log = '';
  const redis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    /** Everything redis-server printed since it was first started. */
    get log() {
      return log;
    },
    get running() {
      return !!proc && proc.exitCode === null && proc.signalCode === null;
    },
    async start() {
      const from = log.length;
      proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const onData = (d) => (log += d.toString());
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      const deadline = Date.now() + 10_000;
      while (!/Ready to accept connections/.test(log.slice(from))) {
        if (proc.exitCode !== null) throw new Error(`redis-server exited: ${log.slice(-2000)}`);
        if (Date.now() > deadline)
          throw new Error(`redis-server did not start: ${log.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    /** Kills it at once, as a crash or a lost network would. */
    async kill() {
      if (!redis.running) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      await redis.kill();
    },
  };
  await redis.start();
  return redis;
}

// A real redis-server for tests, on loopback, without persistence (ENVIRONMENT.md: redis-server 7 is
// installed by .ci/run on Debian). Each test file starts its own on a free port; a test may kill it (an
// outage) and start it again on the same port.
import { spawnSync } from 'node:child_process';
import { daemon } from './daemon.mjs';
import { freePort } from './ports.mjs';

/** Whether redis-server is installed here. */
export function hasRedis() {
  return spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status === 0;
}

/** Starts redis-server on a free loopback port; resolves once it accepts connections. */
export async function startRedis() {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const d = daemon('redis-server', args, { ready: /Ready to accept connections/ });
  const redis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    /** Everything redis-server printed since it was first started. */
    get log() {
      return d.log;
    },
    get running() {
      return d.running;
    },
    start: d.start,
    /** Kills it at once, as a crash or a lost network would. */
    kill: d.kill,
    stop: d.kill,
  };
  await redis.start();
  return redis;
}

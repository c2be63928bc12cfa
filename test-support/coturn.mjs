// A real coturn for tests, on loopback (ENVIRONMENT.md): it listens on 127.0.0.1 and relays from 127.0.0.2,
// so a connection that went through it is provable (the relay candidates carry 127.0.0.2). Started per test
// file on its own port and relay port range, and stopped (or killed and started again) by the test.
import { spawnSync } from 'node:child_process';
import { daemon } from './daemon.mjs';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether coturn is installed here (`.ci/run` installs it on Debian). */
export function hasCoturn() {
  return spawnSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' }).status === 0;
}

async function udpPortFree(port) {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Starts coturn with a fresh shared secret; resolves once it listens. */
export async function startCoturn() {
  const secret = randomBytes(18).toString('base64url');
  // Each instance gets its own listening port and 100-port relay range, chosen at random among free ones.
  let slot = 0;
  for (let tries = 0; tries < 50; tries++) {
    const candidate = 10 + Math.floor(Math.random() * 150);
    if (await udpPortFree(30000 + candidate)) {
      slot = candidate;
      break;
    }
  }
  if (!slot) throw new Error('no free port for coturn');
  const port = 30000 + slot;
  const minPort = 40000 + slot * 100;
  const args = [
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.2',
    `--listening-port=${port}`,
    `--min-port=${minPort}`,
    `--max-port=${minPort + 99}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=p2pchat.test',
    '--fingerprint',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--allow-loopback-peers',
    '--no-multicast-peers',
    '--log-file=stdout',
    '--simple-log',
    '-v',
    `--pidfile=${join(tmpdir(), `p2pchat-coturn-${port}.pid`)}`,
  ];
  const d = daemon('turnserver', args, { ready: /UDP listener opened on: 127\.0\.0\.1/ });
  const turn = {
    secret,
    port,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    relayIp: '127.0.0.2',
    /** Everything coturn printed since it was first started. */
    get log() {
      return d.log;
    },
    start: d.start,
    /** Kills it at once, as a crash or a cut path would (allocations are lost). */
    kill: d.kill,
    stop: d.kill,
  };
  await turn.start();
  return turn;
}

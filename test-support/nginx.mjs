// A real nginx for tests: TLS termination and a sticky load balancer in front of server processes, with the
// configuration docs/deploy.md shows (`deployConfig`). It runs in the foreground as one process
// (`master_process off`), on a free loopback port, with a self-signed certificate made by openssl.
import { spawnSync } from 'node:child_process';
import { daemon } from './daemon.mjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort } from './ports.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether nginx and openssl are installed here (`.ci/run` installs nginx-light on Debian). */
export function hasNginx() {
  return (
    spawnSync('sh', ['-c', 'command -v nginx && command -v openssl'], { stdio: 'ignore' })
      .status === 0
  );
}

/**
 * The `http { … }` part of the deployment in docs/deploy.md: TLS on `listen`, WebSocket upgrades passed
 * through, the client's address and scheme forwarded (TRUST_PROXY=1), and `ip_hash` so that each client
 * stays on one node (long polling needs it).
 */
export function deployConfig({ listen, upstreams, certificate, key }) {
  return `
  upstream p2pchat {
    ip_hash;
${upstreams.map((u) => `    server ${u};`).join('\n')}
  }
  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' close;
  }
  server {
    listen ${listen} ssl;
    ssl_certificate ${certificate};
    ssl_certificate_key ${key};
    location / {
      proxy_pass http://p2pchat;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 75s;
    }
  }`;
}

/** Starts nginx with TLS in front of `upstreams` (`127.0.0.1:port`); resolves once it listens. */
export async function startNginx(upstreams) {
  const dir = mkdtempSync(join(tmpdir(), 'p2pchat-nginx-'));
  const certificate = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    certificate,
  ]);
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${deployConfig({ listen: `127.0.0.1:${port}`, upstreams, certificate, key })}
}
`,
  );
  // Ready once something (nginx) holds its port.
  const portTaken = () =>
    new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(true));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
    });
  const d = daemon('nginx', ['-p', dir, '-c', conf], { isReady: portTaken });
  await d.start();
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    /** The self-signed certificate (PEM), for the clients' `ca`. */
    ca: readFileSync(certificate, 'utf8'),
    get log() {
      try {
        return d.log + readFileSync(join(dir, 'error.log'), 'utf8');
      } catch {
        return d.log;
      }
    },
    async stop() {
      await d.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

#!/usr/bin/env node
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createAdapter as createClusterAdapter } from '@socket.io/cluster-adapter';
import { setupWorker } from '@socket.io/sticky';
import { announceReady, isWorker, runPrimary } from './cluster/workers.js';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config.js';
import { AccountService } from './domain/accounts.js';
import { createPasswordHasher } from './domain/passwords.js';
import { AuthRateLimiter } from './domain/rate-limits.js';
import { openStore } from './store/open-store.js';
import type { Config } from './config.js';
import type { RunningServer } from './server.js';
import { startServer } from './server.js';

const USAGE = [
  'usage: p2pchat-server [--workers N|auto]        start the server (configuration from environment variables)',
  '       p2pchat-server disable-account <username or e-mail>',
  '       p2pchat-server enable-account <username or e-mail>',
  '       p2pchat-server --help | --version',
].join('\n');

const HELP = `${USAGE}

  --workers N|auto   N processes behind one port (auto: one per core); with REDIS_URL, several machines
  disable-account    an operator's switch: the account cannot log in, its sockets close
  enable-account     undoes it
  --help, -h         this text
  --version, -v      the version

Configuration comes from the environment (the README of @p2pchat/server says what each one does):
${wrap(CONFIG_VARIABLES.join(', '), 100, '  ')}`;

// Breaks a list into lines of at most `width` characters, each after `indent`.
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, indent + line].join('\n');
}

// --help and --version answer before anything else is read, so a broken configuration cannot hide them.
function answerHelpOrVersion(argv: string[]): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
    process.stdout.write(`p2pchat-server ${pkg.version}\n`);
    process.exit(0);
  }
}

function fail(message: string, code: number): never {
  process.stderr.write(`p2pchat-server: ${message}\n`);
  process.exit(code);
}

/** The command line: `--workers N|auto` (0 when absent), or an account command and its argument. */
function parseCommandLine(argv: string[]): { workers: number; command?: string; who?: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { workers: { type: 'string' } },
      allowPositionals: true,
    });
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`, 64);
  }
  const { values, positionals } = parsed;
  const [command, who, ...rest] = positionals;
  if (command !== undefined) {
    if (command !== 'disable-account' && command !== 'enable-account')
      fail(`unknown argument "${command}"\n${USAGE}`, 64);
    if (!who || rest.length > 0) fail(`${command} needs one username or e-mail\n${USAGE}`, 64);
  }
  const raw = values.workers;
  if (raw === undefined) return { workers: 0, command, who };
  if (raw === 'auto') return { workers: availableParallelism(), command, who };
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 256)) fail(`--workers needs a number from 1 to 256, or auto\n${USAGE}`, 64);
  return { workers: n, command, who };
}

// The `p2pchat-server` command: configuration from the environment, graceful stop on SIGTERM or SIGINT.
async function main(): Promise<void> {
  if (!isWorker()) answerHelpOrVersion(process.argv.slice(2));
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 78); // EX_CONFIG
    throw err;
  }
  if (isWorker()) return runWorker(config);
  const { workers, command, who } = parseCommandLine(process.argv.slice(2));
  if (command && who) return setAccountActive(config, who, command === 'enable-account');
  if (workers > 0) return runWorkers(config, workers);

  const stopper = stopOn(['SIGTERM', 'SIGINT']);
  const server = await startServer(config);
  process.stderr.write(`p2pchat-server listening on ${server.url} (store: ${server.store.kind})\n`);
  if (config.demoPage) process.stderr.write(`p2pchat-server: demo page at ${server.url}/\n`);
  stopper.serving((signal) => shutDown(server, signal));
}

/**
 * Signal handlers go in before anything else, so a stop that arrives during start-up is never lost (without
 * a handler, the default action would kill the process mid-write); `stop` runs, once, once serving.
 */
function stopOn(signals: NodeJS.Signals[]): { serving(stop: (signal: string) => void): void } {
  const running: { stop?: (signal: string) => void; stopRequested?: string } = {};
  for (const signal of signals)
    process.on(signal, () => {
      if (running.stopRequested) return;
      running.stopRequested = signal;
      running.stop?.(signal);
    });
  return {
    serving(stop) {
      running.stop = stop;
      if (running.stopRequested) stop(running.stopRequested);
    },
  };
}

/**
 * `disable-account` / `enable-account`: the operator's switch (the original design's `is_active`). On the
 * store the servers use; a disabled account cannot log in, and its sockets close on every running server
 * within a few seconds (they look for revoked tokens in the store).
 */
async function setAccountActive(config: Config, who: string, active: boolean): Promise<void> {
  const store = await openStore(config);
  try {
    const accounts = new AccountService(
      store,
      createPasswordHasher(),
      new AuthRateLimiter({ perIp: 1, perAccount: 1 }),
      { tokenTtl: config.tokenTtl, rememberTtl: config.rememberTtl },
    );
    const user = await accounts.setAccountActive(who, active);
    if (!user) fail(`no account "${who}"`, 1);
    process.stderr.write(
      `p2pchat-server: ${active ? 'enabled' : 'disabled'} ${user.username} (${user.id})${active ? '' : '; its sessions end within a few seconds'}\n`,
    );
  } finally {
    await store.close();
  }
}

/** The primary of `--workers N`: holds the port, starts the workers, restarts one that dies. */
async function runWorkers(config: Config, workers: number): Promise<void> {
  const log = (line: string) => process.stderr.write(`p2pchat-server: ${line}\n`);
  const stopper = stopOn(['SIGTERM', 'SIGINT']);
  const primary = await runPrimary(config, workers, log);
  process.stderr.write(
    `p2pchat-server listening on ${primary.url} (store: ${config.mongodbUri ? 'mongodb' : 'embedded'}, ${workers} workers)\n`,
  );
  if (config.demoPage) log(`demo page at ${primary.url}/`);
  stopper.serving((signal) => {
    startStopWatchdog(STOP_BOUND_MS + 5_000); // the workers' own bound, and the primary's after it
    log(`${signal}: stopping ${workers} workers`);
    primary.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

/** One worker of `--workers N`: the whole server, on connections its primary hands over. */
async function runWorker(config: Config): Promise<void> {
  const stopper = stopOn(['SIGTERM']);
  // Ctrl-C reaches the whole process group; the primary forwards the stop, so the worker waits for it.
  process.on('SIGINT', () => undefined);
  const server = await startServer(config, {
    listen: false,
    ...(config.redisUrl
      ? {}
      : { cluster: { adapter: createClusterAdapter() }, rateLimits: { kind: 'workers' } }),
  });
  setupWorker(server.realtime.io as never);
  announceReady();
  stopper.serving((signal) => shutDown(server, signal));
}

/** How long a stop may take before the process is ended anyway, ms (README, docs/deploy.md). */
const STOP_BOUND_MS = 10_000;

/**
 * The last resort of a stop: a thread of its own that kills the process if it is still alive shortly after
 * the bound, whatever the main thread is stuck in (a synchronous write to a pipe nobody reads, a native call
 * that never returns), since a timer on the main thread cannot fire while it is stuck.
 */
function startStopWatchdog(afterMs: number): void {
  const worker = new Worker(
    `const { pid, ms } = require('node:worker_threads').workerData;
     setTimeout(() => process.kill(pid, 'SIGKILL'), ms);`,
    { eval: true, workerData: { pid: process.pid, ms: afterMs } },
  );
  worker.unref();
}

function shutDown(server: RunningServer, signal: string): void {
  startStopWatchdog(STOP_BOUND_MS + 2_000);
  server.logger.info({ signal }, 'shutting down');
  // Not unref'd: the stop ends here at the latest, even if whatever it waits for keeps the loop alive.
  setTimeout(() => process.exit(1), STOP_BOUND_MS);
  server.close().then(
    () => process.exit(0),
    (err: unknown) => {
      server.logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `p2pchat-server: could not start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});

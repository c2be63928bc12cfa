#!/usr/bin/env node
import { ConfigError, loadConfig } from './config.js';
import type { RunningServer } from './server.js';
import { startServer } from './server.js';

// The `p2pchat-server` command: configuration from the environment, graceful stop on SIGTERM or SIGINT.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`p2pchat-server: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }

  // Signal handlers go in before anything else, so a stop that arrives during start-up is never lost
  // (without a handler, the default action would kill the process mid-write).
  const running: { server?: RunningServer; stopRequested?: string } = {};
  const stop = (signal: string) => {
    if (running.stopRequested) return;
    running.stopRequested = signal;
    if (running.server) shutDown(running.server, signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const server = await startServer(config);
  running.server = server;
  process.stderr.write(`p2pchat-server listening on ${server.url} (store: ${server.store.kind})\n`);
  if (config.demoPage) process.stderr.write(`p2pchat-server: demo page at ${server.url}/\n`);
  if (running.stopRequested) shutDown(server, running.stopRequested);
}

function shutDown(server: RunningServer, signal: string): void {
  server.logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
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

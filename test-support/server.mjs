// "A real server for this test", shared by every suite: the server's own tests, the SDK's, the end-to-end
// runs and the browser tests (web-test-runner). The reference server from its package: its sources under
// vitest (the "@p2pchat/source" condition), its build elsewhere. Each one on a free loopback port with its
// own data folder, no STUN, and login limits out of the way (tests log in many times from one address).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer } from '@p2pchat/server';

/** Starts a real server; see server.d.mts. */
export async function startTestServer({
  env = {},
  options = {},
  name = 'test',
  captureLogs = false,
  onStart,
} = {}) {
  const ownDir = env.DATA_DIR === undefined;
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), `p2pchat-${name}-`));
  const logs = [];
  const config = (port) =>
    loadConfig({
      PORT: port,
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      STUN_URLS: '',
      LOG_LEVEL: captureLogs ? 'info' : 'silent',
      NODE_ID: name,
      AUTH_RATE_LIMIT_IP: '100000',
      AUTH_RATE_LIMIT_ACCOUNT: '100000',
      ...env,
    });
  const start = async (port) => {
    const server = await startServer(config(port), {
      ...options,
      ...(captureLogs ? { logDestination: { write: (line) => logs.push(line) } } : {}),
    });
    onStart?.(server);
    return server;
  };
  const t = {
    server: await start('0'),
    url: '',
    dataDir,
    logs,
    async restart() {
      const port = String(t.server.port);
      await t.server.close();
      t.server = await start(port);
      t.url = t.server.url;
    },
    async stop() {
      await t.server.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  t.url = t.server.url;
  return t;
}

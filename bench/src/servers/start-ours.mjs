// Our server as the benchmarks run it: from its build, on a free port, quiet, no STUN, no demo page, and
// no login rate limits (the benchmarks register and connect many users from one address).
import { loadConfig, startServer } from '@p2pchat/server';

/** Starts @p2pchat/server on `dataDir`; `env` adds or overrides configuration variables. */
export function startOurs(dataDir, env = {}) {
  return startServer(
    loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      STUN_URLS: '',
      DEMO_PAGE: 'off',
      NODE_ID: 'bench',
      AUTH_RATE_LIMIT_IP: '1000000',
      AUTH_RATE_LIMIT_ACCOUNT: '1000000',
      ...env,
    }),
  );
}

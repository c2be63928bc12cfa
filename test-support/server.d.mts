import type { RunningServer, StartOptions } from '@p2pchat/server';

/** A real server started by a test. */
export interface TestServerHandle {
  /** The running server (replaced by `restart`). */
  server: RunningServer;
  url: string;
  /** Its data folder (removed by `stop`, unless the test gave `DATA_DIR`). */
  dataDir: string;
  /** Every log line, with `captureLogs`. */
  logs: string[];
  /** Stops it and starts it again on the same port and data folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Configuration variables over the test defaults (port 0, loopback, no STUN, generous login limits). */
  env?: Record<string, string>;
  /** Start options other than the log destination. */
  options?: Omit<StartOptions, 'logDestination'>;
  /** Names its data folder and its node id. */
  name?: string;
  /** Keep every log line (at `info`, unless `env.LOG_LEVEL` says otherwise) in `logs`. */
  captureLogs?: boolean;
  /** Called with the server each time it starts (to observe its traffic). */
  onStart?: (server: RunningServer) => void;
}

export declare function startTestServer(options?: TestServerOptions): Promise<TestServerHandle>;

/** A redis-server started by a test. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  readonly log: string;
  readonly running: boolean;
  start(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}
export declare function hasRedis(): boolean;
export declare function startRedis(): Promise<RedisServer>;

/** A coturn started by a test. */
export interface Coturn {
  secret: string;
  port: number;
  /** `turn:127.0.0.1:<port>?transport=udp` */
  url: string;
  /** The address its relay candidates carry. */
  relayIp: string;
  readonly log: string;
  start(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}
export declare function hasCoturn(): boolean;
export declare function startCoturn(): Promise<Coturn>;

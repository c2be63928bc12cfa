/** An nginx started by a test: TLS termination and a sticky load balancer. */
export interface Nginx {
  port: number;
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** Its self-signed certificate (PEM), for the clients' `ca`. */
  ca: string;
  readonly log: string;
  stop(): Promise<void>;
}
export declare function hasNginx(): boolean;
export declare function deployConfig(options: {
  listen: string;
  upstreams: string[];
  certificate: string;
  key: string;
}): string;
export declare function startNginx(upstreams: string[]): Promise<Nginx>;

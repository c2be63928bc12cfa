/**
 * A token bucket: `capacity` events at once, refilled at `perSecond`. Synchronous and timer-free, so each
 * socket or peer can own one and checking it costs nothing on the hot path. Shared by the server (signals
 * per socket) and the SDK (frames per peer); it uses no schema library, so the client bundle stays small.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes one token; answers false when the bucket is empty. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Seconds until the next token. */
  retryAfterSeconds(): number {
    return Math.max(0, (1 - this.tokens) / this.perSecond);
  }
}

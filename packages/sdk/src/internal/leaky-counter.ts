/**
 * A count that drains at `perSecond`: events that come in a burst add up, and occasional ones are forgotten,
 * so a long-lived connection is judged on what it does now, not on everything since it opened.
 */
export class LeakyCounter {
  private level = 0;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.at = now();
  }

  /** Adds `n` events; answers the level after draining what time has taken away. */
  add(n = 1): number {
    this.drain();
    this.level += n;
    return this.level;
  }

  /** The level now. */
  get value(): number {
    this.drain();
    return this.level;
  }

  private drain(): void {
    const t = this.now();
    this.level = Math.max(0, this.level - ((t - this.at) / 1000) * this.perSecond);
    this.at = t;
  }
}

// The SDK's one timer mechanism: every timeout, retry and backoff goes through here, so that each is clamped
// to what `setTimeout` can hold, jittered where many clients would otherwise retry in step, and testable
// under fake timers.

/** The longest delay `setTimeout` holds (a signed 32-bit number of ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Cancels a timer made by {@link after} or {@link every}; calling it twice is harmless. */
export type Cancel = () => void;

/**
 * Runs `fn` once after `ms` (clamped to 0…{@link MAX_TIMER_MS}); answers a function that cancels it. A
 * `background` timer does not keep a Node process alive by itself.
 */
export function after(ms: number, fn: () => void, background = false): Cancel {
  const timer = setTimeout(fn, clampDelay(ms));
  if (background) (timer as { unref?: () => void }).unref?.();
  return () => clearTimeout(timer);
}

/** Runs `fn` every `ms`; answers a function that stops it. */
export function every(ms: number, fn: () => void): Cancel {
  const timer = setInterval(fn, clampDelay(ms));
  return () => clearInterval(timer);
}

/** A delay clamped to what a timer can hold. */
export function clampDelay(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return ms === Infinity ? MAX_TIMER_MS : 0;
  return Math.min(MAX_TIMER_MS, Math.round(ms));
}

/** How a {@link Backoff} grows. */
export interface BackoffOptions {
  /** The first delay, ms. */
  baseMs: number;
  /** The longest delay, ms. */
  maxMs: number;
  /** Attempts allowed before {@link Backoff.next} answers `undefined` (default: no limit). */
  attempts?: number;
  /** Each delay is multiplied by a random factor in [1 − jitter, 1 + jitter] (default 0.5). */
  jitter?: number;
}

/** The delay of attempt `attempt` (0-based): `baseMs · 2^attempt`, capped at `maxMs`, jittered. */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs, jitter = 0.5 }: BackoffOptions,
  random: () => number = Math.random,
): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.max(0, Math.round(raw * (1 - jitter + 2 * jitter * random())));
}

/**
 * Exponential backoff with jitter: `next()` answers the next delay (or `undefined` once the attempts are
 * used up), `reset()` starts over after a success, and `schedule()` runs a retry after the next delay.
 */
export class Backoff {
  private attempt = 0;
  private cancelTimer: Cancel | undefined;

  constructor(private readonly options: BackoffOptions) {}

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The next delay, or `undefined` when no attempt is left. */
  next(): number | undefined {
    if (this.options.attempts !== undefined && this.attempt >= this.options.attempts)
      return undefined;
    return backoffDelay(this.attempt++, this.options);
  }

  /** Runs `fn` after the next delay (replacing one already scheduled); answers false when none is left. */
  schedule(fn: () => void): boolean {
    const delay = this.next();
    this.cancel();
    if (delay === undefined) return false;
    this.cancelTimer = after(delay, () => {
      this.cancelTimer = undefined;
      fn();
    });
    return true;
  }

  /** Whether a retry is waiting to run. */
  get scheduled(): boolean {
    return this.cancelTimer !== undefined;
  }

  /** Cancels a scheduled retry. */
  cancel(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** Starts over (after a success), cancelling a scheduled retry. */
  reset(): void {
    this.cancel();
    this.attempt = 0;
  }
}

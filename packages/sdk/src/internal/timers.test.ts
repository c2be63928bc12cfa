import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Backoff, MAX_TIMER_MS, after, backoffDelay, clampDelay } from './timers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the one timer mechanism', () => {
  it.each([
    [-5, 0],
    [0, 0],
    [NaN, 0],
    [1500.4, 1500],
    [30 * 86_400_000, MAX_TIMER_MS], // a 30-day delay would overflow setTimeout and fire at once
    [Infinity, MAX_TIMER_MS],
  ])('clamps a delay of %s ms to %s', (ms, expected) => {
    expect(clampDelay(ms)).toBe(expected);
  });

  it('does not fire a 30-day timer early (setTimeout alone would fire it at once)', () => {
    const fn = vi.fn();
    after(30 * 86_400_000, fn);
    vi.advanceTimersByTime(1000);
    expect(fn).not.toHaveBeenCalled();
  });

  it('cancels', () => {
    const fn = vi.fn();
    const cancel = after(100, fn);
    cancel();
    cancel();
    vi.advanceTimersByTime(200);
    expect(fn).not.toHaveBeenCalled();
  });

  it('backs off exponentially up to the cap, with jitter inside its bounds', () => {
    const opts = { baseMs: 100, maxMs: 1000, jitter: 0.5 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, opts, () => 0.5))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(2, opts, () => 0)).toBe(200);
    expect(backoffDelay(2, opts, () => 0.999999)).toBe(600);
  });

  it('schedules retries until the attempts run out, and starts over after reset', () => {
    const b = new Backoff({ baseMs: 100, maxMs: 400, attempts: 3, jitter: 0 });
    const fn = vi.fn();
    expect(b.schedule(fn)).toBe(true);
    expect(b.scheduled).toBe(true);
    vi.advanceTimersByTime(99);
    expect(fn).toHaveBeenCalledTimes(0);
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(b.scheduled).toBe(false);
    b.schedule(fn);
    vi.advanceTimersByTime(200);
    b.schedule(fn);
    vi.advanceTimersByTime(400);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(b.schedule(fn)).toBe(false); // used up
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.schedule(fn)).toBe(true);
    b.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(3);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { atDeadline } from './deadline.js';

const DAY = 86_400_000;

describe('atDeadline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it.each([
    ['one second', 1000],
    ['24 days (inside one timer)', 24 * DAY],
    ['30 days (past what one timer holds)', 30 * DAY],
    ['a year', 365 * DAY],
  ])('runs a deadline %s away at that moment, not before', (_name, away) => {
    const fn = vi.fn();
    atDeadline(Date.now() + away, fn);
    vi.advanceTimersByTime(away - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(400 * DAY);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('runs a deadline already past on the next turn, and a cancelled one never', () => {
    const past = vi.fn();
    atDeadline(Date.now() - 5000, past);
    expect(past).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(past).toHaveBeenCalledTimes(1);
    const cancelled = vi.fn();
    const cancel = atDeadline(Date.now() + 30 * DAY, cancelled);
    vi.advanceTimersByTime(25 * DAY); // past the first re-arm
    cancel();
    vi.advanceTimersByTime(10 * DAY);
    expect(cancelled).not.toHaveBeenCalled();
  });
});

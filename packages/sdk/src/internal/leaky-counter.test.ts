import { describe, expect, it } from 'vitest';
import { LeakyCounter } from './leaky-counter.js';

describe('LeakyCounter', () => {
  it.each([
    // [what, events as [at ms, count], level at the end]
    ['a burst adds up', [[0, 300]], 300],
    [
      'it drains at its rate',
      [
        [0, 300],
        [5_000, 0],
      ],
      250,
    ],
    [
      'it never goes below zero',
      [
        [0, 5],
        [60_000, 0],
      ],
      0,
    ],
    ['occasional events never pile up', Array.from({ length: 100 }, (_, i) => [i * 1_000, 5]), 5],
    ['a sustained flood keeps rising', Array.from({ length: 100 }, (_, i) => [i * 100, 50]), 4901],
  ] as [string, [number, number][], number][])('%s', (_what, events, end) => {
    let t = 0;
    const c = new LeakyCounter(10, () => t);
    for (const [at, n] of events) {
      t = at;
      c.add(n);
    }
    expect(c.value).toBeCloseTo(end, 6);
  });
});

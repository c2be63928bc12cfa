import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

// A bucket of 500 refilled at 10 a second, as a peer's allowance of dropped frames: how many of a series of
// takes succeed before the first refusal (or all of them).
describe('TokenBucket', () => {
  it.each([
    // [what, takes as [at ms, count], takes granted before the first refusal]
    ['a burst uses it up, one over is refused', [[0, 501]], 500],
    [
      'it refills at its rate',
      [
        [0, 500],
        [5_000, 51],
      ],
      550,
    ],
    [
      'it never holds more than its capacity',
      [
        [0, 5],
        [600_000, 501],
      ],
      500 + 5,
    ],
    [
      'occasional takes never run it dry',
      Array.from({ length: 100 }, (_, i) => [i * 1_000, 5]),
      500,
    ],
    // each 100 ms: 50 taken, 1 refilled; from 500 the bucket is dry in the eleventh round
    ['a sustained flood runs it dry', Array.from({ length: 100 }, (_, i) => [i * 100, 50]), 510],
  ] as [string, [number, number][], number][])('%s', (_what, takes, granted) => {
    let t = 0;
    const bucket = new TokenBucket(500, 10, () => t);
    let ok = 0;
    outer: for (const [at, n] of takes) {
      t = at;
      for (let i = 0; i < n; i++) {
        if (!bucket.take()) break outer;
        ok += 1;
      }
    }
    expect(ok).toBe(granted);
  });
});

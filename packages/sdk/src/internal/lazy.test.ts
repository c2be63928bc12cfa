import { describe, expect, it } from 'vitest';
import { lazy } from './lazy.js';

describe('lazy', () => {
  it('loads nothing until asked, then once for every caller', async () => {
    let loads = 0;
    const value = lazy(async () => ({ n: ++loads }));
    expect(value.started()).toBeUndefined();
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([value.get(), value.get()]);
    expect(a).toBe(b);
    expect(await value.get()).toBe(a);
    expect(await value.started()).toBe(a);
    expect(loads).toBe(1);
  });

  it('tries again after a failed load, and keeps the first one that works', async () => {
    let attempt = 0;
    const value = lazy(async () => {
      attempt += 1;
      if (attempt === 1) throw new Error('chunk failed to load');
      return `loaded on attempt ${attempt}`;
    });
    await expect(value.get()).rejects.toThrow('chunk failed to load');
    expect(value.started()).toBeUndefined();
    expect(await value.get()).toBe('loaded on attempt 2');
    expect(await value.get()).toBe('loaded on attempt 2');
    expect(attempt).toBe(2);
  });
});

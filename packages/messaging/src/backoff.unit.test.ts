import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep, validateRetryPolicy } from './backoff.ts';

describe('backoffDelay', () => {
  const policy = { initialMs: 100, maxMs: 1000 };

  it('doubles per attempt, between half and all of the ceiling', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(2, policy, () => 0)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
  });

  it('never exceeds maxMs, even for huge attempt numbers', () => {
    expect(backoffDelay(5, policy, () => 1)).toBe(1000);
    expect(backoffDelay(10_000, policy, () => 1)).toBe(1000);
    expect(backoffDelay(10_000, policy, () => 0)).toBe(500);
  });

  it('jitters within the bounds', () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(3, policy);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});

describe('validateRetryPolicy', () => {
  it('accepts a sane policy', () => {
    expect(validateRetryPolicy({ attempts: 1, initialMs: 0, maxMs: 0 })).toEqual({
      attempts: 1,
      initialMs: 0,
      maxMs: 0,
    });
  });
  it('lists every problem', () => {
    expect(() => validateRetryPolicy({ attempts: 0, initialMs: -1, maxMs: -5 })).toThrow(
      /attempts must be an integer >= 1.*initialMs must be >= 0.*maxMs must be >= initialMs/,
    );
  });
});

describe('sleep', () => {
  it('resolves true after the delay and false when aborted', async () => {
    expect(await sleep(1)).toBe(true);
    const abort = new AbortController();
    const pending = sleep(60_000, abort.signal);
    abort.abort();
    expect(await pending).toBe(false);
    expect(await sleep(60_000, abort.signal)).toBe(false);
  });
});

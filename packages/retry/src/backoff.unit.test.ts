import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay with equal jitter (the default)', () => {
  const policy = { initialMs: 100, maxMs: 1000 };

  it('doubles per attempt, between half and all of the ceiling', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(2, policy, () => 0)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
  });

  it('never exceeds maxMs, even for huge attempt numbers', () => {
    expect(backoffDelay(5, policy, () => 1)).toBe(1000);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
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

describe('backoffDelay with full jitter', () => {
  it('grows exponentially under the cap, anywhere from 0 to the ceiling', () => {
    const opts = { initialMs: 100, maxMs: 1000, jitter: 'full' } as const;
    expect(backoffDelay(1, opts, () => 0.999)).toBe(99);
    expect(backoffDelay(3, opts, () => 0.999)).toBe(399);
    expect(backoffDelay(10, opts, () => 0.999)).toBe(999);
    expect(backoffDelay(3, opts, () => 0)).toBe(0);
  });
});

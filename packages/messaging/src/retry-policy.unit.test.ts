import { describe, expect, it } from 'vitest';
import { validateRetryPolicy } from './retry-policy.ts';

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

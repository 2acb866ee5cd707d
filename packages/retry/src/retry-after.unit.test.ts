import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after.ts';

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    expect(parseRetryAfter('1.0001')).toBe(1001);
    expect(parseRetryAfter(['3', '9'])).toBe(3000);
  });

  it('reads HTTP dates relative to now; a past date is 0', () => {
    expect(parseRetryAfter(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:05 GMT', 1000)).toBe(4000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(new Date(1_000).toUTCString(), 5_000)).toBe(0);
    expect(parseRetryAfter('Thursday, 01-Jan-70 00:00:05 GMT', 1000)).toBe(4000);
    expect(parseRetryAfter('Thu Jan  1 00:00:05 1970', 1000)).toBeGreaterThanOrEqual(0);
  });

  it('ignores what is absent or unreadable', () => {
    expect(parseRetryAfter('later')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
    expect(parseRetryAfter('2026')).toBe(2_026_000);
    expect(parseRetryAfter('March 3')).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter([])).toBeUndefined();
  });

  it('caps both forms', () => {
    expect(parseRetryAfter('86400')).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('99999999999999999999999')).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter(new Date(8.64e15).toUTCString(), 0)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('120', 0, 60_000)).toBe(60_000);
  });
});

import { describe, expect, it } from 'vitest';
import { formatExpiry } from './expiry.ts';

describe('formatExpiry', () => {
  it("formats in the property's time zone", () => {
    expect(formatExpiry('2026-12-08T15:04:05.000Z', 'America/Denver', 'long')).toBe(
      'December 8, 2026 at 8:04 AM MST',
    );
    expect(formatExpiry('2026-12-08T15:04:05.000Z', 'America/New_York', 'long')).toBe(
      'December 8, 2026 at 10:04 AM EST',
    );
    expect(formatExpiry('2026-07-08T15:04:05.000Z', 'America/Denver', 'long')).toBe(
      'July 8, 2026 at 9:04 AM MDT',
    );
  });

  it('moves the date when the local day differs from UTC', () => {
    expect(formatExpiry('2026-12-09T03:00:00.000Z', 'America/Los_Angeles', 'short')).toBe('Dec 8');
    expect(formatExpiry('2026-12-09T03:00:00.000Z', 'UTC', 'short')).toBe('Dec 9');
  });

  it('uses only plain spaces', () => {
    expect(formatExpiry('2026-12-08T15:04:05.000Z', 'America/Denver', 'long')).not.toMatch(/[\u202f\u00a0]/);
  });

  it('rejects an invalid date or zone', () => {
    expect(() => formatExpiry('not a date', 'America/Denver', 'long')).toThrow(RangeError);
    expect(() => formatExpiry('2026-12-08T15:04:05.000Z', 'Mars/Olympus', 'long')).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { isoDate, parseUsDate, usDateTime } from './dates.ts';

describe('Entrata dates', () => {
  it('formats in Mountain Time', () => {
    const d = new Date('2025-01-02T03:04:05Z'); // 8:04 pm on Jan 1 in Denver (MST)
    expect(usDateTime(d)).toBe('01/01/2025 20:04:05');
    expect(isoDate(d)).toBe('2025-01-01');
  });

  it('parses MM/DD/YYYY strictly', () => {
    expect(parseUsDate('02/29/2024', 'd')).toBe('2024-02-29');
    expect(parseUsDate(undefined, 'd')).toBeUndefined();
    expect(() => parseUsDate('2024-02-01', 'fromDate')).toThrow(/fromDate must be a date in MM\/DD\/YYYY/);
    expect(() => parseUsDate('02/30/2024', 'd')).toThrow(/not a valid date/);
  });
});

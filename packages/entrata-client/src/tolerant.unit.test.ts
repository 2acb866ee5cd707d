import { describe, expect, it } from 'vitest';
import { asId, asList, formatEntrataDate, parseEntrataDate, toRequestId, unwrapList } from './tolerant.ts';

describe('tolerant values', () => {
  it('treats a single object as a list of one', () => {
    expect(asList({ a: 1 })).toEqual([{ a: 1 }]);
    expect(asList([1, 2])).toEqual([1, 2]);
    expect(asList(undefined)).toEqual([]);
    expect(unwrapList({ prospect: { id: 1 } }, 'prospect')).toEqual([{ id: 1 }]);
    expect(unwrapList([{ id: 1 }], 'prospect')).toEqual([{ id: 1 }]);
    expect(unwrapList('', 'prospect')).toEqual([]);
  });

  it('reads ids as strings whether numbers or strings', () => {
    expect(asId(14423)).toBe('14423');
    expect(asId(' 14423 ')).toBe('14423');
    expect(asId('')).toBeUndefined();
    expect(asId(null)).toBeUndefined();
    expect(toRequestId('100200')).toBe(100200);
    expect(toRequestId('abc')).toBe('abc');
  });
});

describe('Entrata dates (Mountain Time)', () => {
  it('reads MM/DD/YYYY HH:mm:ss as Mountain Time, DST aware', () => {
    expect(parseEntrataDate('11/24/2026 08:04:05')).toBe('2026-11-24T15:04:05.000Z'); // MST, UTC-7
    expect(parseEntrataDate('07/01/2026 08:00:00')).toBe('2026-07-01T14:00:00.000Z'); // MDT, UTC-6
    expect(parseEntrataDate('07/01/2026 08:00 PM')).toBe('2026-07-02T02:00:00.000Z');
  });

  it('reads YYYY-MM-DD and zoned ISO timestamps', () => {
    expect(parseEntrataDate('2026-11-24')).toBe('2026-11-24T07:00:00.000Z');
    expect(parseEntrataDate('2026-11-24 08:04:05')).toBe('2026-11-24T15:04:05.000Z');
    expect(parseEntrataDate('2026-11-24T15:04:05Z')).toBe('2026-11-24T15:04:05.000Z');
    expect(parseEntrataDate('2026-11-24T08:04:05-07:00')).toBe('2026-11-24T15:04:05.000Z');
  });

  it('rejects impossible or foreign dates', () => {
    expect(parseEntrataDate('02/30/2026')).toBeUndefined();
    expect(parseEntrataDate('24.11.2026')).toBeUndefined();
    expect(parseEntrataDate(20261124)).toBeUndefined();
    expect(parseEntrataDate('13/01/2026')).toBeUndefined();
  });

  it('formats request dates as MM/DD/YYYY on the Mountain Time calendar', () => {
    expect(formatEntrataDate(new Date('2026-11-24T05:00:00Z'))).toBe('11/23/2026');
    expect(formatEntrataDate('2026-11-24')).toBe('11/24/2026');
    expect(formatEntrataDate('11/24/2026')).toBe('11/24/2026');
    expect(() => formatEntrataDate('soon')).toThrow(/not a date/);
  });
});

import { describe, expect, it } from 'vitest';
import { daytimeZone, fixedOffsetZone, nighttimeZone, zoneWhereLocalTimeIn } from './time-zones.ts';

/** Local hour (fractional) of an instant in a zone, as Intl computes it: independent of our arithmetic. */
function localHour(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return get('hour') + get('minute') / 60;
}

// Every quarter hour of a day, on a date away from any DST change (fixed zones have none anyway).
const instants = Array.from({ length: 96 }, (_, i) => new Date(Date.UTC(2026, 0, 15, 0, i * 15, 30)));

describe('daytimeZone', () => {
  it('is a zone where the local time is within 10:00-17:00, at every quarter hour of the day', () => {
    for (const now of instants) {
      const hour = localHour(now, daytimeZone(now));
      expect(hour, now.toISOString()).toBeGreaterThanOrEqual(10);
      expect(hour, now.toISOString()).toBeLessThan(17);
    }
  });

  it('keeps at least three hours before the window ends', () => {
    for (const now of instants) expect(localHour(now, daytimeZone(now))).toBeLessThanOrEqual(14);
  });

  it('takes another window', () => {
    const now = new Date('2026-01-15T12:00:00Z');
    const hour = localHour(now, daytimeZone(now, { fromHour: 8, toHour: 9 }));
    expect(hour).toBeGreaterThanOrEqual(8);
    expect(hour).toBeLessThan(9);
  });
});

describe('nighttimeZone', () => {
  it('is between midnight and 06:00 local at every time of day, hours before 08:00', () => {
    for (const now of instants) {
      const hour = localHour(now, nighttimeZone(now));
      expect(hour).toBeGreaterThanOrEqual(0);
      expect(hour).toBeLessThan(6);
    }
  });

  it('handles a window across midnight', () => {
    for (const now of instants) {
      const hour = localHour(now, zoneWhereLocalTimeIn(now, { fromHour: 22, toHour: 2 }));
      expect(hour >= 22 || hour < 2).toBe(true);
    }
  });
});

describe('fixedOffsetZone', () => {
  it('uses the inverted POSIX sign', () => {
    expect(fixedOffsetZone(3)).toBe('Etc/GMT-3');
    expect(fixedOffsetZone(-7)).toBe('Etc/GMT+7');
    expect(fixedOffsetZone(0)).toBe('Etc/GMT');
    expect(localHour(new Date('2026-01-15T12:00:00Z'), fixedOffsetZone(3))).toBe(15);
    expect(localHour(new Date('2026-01-15T12:00:00Z'), fixedOffsetZone(-7))).toBe(5);
  });
});

describe('invalid input', () => {
  it('rejects bad windows and dates', () => {
    const now = new Date();
    expect(() => zoneWhereLocalTimeIn(now, { fromHour: 5, toHour: 5 })).toThrow(/invalid hour window/);
    expect(() => zoneWhereLocalTimeIn(now, { fromHour: 1.5, toHour: 5 })).toThrow(/invalid hour window/);
    expect(() => zoneWhereLocalTimeIn(now, { fromHour: 0, toHour: 25 })).toThrow(/invalid hour window/);
    expect(() => daytimeZone(new Date('nope'))).toThrow(/not a valid date/);
  });
});

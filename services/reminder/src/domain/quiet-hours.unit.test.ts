import { describe, expect, it } from 'vitest';
import { allowedWindow, FEDERAL_WINDOW, isQuietTime, nextAllowedTime } from './quiet-hours.ts';
import { localTime, zonedInstant } from './zoned-time.ts';

// The week of Sunday 2026-03-01 .. Saturday 2026-03-07 is standard time everywhere in the US
// (DST starts 2026-03-08), so wall times can be written with fixed offsets: EST -05:00, CST -06:00, MST -07:00.
const next = (iso: string, zone: string, state: string): string =>
  nextAllowedTime(new Date(iso), zone, state).toISOString();
const iso = (s: string): string => new Date(s).toISOString();

const NY = 'America/New_York';
const CHICAGO = 'America/Chicago';
const DENVER = 'America/Denver';

describe('allowedWindow', () => {
  it('is the federal 8am-9pm for states without a stricter rule', () => {
    expect(allowedWindow('CO', 1)).toEqual(FEDERAL_WINDOW);
    expect(allowedWindow('CA', 0)).toEqual({ start: 480, end: 1260 });
  });

  it('takes the strictest of the federal and state windows', () => {
    expect(allowedWindow('CT', 3)).toEqual({ start: 540, end: 1200 });
    for (const state of ['FL', 'MD', 'MS', 'NJ', 'OK'])
      expect(allowedWindow(state, 3)).toEqual({ start: 480, end: 1200 });
    expect(allowedWindow('RI', 1)).toEqual({ start: 540, end: 1080 });
    expect(allowedWindow('RI', 6)).toEqual({ start: 600, end: 1020 });
    expect(allowedWindow('RI', 0)).toEqual({ start: 600, end: 1020 });
    expect(allowedWindow('TX', 6)).toEqual({ start: 540, end: 1260 });
    expect(allowedWindow('TX', 0)).toEqual({ start: 720, end: 1260 });
  });

  it('accepts lower-case state codes', () => {
    expect(allowedWindow('tx', 0)).toEqual(allowedWindow('TX', 0));
  });
});

describe('nextAllowedTime: federal rule', () => {
  const zone = DENVER;
  it.each([
    ['inside the window', '2026-03-04T12:00:00-07:00', '2026-03-04T12:00:00-07:00'],
    ['exactly 8:00', '2026-03-04T08:00:00-07:00', '2026-03-04T08:00:00-07:00'],
    ['one ms before 8:00', '2026-03-04T07:59:59.999-07:00', '2026-03-04T08:00:00-07:00'],
    ['midnight', '2026-03-04T00:00:00-07:00', '2026-03-04T08:00:00-07:00'],
    ['one ms before 21:00', '2026-03-04T20:59:59.999-07:00', '2026-03-04T20:59:59.999-07:00'],
    ['exactly 21:00 (end is exclusive)', '2026-03-04T21:00:00-07:00', '2026-03-05T08:00:00-07:00'],
    ['late evening', '2026-03-04T23:45:10-07:00', '2026-03-05T08:00:00-07:00'],
    ['Saturday night to Sunday morning', '2026-03-07T22:00:00-07:00', '2026-03-08T08:00:00-06:00'],
  ])('%s', (_what, at, expected) => {
    expect(next(at, zone, 'CO')).toBe(iso(expected));
  });

  it('returns the same Date object when allowed', () => {
    const at = new Date('2026-03-04T12:00:00-07:00');
    expect(nextAllowedTime(at, zone, 'CO')).toBe(at);
  });

  it('rolls over the end of a month and of a year', () => {
    expect(next('2026-01-31T22:00:00-07:00', zone, 'CO')).toBe(iso('2026-02-01T08:00:00-07:00'));
    expect(next('2026-12-31T21:30:00-07:00', zone, 'CO')).toBe(iso('2027-01-01T08:00:00-07:00'));
  });

  it('uses the local time of the zone, not UTC', () => {
    // 14:00 UTC is 06:00 in Los Angeles (quiet) and 09:00 in New York (allowed).
    expect(next('2026-03-04T14:00:00Z', 'America/Los_Angeles', 'CA')).toBe(iso('2026-03-04T08:00:00-08:00'));
    expect(next('2026-03-04T14:00:00Z', NY, 'NY')).toBe(iso('2026-03-04T14:00:00Z'));
  });

  it('rejects an unknown time zone', () => {
    expect(() => nextAllowedTime(new Date(), 'Mars/Olympus_Mons', 'CO')).toThrow(RangeError);
  });
});

describe('nextAllowedTime: Connecticut 9am-8pm', () => {
  it.each([
    ['8:30 waits for 9:00', '2026-03-04T08:30:00-05:00', '2026-03-04T09:00:00-05:00'],
    ['9:00 is allowed', '2026-03-04T09:00:00-05:00', '2026-03-04T09:00:00-05:00'],
    ['19:59:59 is allowed', '2026-03-04T19:59:59-05:00', '2026-03-04T19:59:59-05:00'],
    ['20:00 waits for tomorrow 9:00', '2026-03-04T20:00:00-05:00', '2026-03-05T09:00:00-05:00'],
    ['Sunday 8:15 waits for 9:00', '2026-03-01T08:15:00-05:00', '2026-03-01T09:00:00-05:00'],
  ])('%s', (_what, at, expected) => {
    expect(next(at, NY, 'CT')).toBe(iso(expected));
  });
});

describe.each(['FL', 'MD', 'MS', 'NJ', 'OK'])('nextAllowedTime: %s 8am-8pm', (state) => {
  const zone = state === 'OK' || state === 'MS' ? CHICAGO : NY;
  const off = zone === CHICAGO ? '-06:00' : '-05:00';
  it.each([
    ['7:59:59 waits for 8:00', '07:59:59', '2026-03-04', '08:00:00'],
    ['8:00 is allowed', '08:00:00', '2026-03-04', '08:00:00'],
    ['19:59:59 is allowed', '19:59:59', '2026-03-04', '19:59:59'],
    ['20:00 waits for tomorrow 8:00', '20:00:00', '2026-03-05', '08:00:00'],
    ['20:30 (allowed federally) waits for tomorrow 8:00', '20:30:00', '2026-03-05', '08:00:00'],
  ])('%s', (_what, time, expectedDate, expectedTime) => {
    expect(next(`2026-03-04T${time}${off}`, zone, state)).toBe(iso(`${expectedDate}T${expectedTime}${off}`));
  });

  it('applies on weekends too', () => {
    expect(next(`2026-03-07T20:00:00${off}`, zone, state)).toBe(
      iso(`2026-03-08T08:00:00${zone === CHICAGO ? '-05:00' : '-04:00'}`),
    );
  });
});

describe('nextAllowedTime: Rhode Island 9am-6pm weekdays, 10am-5pm weekends', () => {
  it.each([
    ['Monday 8:59 waits for 9:00', '2026-03-02T08:59:00-05:00', '2026-03-02T09:00:00-05:00'],
    ['Monday 9:00 is allowed', '2026-03-02T09:00:00-05:00', '2026-03-02T09:00:00-05:00'],
    ['Monday 17:59:59 is allowed', '2026-03-02T17:59:59-05:00', '2026-03-02T17:59:59-05:00'],
    ['Monday 18:00 waits for Tuesday 9:00', '2026-03-02T18:00:00-05:00', '2026-03-03T09:00:00-05:00'],
    ['Friday 18:00 waits for Saturday 10:00', '2026-03-06T18:00:00-05:00', '2026-03-07T10:00:00-05:00'],
    ['Saturday 9:30 waits for 10:00', '2026-03-07T09:30:00-05:00', '2026-03-07T10:00:00-05:00'],
    ['Saturday 16:59:59 is allowed', '2026-03-07T16:59:59-05:00', '2026-03-07T16:59:59-05:00'],
    ['Saturday 17:00 waits for Sunday 10:00', '2026-03-07T17:00:00-05:00', '2026-03-08T10:00:00-04:00'],
    ['Sunday 9:59 waits for 10:00', '2026-03-01T09:59:00-05:00', '2026-03-01T10:00:00-05:00'],
    ['Sunday 17:00 waits for Monday 9:00', '2026-03-01T17:00:00-05:00', '2026-03-02T09:00:00-05:00'],
  ])('%s', (_what, at, expected) => {
    expect(next(at, NY, 'RI')).toBe(iso(expected));
  });
});

describe('nextAllowedTime: Texas 9am-9pm Mon-Sat, noon-9pm Sunday', () => {
  it.each([
    ['Monday 8:59 waits for 9:00', '2026-03-02T08:59:00-06:00', '2026-03-02T09:00:00-06:00'],
    ['Monday 20:59:59 is allowed', '2026-03-02T20:59:59-06:00', '2026-03-02T20:59:59-06:00'],
    ['Saturday 9:00 is allowed', '2026-03-07T09:00:00-06:00', '2026-03-07T09:00:00-06:00'],
    ['Saturday 21:00 waits for Sunday noon', '2026-02-28T21:00:00-06:00', '2026-03-01T12:00:00-06:00'],
    [
      'Sunday 9:30 (allowed on weekdays) waits for noon',
      '2026-03-01T09:30:00-06:00',
      '2026-03-01T12:00:00-06:00',
    ],
    ['Sunday 11:59:59.999 waits for noon', '2026-03-01T11:59:59.999-06:00', '2026-03-01T12:00:00-06:00'],
    ['Sunday noon is allowed', '2026-03-01T12:00:00-06:00', '2026-03-01T12:00:00-06:00'],
    ['Sunday 21:00 waits for Monday 9:00', '2026-03-01T21:00:00-06:00', '2026-03-02T09:00:00-06:00'],
    ['Sunday 01:00 waits for noon', '2026-03-01T01:00:00-06:00', '2026-03-01T12:00:00-06:00'],
  ])('%s', (_what, at, expected) => {
    expect(next(at, CHICAGO, 'TX')).toBe(iso(expected));
  });
});

describe('nextAllowedTime across DST changes', () => {
  // America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z).
  it.each([
    [
      'NY spring forward: 01:30 EST waits for 08:00 EDT',
      NY,
      'NY',
      '2026-03-08T06:30:00Z',
      '2026-03-08T12:00:00Z',
    ],
    [
      'NY spring forward: 03:30 EDT (just after the gap) waits for 08:00 EDT',
      NY,
      'NY',
      '2026-03-08T07:30:00Z',
      '2026-03-08T12:00:00Z',
    ],
    [
      'NY spring forward: Saturday 22:00 EST waits for Sunday 08:00 EDT',
      NY,
      'NY',
      '2026-03-08T03:00:00Z',
      '2026-03-08T12:00:00Z',
    ],
    [
      'NY spring forward: 07:59 EDT waits one minute',
      NY,
      'NY',
      '2026-03-08T11:59:00Z',
      '2026-03-08T12:00:00Z',
    ],
    ['NY spring forward: 08:00 EDT is allowed', NY, 'NY', '2026-03-08T12:00:00Z', '2026-03-08T12:00:00Z'],
    ['NY spring forward: 20:59 EDT is allowed', NY, 'NY', '2026-03-09T00:59:00Z', '2026-03-09T00:59:00Z'],
    [
      'NY spring forward: 21:00 EDT waits for Monday 08:00 EDT',
      NY,
      'NY',
      '2026-03-09T01:00:00Z',
      '2026-03-09T12:00:00Z',
    ],
    [
      'NY fall back: first 01:30 (EDT) waits for 08:00 EST',
      NY,
      'NY',
      '2026-11-01T05:30:00Z',
      '2026-11-01T13:00:00Z',
    ],
    [
      'NY fall back: second 01:30 (EST) waits for 08:00 EST',
      NY,
      'NY',
      '2026-11-01T06:30:00Z',
      '2026-11-01T13:00:00Z',
    ],
    [
      'NY fall back: Saturday 21:00 EDT waits for Sunday 08:00 EST',
      NY,
      'NY',
      '2026-11-01T01:00:00Z',
      '2026-11-01T13:00:00Z',
    ],
    ['NY fall back: 07:59:59 EST waits a second', NY, 'NY', '2026-11-01T12:59:59Z', '2026-11-01T13:00:00Z'],
    ['NY fall back: 21:00 EST waits for Monday', NY, 'NY', '2026-11-02T02:00:00Z', '2026-11-02T13:00:00Z'],
    [
      'CT fall back: 20:00 EDT Saturday waits for Sunday 09:00 EST',
      NY,
      'CT',
      '2026-11-01T00:00:00Z',
      '2026-11-01T14:00:00Z',
    ],
    [
      'RI spring forward: Saturday 17:00 EST waits for Sunday 10:00 EDT',
      NY,
      'RI',
      '2026-03-07T22:00:00Z',
      '2026-03-08T14:00:00Z',
    ],
    // America/Denver: 2026-03-08 02:00 MST -> 03:00 MDT (09:00Z); 2026-11-01 02:00 MDT -> 01:00 MST (08:00Z).
    [
      'Denver spring forward: 01:59 MST waits for 08:00 MDT',
      DENVER,
      'CO',
      '2026-03-08T08:59:00Z',
      '2026-03-08T14:00:00Z',
    ],
    [
      'Denver spring forward: 07:59 MDT waits one minute',
      DENVER,
      'CO',
      '2026-03-08T13:59:00Z',
      '2026-03-08T14:00:00Z',
    ],
    [
      'Denver spring forward: 21:00 MDT waits for Monday 08:00 MDT',
      DENVER,
      'CO',
      '2026-03-09T03:00:00Z',
      '2026-03-09T14:00:00Z',
    ],
    [
      'Denver fall back: first 01:30 (MDT) waits for 08:00 MST',
      DENVER,
      'CO',
      '2026-11-01T07:30:00Z',
      '2026-11-01T15:00:00Z',
    ],
    [
      'Denver fall back: second 01:30 (MST) waits for 08:00 MST',
      DENVER,
      'CO',
      '2026-11-01T08:30:00Z',
      '2026-11-01T15:00:00Z',
    ],
    ['Denver fall back: 08:00 MST is allowed', DENVER, 'CO', '2026-11-01T15:00:00Z', '2026-11-01T15:00:00Z'],
    [
      'Denver fall back: Saturday 21:30 MDT waits for Sunday 08:00 MST',
      DENVER,
      'CO',
      '2026-11-01T03:30:00Z',
      '2026-11-01T15:00:00Z',
    ],
    [
      'TX spring forward Sunday: Saturday 21:30 CST waits for Sunday noon CDT',
      CHICAGO,
      'TX',
      '2026-03-08T03:30:00Z',
      '2026-03-08T17:00:00Z',
    ],
    [
      'TX fall back Sunday: 11:00 CST waits for noon CST',
      CHICAGO,
      'TX',
      '2026-11-01T17:00:00Z',
      '2026-11-01T18:00:00Z',
    ],
  ])('%s', (_what, zone, state, at, expected) => {
    expect(next(at, zone, state)).toBe(iso(expected));
  });
});

describe('nextAllowedTime invariants (sweep across DST weeks)', () => {
  const cases: [string, string, string][] = [
    [NY, 'NY', '2026-03-05T00:00:00Z'],
    [NY, 'RI', '2026-10-29T00:00:00Z'],
    [CHICAGO, 'TX', '2026-03-05T00:00:00Z'],
    [DENVER, 'CO', '2026-10-29T00:00:00Z'],
    ['America/Phoenix', 'AZ', '2026-03-05T00:00:00Z'],
    ['Pacific/Honolulu', 'HI', '2026-03-05T00:00:00Z'],
  ];
  it.each(cases)('%s %s: allowed, not early, and the earliest such minute', (zone, state, from) => {
    const start = Date.parse(from);
    for (let t = start; t < start + 7 * 24 * 3_600_000; t += 7 * 60_000 + 13_000) {
      const at = new Date(t);
      const result = nextAllowedTime(at, zone, state);
      expect(result.getTime()).toBeGreaterThanOrEqual(t);
      expect(isQuietTime(result, zone, state)).toBe(false);
      if (result.getTime() !== t) {
        expect(isQuietTime(new Date(result.getTime() - 1), zone, state)).toBe(true);
        const local = localTime(result, zone);
        expect(local.hour * 60 + local.minute).toBe(allowedWindow(state, local.weekday).start);
        expect(result.getTime() - t).toBeLessThan(36 * 3_600_000);
      }
    }
  });
});

describe('zonedInstant', () => {
  it('maps a wall time to its instant on ordinary days', () => {
    expect(zonedInstant({ year: 2026, month: 7, day: 4 }, 9 * 60, NY).toISOString()).toBe(
      '2026-07-04T13:00:00.000Z',
    );
  });
  it('resolves a time skipped by spring-forward to after the gap', () => {
    expect(zonedInstant({ year: 2026, month: 3, day: 8 }, 150, NY).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });
  it('resolves a repeated fall-back time to the earlier instant', () => {
    expect(zonedInstant({ year: 2026, month: 11, day: 1 }, 90, NY).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });
});

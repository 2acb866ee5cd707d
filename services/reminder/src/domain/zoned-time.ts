/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl: enough for quiet hours, where we need
 * "what local day/time is this instant" and "which instant is 08:00 local on that day", correct across DST.
 */

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

export interface LocalTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 0 = Sunday ... 6 = Saturday */
  weekday: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

// Building a formatter is costly; each zone's is reused.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar date and time of an instant in timeZone. Throws RangeError for an unknown zone. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid instant');
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const local = {
    year: parts.year ?? Number.NaN,
    month: parts.month ?? Number.NaN,
    day: parts.day ?? Number.NaN,
    hour: parts.hour ?? Number.NaN,
    minute: parts.minute ?? Number.NaN,
    second: parts.second ?? Number.NaN,
    // Offsets are whole seconds (whole minutes in every modern zone), so the millisecond is the UTC one.
    millisecond: ((ms % 1000) + 1000) % 1000,
  };
  return { ...local, weekday: weekdayOf(local) };
}

/** Day of the week of a calendar date, 0 = Sunday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** The calendar date `days` after date (negative: before); months and years roll over. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** UTC offset of timeZone at an instant, in ms (local = UTC + offset). */
export function offsetAt(epochMs: number, timeZone: string): number {
  const l = localTime(new Date(epochMs), timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.millisecond);
  return asUtc - epochMs;
}

/**
 * The instant at which the local wall clock in timeZone shows `minuteOfDay` on `date`.
 * Like Temporal's "compatible" disambiguation: a time that occurs twice (fall back) resolves to the
 * earlier instant; a time skipped by spring-forward resolves to the same distance after the gap
 * (02:30 on a 02:00->03:00 day is 03:30).
 */
export function zonedInstant(date: LocalDate, minuteOfDay: number, timeZone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  // US zones change at most once within a day either side; looking a day away catches both offsets.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => offsetAt(t, timeZone) === wall - t);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In the gap: the wall time does not exist; read it with the offset in force before the change.
  return new Date(wall - before);
}

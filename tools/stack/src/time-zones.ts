/**
 * Time zones in which it is currently day (or night), so a local run or a test can rely on quiet hours
 * behaving a known way whatever the hour it runs at. Fixed-offset zones (`Etc/GMT±N`) have no daylight
 * saving time, so "now plus a few hours" stays in the same window. Note the POSIX sign: `Etc/GMT-3` is UTC+3.
 */

export interface HourWindow {
  /** Local hour the window starts at (inclusive), 0-23. */
  fromHour: number;
  /** Local hour the window ends at (exclusive), 1-24; smaller than fromHour for a window across midnight. */
  toHour: number;
}

// The IANA fixed-offset zones run from UTC-12 (Etc/GMT+12) to UTC+14 (Etc/GMT-14): every hour of the day
// is local time somewhere in that range.
const MIN_OFFSET = -12;
const MAX_OFFSET = 14;

/** A zone where the local time now is inside [fromHour, toHour), e.g. daytime for reminders that must go out. */
export function daytimeZone(now: Date, window: HourWindow = { fromHour: 10, toHour: 17 }): string {
  return zoneWhereLocalTimeIn(now, window);
}

/** A zone where it is the middle of the night now (00:00-06:00 local by default): every send is quiet-time. */
export function nighttimeZone(now: Date, window: HourWindow = { fromHour: 0, toHour: 6 }): string {
  return zoneWhereLocalTimeIn(now, window);
}

/**
 * The fixed-offset zone whose local time now is closest to the middle of the window, so the window lasts
 * as long as possible either side of now (a test running a few minutes does not cross its edge).
 */
export function zoneWhereLocalTimeIn(now: Date, { fromHour, toHour }: HourWindow): string {
  if (!Number.isFinite(now.getTime())) throw new RangeError('now is not a valid date');
  if (!isHour(fromHour, 0, 23) || !isHour(toHour, 1, 24) || fromHour === toHour % 24) {
    throw new RangeError(
      `invalid hour window ${fromHour}-${toHour}: expected whole hours 0-23 and 1-24, not equal`,
    );
  }
  const length = (toHour - fromHour + 24) % 24 || 24;
  const middle = (fromHour + length / 2) % 24;
  const utcHours = now.getUTCHours() + now.getUTCMinutes() / 60 + now.getUTCSeconds() / 3600;
  let best: { offset: number; distance: number } | undefined;
  for (let offset = MIN_OFFSET; offset <= MAX_OFFSET; offset++) {
    const local = (((utcHours + offset) % 24) + 24) % 24;
    const sinceStart = (local - fromHour + 24) % 24;
    if (sinceStart >= length) continue;
    const distance = Math.min(Math.abs(local - middle), 24 - Math.abs(local - middle));
    if (!best || distance < best.distance) best = { offset, distance };
  }
  // Unreachable for a valid window (27 offsets cover all 24 hours), kept so a bug cannot return a wrong zone.
  if (!best) throw new Error(`no fixed-offset zone has local time within ${fromHour}-${toHour}`);
  return fixedOffsetZone(best.offset);
}

/** `Etc/GMT±N` for UTC+offset hours (POSIX sign, inverted). */
export function fixedOffsetZone(offsetHours: number): string {
  if (offsetHours === 0) return 'Etc/GMT';
  return offsetHours > 0 ? `Etc/GMT-${offsetHours}` : `Etc/GMT+${-offsetHours}`;
}

const isHour = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;

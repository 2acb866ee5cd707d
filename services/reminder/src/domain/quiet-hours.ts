/**
 * When a reminder may be sent: US telemarketing-style quiet hours in the recipient's local time.
 * We use the property's time zone and state as the recipient's (domain brief: "Use the property's time
 * zone and state"); the applicant's own location is not known.
 */
import { addDays, type LocalDate, localTime, weekdayOf, zonedInstant } from './zoned-time.ts';

/** An allowed sending window on one local day, in minutes after local midnight: [start, end). */
export interface Window {
  start: number;
  end: number;
}

const h = (hour: number): number => hour * 60;
const SUNDAY = 0;
const SATURDAY = 6;

/** Federal rule (TCPA): 8am to 9pm local time, every day. */
export const FEDERAL_WINDOW: Window = { start: h(8), end: h(21) };

const eightToEight = (): Window => ({ start: h(8), end: h(20) });

/**
 * States with stricter rules (from docs/domain.md). A state not listed here follows the federal rule.
 * Holiday restrictions some states add are not modelled.
 */
export const STATE_WINDOWS: Readonly<Record<string, (weekday: number) => Window>> = {
  CT: () => ({ start: h(9), end: h(20) }),
  FL: eightToEight,
  MD: eightToEight,
  MS: eightToEight,
  NJ: eightToEight,
  OK: eightToEight,
  RI: (weekday) =>
    weekday === SUNDAY || weekday === SATURDAY ? { start: h(10), end: h(17) } : { start: h(9), end: h(18) },
  TX: (weekday) => (weekday === SUNDAY ? { start: h(12), end: h(21) } : { start: h(9), end: h(21) }),
};

/** The window that applies on a local weekday (0 = Sunday): the strictest of the federal and state rules. */
export function allowedWindow(state: string, weekday: number): Window {
  const stateWindow = STATE_WINDOWS[state.toUpperCase()]?.(weekday);
  if (!stateWindow) return FEDERAL_WINDOW;
  return {
    start: Math.max(FEDERAL_WINDOW.start, stateWindow.start),
    end: Math.min(FEDERAL_WINDOW.end, stateWindow.end),
  };
}

/**
 * `instant` itself when sending is allowed then in timeZone/state, otherwise the start of the next allowed
 * window (e.g. 21:30 -> 08:00 the next local day). The window end is exclusive: 21:00:00 is quiet.
 */
export function nextAllowedTime(instant: Date, timeZone: string, state: string): Date {
  const local = localTime(instant, timeZone);
  const msOfDay = ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 + local.millisecond;
  const today: LocalDate = { year: local.year, month: local.month, day: local.day };
  const window = allowedWindow(state, local.weekday);
  if (msOfDay >= window.start * 60_000 && msOfDay < window.end * 60_000) return instant;
  if (msOfDay < window.start * 60_000) {
    const start = zonedInstant(today, window.start, timeZone);
    if (start.getTime() > instant.getTime()) return start;
  }
  // Every day has a window, so the next day's start is the answer; the loop only guards odd zones
  // (a skipped calendar day) from returning a time in the past.
  for (let days = 1; days <= 7; days++) {
    const date = addDays(today, days);
    const start = zonedInstant(date, allowedWindow(state, weekdayOf(date)).start, timeZone);
    if (start.getTime() > instant.getTime()) return start;
  }
  throw new Error(`no allowed sending time within a week after ${instant.toISOString()} in ${timeZone}`);
}

/** True when a message must not be sent at instant. */
export function isQuietTime(instant: Date, timeZone: string, state: string): boolean {
  return nextAllowedTime(instant, timeZone, state).getTime() !== instant.getTime();
}

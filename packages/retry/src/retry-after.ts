/** Default cap of a Retry-After: longer than any in-process wait, short enough that a bogus value heals. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

const HTTP_DATE_SHAPE = /[A-Za-z]{3}.*\d{2}:\d{2}:\d{2}/;

/**
 * A Retry-After header (RFC 9110 §10.2.3) in milliseconds from `now`: delta-seconds or an HTTP date (a past
 * date is 0). Undefined when absent or unreadable. Capped at `maxMs`, so a server asking for days cannot park
 * a rate limiter or a timer for that long; callers compare the result with their own in-process limit and
 * hand longer waits to the job queue. Fractional seconds are rounded up: never retry before asked.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now(),
  maxMs: number = MAX_RETRY_AFTER_MS,
): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.min(maxMs, Math.ceil(Number(raw) * 1000));
  // Every HTTP-date form (IMF-fixdate, RFC 850, asctime) names a month and has a time; Date.parse alone
  // would also read "-5" or "2" as years.
  if (!HTTP_DATE_SHAPE.test(raw)) return undefined;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.min(maxMs, Math.max(0, date - now));
}

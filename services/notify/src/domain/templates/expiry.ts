/**
 * Formats an instant in the property's time zone. `long` for emails ("December 8, 2026 at 8:04 AM MST"),
 * `short` for SMS ("Dec 8"). ICU puts narrow no-break spaces in times; they are made plain spaces because
 * a single non-GSM character would switch a whole SMS to UCS-2 and more than double its segments.
 */
export function formatExpiry(expiresAt: string, timeZone: string, style: 'long' | 'short'): string {
  const date = new Date(expiresAt);
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid expiry date: ${expiresAt}`);
  return formatter(timeZone, style)
    .format(date)
    .replace(/[\u202f\u00a0]/g, ' ');
}

const styles: Record<'long' | 'short', Intl.DateTimeFormatOptions> = {
  long: {
    month: 'long',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  },
  short: { month: 'short', day: 'numeric' },
};

// Building a DateTimeFormat loads ICU data and costs far more than formatting with one (about 0.7 ms of
// notify's CPU per message, e2e/bench/README.md): one per time zone and style, kept for the process's life
// (a handful of zones in any tenants file).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, style: 'long' | 'short'): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { ...styles[style], timeZone });
    formatters.set(key, format);
  }
  return format;
}

/**
 * Formats an instant in the property's time zone. `long` for emails ("December 8, 2026 at 8:04 AM MST"),
 * `short` for SMS ("Dec 8"). ICU puts narrow no-break spaces in times; they are made plain spaces because
 * a single non-GSM character would switch a whole SMS to UCS-2 and more than double its segments.
 */
export function formatExpiry(expiresAt: string, timeZone: string, style: 'long' | 'short'): string {
  const date = new Date(expiresAt);
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid expiry date: ${expiresAt}`);
  const options: Intl.DateTimeFormatOptions =
    style === 'long'
      ? {
          month: 'long',
          day: 'numeric',
          year: 'numeric',
          hour: 'numeric',
          minute: '2-digit',
          timeZoneName: 'short',
        }
      : { month: 'short', day: 'numeric' };
  return new Intl.DateTimeFormat('en-US', { ...options, timeZone })
    .format(date)
    .replace(/[\u202f\u00a0]/g, ' ');
}

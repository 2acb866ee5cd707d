import { EntrataError } from './errors.ts';

/** Entrata's dates and times are Mountain Time unless stated. */
export const ENTRATA_TIME_ZONE = 'America/Denver';

// One formatter for the process: building one costs ~30 times a format (it loads the zone's and the
// locale's data), and the listings format every application's dates on every call.
const mountainTime = new Intl.DateTimeFormat('en-US', {
  timeZone: ENTRATA_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const parts = (d: Date) => {
  const out: Record<string, string> = {};
  for (const p of mountainTime.formatToParts(d)) out[p.type] = p.value;
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;
};

/** `MM/DD/YYYY` in Mountain Time. */
export const usDate = (d: Date): string => {
  const p = parts(d);
  return `${p.month}/${p.day}/${p.year}`;
};

/** `MM/DD/YYYY HH:mm:ss` in Mountain Time (getLeads' createdOn style). */
export const usDateTime = (d: Date): string => {
  const p = parts(d);
  return `${p.month}/${p.day}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
};

/** `YYYY-MM-DD` in Mountain Time (other responses use ISO-like dates). */
export const isoDate = (d: Date): string => {
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}`;
};

/** `YYYY-MM-DD HH:mm:ss` in Mountain Time. */
export const isoDateTime = (d: Date): string => {
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
};

/**
 * Parses a request date `MM/DD/YYYY` into a comparable `YYYY-MM-DD` day key (Mountain Time calendar day);
 * anything else is a parameter error, as Entrata answers for malformed dates.
 */
export function parseUsDate(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const m = typeof value === 'string' ? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value.trim()) : null;
  if (!m) throw new EntrataError('invalidParams', `${name} must be a date in MM/DD/YYYY format.`);
  const [, mm, dd, yyyy] = m;
  const date = new Date(Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd)));
  if (date.getUTCMonth() !== Number(mm) - 1 || date.getUTCDate() !== Number(dd)) {
    throw new EntrataError('invalidParams', `${name} is not a valid date.`);
  }
  return `${yyyy}-${mm}-${dd}`;
}

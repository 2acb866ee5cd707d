import Type, { type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/** Entrata sends ids as integers or strings. */
export const IdLike = Type.Union([Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 })]);
/** Optional free text that is sometimes a number, sometimes null. */
export const TextLike = Type.Union([Type.String(), Type.Number(), Type.Null()]);
/** XML heritage: a list of one is often sent as the object itself. */
export const OneOrMany = <T extends TSchema>(item: T) => Type.Union([item, Type.Array(item)]);

/** Normalises a list that may be absent, a single object, or an array. */
export function asList<T>(value: T | T[] | null | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** `{ prospect: [...] }`, `{ prospect: {...} }`, `[...]` or absent -> array. */
export function unwrapList(container: unknown, key: string): unknown[] {
  if (container === undefined || container === null || container === '') return [];
  if (Array.isArray(container)) return container;
  if (typeof container === 'object' && key in container)
    return asList((container as Record<string, unknown>)[key]);
  return [];
}

export function asId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

export function asText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

/** Requests carry integer ids where the id is numeric. */
export function toRequestId(id: string | number): string | number {
  if (typeof id === 'number') return id;
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

export interface ShapeProblem {
  path: string;
  message: string;
}

/** `{ key: value }`, or nothing when the value is absent: an absent value stays an absent key. */
export function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** Problems of an item, reported at the item's path in the whole result. */
export function prefixed(problems: ShapeProblem[], at: string): ShapeProblem[] {
  return problems.map((p) => ({ path: at + (p.path === '/' ? '' : p.path), message: p.message }));
}

export interface ShapeChecker {
  problems(value: unknown): ShapeProblem[];
}

/**
 * A checker that reports where a value breaks a TypeBox schema. Compiled on first use: a process that never
 * reads that Entrata response does not pay for its validator.
 */
export function shape(schema: TSchema): ShapeChecker {
  let compiled: ReturnType<typeof Compile> | undefined;
  return {
    problems(value) {
      compiled ??= Compile(schema);
      const check = compiled;
      if (check.Check(value)) return [];
      return [...check.Errors(value)]
        .slice(0, 10)
        .map((e) => ({ path: e.instancePath || '/', message: e.message }));
    },
  };
}

// ---- dates ----------------------------------------------------------------------------------------

/** Entrata's dates and times are Mountain Time unless they say otherwise. */
export const ENTRATA_TIME_ZONE = 'America/Denver';

const US_DATE =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?(?:\s+([A-Z]{3,4}))?$/;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const ISO_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const formatShapes = {
  wallTime: {
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  },
  date: { year: 'numeric', month: '2-digit', day: '2-digit' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

// Building a formatter costs far more than using one (at one webhook at a time it was 1.5% of ingest's CPU,
// every date of every applicant parsed through a new one): each zone's is kept per shape.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, shape: keyof typeof formatShapes): Intl.DateTimeFormat {
  const key = `${shape} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, ...formatShapes[shape] });
    formatters.set(key, f);
  }
  return f;
}

/** Offset (ms) of a time zone at a UTC instant, via Intl (handles DST). */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = formatter(timeZone, 'wallTime').formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

function wallTimeToUtc(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  timeZone: string,
): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  // Two passes settle the offset across a DST change.
  const first = guess - zoneOffsetMs(guess, timeZone);
  return guess - zoneOffsetMs(first, timeZone);
}

function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

/**
 * Parses MM/DD/YYYY[ HH:mm[:ss][ AM|PM]][ MST], YYYY-MM-DD[ HH:mm:ss] (both Mountain Time) or a zoned
 * ISO timestamp into an ISO-8601 UTC string. Returns undefined for anything else.
 */
export function parseEntrataDate(value: unknown, timeZone: string = ENTRATA_TIME_ZONE): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (ISO_ZONED.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  let y: number;
  let mo: number;
  let d: number;
  let h = 0;
  let mi = 0;
  let s = 0;
  const us = US_DATE.exec(text);
  const iso = us ? null : ISO_LOCAL.exec(text);
  if (us) {
    mo = Number(us[1]);
    d = Number(us[2]);
    y = Number(us[3]);
    h = Number(us[4] ?? 0);
    mi = Number(us[5] ?? 0);
    s = Number(us[6] ?? 0);
    const meridiem = us[7]?.toUpperCase();
    if (meridiem && (h < 1 || h > 12)) return undefined;
    if (meridiem === 'PM' && h < 12) h += 12;
    if (meridiem === 'AM' && h === 12) h = 0;
  } else if (iso) {
    y = Number(iso[1]);
    mo = Number(iso[2]);
    d = Number(iso[3]);
    h = Number(iso[4] ?? 0);
    mi = Number(iso[5] ?? 0);
    s = Number(iso[6] ?? 0);
  } else {
    return undefined;
  }
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  return new Date(wallTimeToUtc(y, mo, d, h, mi, s, timeZone)).toISOString();
}

/** Request dates are MM/DD/YYYY in Mountain Time. Accepts a Date, an ISO string or an MM/DD/YYYY string. */
export function formatEntrataDate(value: Date | string, timeZone: string = ENTRATA_TIME_ZONE): string {
  if (typeof value === 'string') {
    if (/^\d{2}\/\d{2}\/\d{4}$/.test(value)) return value;
    const local = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (local) return `${local[2]}/${local[3]}/${local[1]}`;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new TypeError(`not a date: ${value}`);
    value = new Date(ms);
  }
  const parts = formatter(timeZone, 'date').formatToParts(value);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('month')}/${get('day')}/${get('year')}`;
}

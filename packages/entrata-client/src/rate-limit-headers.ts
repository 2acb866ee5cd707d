/**
 * Entrata reports its counters per service and credential as parallel lists, e.g.
 *   X-RateLimit-Limit: 15000/DAY;1000/HOUR;150/MINUTE
 *   X-RateLimit-Remaining: 14990;990;140            (sometimes with the same /UNIT suffixes)
 *   X-RateLimit-Reset: 43200;1800;30                (seconds, same order)
 */
export interface RateLimitWindow {
  /** DAY, HOUR, MINUTE, ... as Entrata names it (upper-cased); undefined when the limit header lacks it. */
  unit: string | undefined;
  limit: number | undefined;
  remaining: number | undefined;
  resetSeconds: number | undefined;
}

const UNIT_SECONDS: Record<string, number> = { SECOND: 1, MINUTE: 60, HOUR: 3600, DAY: 86400 };

type HeaderValue = string | string[] | undefined;
export type HeaderBag = Record<string, HeaderValue>;

function header(headers: HeaderBag, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return Array.isArray(value) ? value.join(';') : value;
  }
  return undefined;
}

interface Entry {
  value: number | undefined;
  unit: string | undefined;
}

function parseList(value: string | undefined): Entry[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(/[;,]/).map((part) => {
    const [amount, unit] = part.trim().split('/');
    const n = amount !== undefined && /^\d+(\.\d+)?$/.test(amount.trim()) ? Number(amount.trim()) : undefined;
    return { value: n, unit: unit?.trim().toUpperCase() || undefined };
  });
}

export function parseRateLimitHeaders(headers: HeaderBag): RateLimitWindow[] {
  const limits = parseList(header(headers, 'x-ratelimit-limit'));
  const remaining = parseList(header(headers, 'x-ratelimit-remaining'));
  const resets = parseList(header(headers, 'x-ratelimit-reset'));
  const count = Math.max(limits.length, remaining.length, resets.length);
  const windows: RateLimitWindow[] = [];
  for (let i = 0; i < count; i++) {
    windows.push({
      unit: limits[i]?.unit ?? remaining[i]?.unit ?? resets[i]?.unit,
      limit: limits[i]?.value,
      remaining: remaining[i]?.value,
      resetSeconds: resets[i]?.value,
    });
  }
  return windows;
}

/** The length of a window by its unit; a minute when Entrata names none (its shortest, the safe guess). */
export function windowSeconds(window: Pick<RateLimitWindow, 'unit'>): number {
  return (window.unit ? UNIT_SECONDS[window.unit] : undefined) ?? 60;
}

/**
 * How long Entrata wants us to wait before the next call: the longest reset among the exhausted windows
 * (remaining 0). Without a reset value, the window's own length is the safe assumption.
 * Returns 0 when no window is exhausted.
 */
export function exhaustedWaitMs(windows: RateLimitWindow[]): number {
  let wait = 0;
  for (const w of windows) {
    if (w.remaining !== 0) continue;
    const seconds = w.resetSeconds ?? windowSeconds(w);
    wait = Math.max(wait, Math.ceil(seconds * 1000));
  }
  return wait;
}

/** The wait implied by X-RateLimit-Reset alone (used on a 429 when no window says remaining 0). */
export function resetWaitMs(windows: RateLimitWindow[]): number | undefined {
  const exhausted = exhaustedWaitMs(windows);
  if (exhausted > 0) return exhausted;
  // On a 429 without remaining counters, the shortest window is the one most likely exhausted.
  const resets = windows.map((w) => w.resetSeconds).filter((s): s is number => s !== undefined);
  return resets.length > 0 ? Math.ceil(Math.min(...resets) * 1000) : undefined;
}

export { header as readHeader };

/**
 * Entrata counts calls per service per credential in day, hour and minute windows and reports them in headers:
 * `X-RateLimit-Limit: 15000/DAY;1000/HOUR;150/MINUTE`. The Remaining and Reset headers use the same
 * `value/WINDOW;...` layout (Reset in seconds): the exact real format of those two is not public, so clients
 * should parse tolerantly. Fixed windows aligned to the clock, like most such counters.
 */
const WINDOWS = [
  { name: 'DAY', ms: 86_400_000 },
  { name: 'HOUR', ms: 3_600_000 },
  { name: 'MINUTE', ms: 60_000 },
] as const;

export interface RateLimitResult {
  allowed: boolean;
  headers: Record<string, string>;
  /** Seconds until the exhausted window resets (when not allowed). */
  retryAfterSeconds: number;
}

export class RateLimiter {
  private readonly counters = new Map<string, { windowStart: number; count: number }>();
  private readonly limits = { DAY: 15_000, HOUR: 1_000 };

  /** Counts one call for `key` (org + service) unless a window is exhausted. */
  hit(key: string, perMinute: number, now = Date.now()): RateLimitResult {
    const limits = { ...this.limits, MINUTE: perMinute };
    const state = WINDOWS.map((w) => {
      const windowStart = Math.floor(now / w.ms) * w.ms;
      const counterKey = `${key}|${w.name}`;
      let counter = this.counters.get(counterKey);
      if (!counter || counter.windowStart !== windowStart) {
        counter = { windowStart, count: 0 };
        this.counters.set(counterKey, counter);
      }
      return {
        ...w,
        counter,
        limit: limits[w.name],
        resetSeconds: Math.ceil((windowStart + w.ms - now) / 1000),
      };
    });
    const exhausted = state.find((s) => s.counter.count >= s.limit);
    if (!exhausted) for (const s of state) s.counter.count++;
    const fmt = (f: (s: (typeof state)[number]) => number) => state.map((s) => `${f(s)}/${s.name}`).join(';');
    return {
      allowed: !exhausted,
      retryAfterSeconds: exhausted?.resetSeconds ?? 0,
      headers: {
        'x-ratelimit-limit': fmt((s) => s.limit),
        'x-ratelimit-remaining': fmt((s) => Math.max(0, s.limit - s.counter.count)),
        'x-ratelimit-reset': fmt((s) => s.resetSeconds),
      },
    };
  }

  reset(): void {
    this.counters.clear();
  }
}

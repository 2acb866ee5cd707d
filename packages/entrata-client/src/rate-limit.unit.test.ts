import { describe, expect, it } from 'vitest';
import { exhaustedWaitMs, parseRateLimitHeaders } from './rate-limit-headers.ts';
import { type Clock, RateLimiter } from './rate-limiter.ts';

describe('rate-limit headers', () => {
  it('parses the parallel lists, with or without units on remaining/reset', () => {
    const windows = parseRateLimitHeaders({
      'X-RateLimit-Limit': '15000/DAY;1000/HOUR;150/MINUTE',
      'X-RateLimit-Remaining': '14990;990;0',
      'X-RateLimit-Reset': '43200/DAY;1800/HOUR;30/MINUTE',
    });
    expect(windows).toEqual([
      { unit: 'DAY', limit: 15000, remaining: 14990, resetSeconds: 43200 },
      { unit: 'HOUR', limit: 1000, remaining: 990, resetSeconds: 1800 },
      { unit: 'MINUTE', limit: 150, remaining: 0, resetSeconds: 30 },
    ]);
    expect(exhaustedWaitMs(windows)).toBe(30_000);
  });

  it('waits for the longest exhausted window, and the window length when no reset is given', () => {
    expect(
      exhaustedWaitMs(
        parseRateLimitHeaders({
          'x-ratelimit-remaining': '5/DAY;0/HOUR;0/MINUTE',
          'x-ratelimit-reset': '100;50;10',
        }),
      ),
    ).toBe(50_000);
    expect(
      exhaustedWaitMs(
        parseRateLimitHeaders({ 'x-ratelimit-limit': '150/MINUTE', 'x-ratelimit-remaining': '0' }),
      ),
    ).toBe(60_000);
    expect(exhaustedWaitMs(parseRateLimitHeaders({}))).toBe(0);
    expect(exhaustedWaitMs(parseRateLimitHeaders({ 'x-ratelimit-remaining': 'garbage' }))).toBe(0);
  });
});

function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('RateLimiter', () => {
  it('lets a burst of requestsPerMinute through, then paces', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requestsPerMinute: 2, maxWaitMs: 120_000, clock });
    await limiter.acquire('t:leads');
    await limiter.acquire('t:leads');
    expect(clock.slept).toEqual([]);
    await limiter.acquire('t:leads');
    expect(clock.slept).toEqual([30_000]);
  });

  it('keeps services (and tenants) apart', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requestsPerMinute: 1, maxWaitMs: 120_000, clock });
    await limiter.acquire('t:leads');
    await limiter.acquire('t:leases');
    await limiter.acquire('u:leads');
    expect(clock.slept).toEqual([]);
  });

  it('honours an exhausted Entrata window and fails retryably beyond maxWaitMs', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requestsPerMinute: 100, maxWaitMs: 10_000, clock });
    limiter.observe('t:leads', [{ unit: 'MINUTE', limit: 150, remaining: 0, resetSeconds: 5 }]);
    await limiter.acquire('t:leads');
    expect(clock.slept).toEqual([5000]);
    limiter.observe('t:leads', [{ unit: 'HOUR', limit: 1000, remaining: 0, resetSeconds: 1800 }]);
    await expect(limiter.acquire('t:leads')).rejects.toMatchObject({
      kind: 'rate_limited',
      retryable: true,
      retryAfterMs: 1_800_000,
    });
    // The rejection does not block the queue for the next caller once the window passed.
    clock.sleep(1_800_000);
    await limiter.acquire('t:leads');
  });
});

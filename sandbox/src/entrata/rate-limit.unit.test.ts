import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  const at = Date.UTC(2025, 0, 1, 10, 30, 15);

  it('counts per key in day/hour/minute windows and reports them in Entrata header form', () => {
    const limiter = new RateLimiter();
    const first = limiter.hit('org|leads', 150, at);
    expect(first.headers).toEqual({
      'x-ratelimit-limit': '15000/DAY;1000/HOUR;150/MINUTE',
      'x-ratelimit-remaining': '14999/DAY;999/HOUR;149/MINUTE',
      'x-ratelimit-reset': `${86400 - (10 * 3600 + 30 * 60 + 15)}/DAY;${30 * 60 - 15}/HOUR;45/MINUTE`,
    });
    expect(limiter.hit('org|leases', 150, at).headers['x-ratelimit-remaining']).toContain('149/MINUTE');
  });

  it('refuses over the minute limit until the next minute, without counting refusals', () => {
    const limiter = new RateLimiter();
    limiter.hit('k', 2, at);
    limiter.hit('k', 2, at);
    const refused = limiter.hit('k', 2, at);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 45 });
    expect(refused.headers['x-ratelimit-remaining']).toBe('14998/DAY;998/HOUR;0/MINUTE');
    expect(limiter.hit('k', 2, at + 45_000).allowed).toBe(true);
  });
});

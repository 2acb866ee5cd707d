import { describe, expect, it } from 'vitest';
import { RateLimitHeadroom } from './headroom.ts';
import { parseRateLimitHeaders } from './rate-limit-headers.ts';

const clockAt = (start: number) => {
  let now = start;
  return {
    now: () => now,
    sleep: async () => {},
    advance: (ms: number) => {
      now += ms;
    },
  };
};

describe('rate-limit headroom', () => {
  it("keeps Entrata's last counters per tenant, service and window, until the window resets", () => {
    const clock = clockAt(1_000_000);
    const headroom = new RateLimitHeadroom(clock);
    headroom.record(
      'acme',
      'leases',
      parseRateLimitHeaders({
        'x-ratelimit-limit': '15000/DAY;1000/HOUR;150/MINUTE',
        'x-ratelimit-remaining': '14990/DAY;990/HOUR;140/MINUTE',
        'x-ratelimit-reset': '43200/DAY;1800/HOUR;30/MINUTE',
      }),
    );
    headroom.record('beta', 'leads', parseRateLimitHeaders({ 'x-ratelimit-remaining': '7' }));
    expect(headroom.current()).toEqual([
      expect.objectContaining({
        labels: { tenant: 'acme', entrata_service: 'leases', window: 'day' },
        remaining: 14990,
        limit: 15000,
      }),
      expect.objectContaining({ labels: expect.objectContaining({ window: 'hour' }), remaining: 990 }),
      expect.objectContaining({ labels: expect.objectContaining({ window: 'minute' }), remaining: 140 }),
      // No unit and no reset: a minute window, no limit (so no ratio).
      expect.objectContaining({
        labels: { tenant: 'beta', entrata_service: 'leads', window: 'unknown' },
        remaining: 7,
        limit: undefined,
      }),
    ]);

    clock.advance(30_000);
    expect(headroom.current().map((r) => `${r.labels.tenant}/${r.labels.window}`)).toEqual([
      'acme/day',
      'acme/hour',
      'beta/unknown',
    ]);
    clock.advance(30_000);
    expect(headroom.current().map((r) => `${r.labels.tenant}/${r.labels.window}`)).toEqual([
      'acme/day',
      'acme/hour',
    ]);
  });

  it('ignores headers without counters', () => {
    const headroom = new RateLimitHeadroom(clockAt(0));
    headroom.record('acme', 'leases', parseRateLimitHeaders({}));
    headroom.record('acme', 'leases', parseRateLimitHeaders({ 'x-ratelimit-limit': '150/MINUTE' }));
    expect(headroom.current()).toEqual([]);
  });
});

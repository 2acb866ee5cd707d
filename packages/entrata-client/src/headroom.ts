import type { Meter } from '@autoverify/telemetry';
import { type RateLimitWindow, windowSeconds } from './rate-limit-headers.ts';
import { type Clock, systemClock } from './rate-limiter.ts';

interface Reading {
  labels: { tenant: string; entrata_service: string; window: string };
  remaining: number;
  limit: number | undefined;
  /** After the window's reset Entrata's number says nothing any more. */
  expiresAt: number;
}

/**
 * What Entrata's X-RateLimit-* headers last said of each budget (tenant x Entrata service x window), in this
 * process. Entrata's counters, not our limiter's: they also count the customer's other integrations on the
 * same credential, which is what runs out first. A reading is dropped at its window's reset, so an idle
 * tenant shows no series instead of a stale low one.
 */
export class RateLimitHeadroom {
  readonly #readings = new Map<string, Reading>();
  readonly #clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  record(tenantId: string, service: string, windows: RateLimitWindow[]): void {
    const now = this.#clock.now();
    for (const w of windows) {
      if (w.remaining === undefined) continue;
      const window = (w.unit ?? 'unknown').toLowerCase();
      this.#readings.set(`${tenantId}\u0000${service}\u0000${window}`, {
        labels: { tenant: tenantId, entrata_service: service, window },
        remaining: w.remaining,
        limit: w.limit,
        expiresAt: now + (w.resetSeconds ?? windowSeconds(w)) * 1000,
      });
    }
  }

  /** The readings whose window has not reset yet. */
  current(): Reading[] {
    const now = this.#clock.now();
    for (const [key, reading] of this.#readings) if (reading.expiresAt <= now) this.#readings.delete(key);
    return [...this.#readings.values()];
  }
}

/** Exposes the headroom as gauges: calls left, and calls left as a share of the window's limit. */
export function observeHeadroom(meter: Meter, headroom: RateLimitHeadroom): void {
  const remaining = meter.createObservableGauge('autoverify.entrata.rate_limit.remaining', {
    description: "Calls left in Entrata's rate-limit window (X-RateLimit-Remaining), per tenant and service",
  });
  const ratio = meter.createObservableGauge('autoverify.entrata.rate_limit.headroom_ratio', {
    description:
      "Share of Entrata's rate-limit window still left (remaining / limit), per tenant and service",
  });
  meter.addBatchObservableCallback(
    (result) => {
      for (const reading of headroom.current()) {
        result.observe(remaining, reading.remaining, reading.labels);
        if (reading.limit)
          result.observe(ratio, Math.min(1, reading.remaining / reading.limit), reading.labels);
      }
    },
    [remaining, ratio],
  );
}

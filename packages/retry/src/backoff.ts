/**
 * How the random part of a backoff is drawn:
 * - `full`: uniformly in [0, ceiling]. Spreads many callers widest; a retry may come at once. For API clients
 *   whose servers rate-limit (Entrata): after an outage the callers' first retries spread over the window.
 * - `equal`: half the ceiling fixed, the other half random. Callers spread out yet always wait (Kafka
 *   consumers, the verification platform), so a retry never hammers a service that just failed.
 */
export type Jitter = 'full' | 'equal';

export interface Backoff {
  /** The ceiling after the first failure; it doubles after each further one. */
  initialMs: number;
  /** The ceiling never grows past this. */
  maxMs: number;
  /** Default `equal`. */
  jitter?: Jitter;
}

/**
 * Delay before the next try after try number `failedAttempt` (1-based) failed: exponential, capped at maxMs,
 * with jitter so replicas retrying the same outage do not stampede in lockstep.
 */
export function backoffDelay(
  failedAttempt: number,
  backoff: Backoff,
  random: () => number = Math.random,
): number {
  // 2^30 already exceeds any sane cap; the bound keeps a huge attempt number from reaching Infinity.
  const exponent = Math.min(Math.max(0, failedAttempt - 1), 30);
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);
  if (backoff.jitter === 'full') return Math.floor(random() * ceiling);
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}

export interface RetryPolicy {
  /** Total tries including the first. */
  attempts: number;
  initialMs: number;
  maxMs: number;
  /** A Retry-After longer than this is not waited for in-process: the error goes to the caller (a job retries later). */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 3,
  initialMs: 200,
  maxMs: 5_000,
  maxRetryAfterMs: 30_000,
};

/** Exponential backoff with "equal jitter": half fixed, half random, so clients spread out but still wait. */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'initialMs' | 'maxMs'>,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const trimmed = raw.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

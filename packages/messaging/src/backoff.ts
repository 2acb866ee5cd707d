export interface RetryPolicy {
  /** Total tries of one message, the first included; after the last one it is dead-lettered. */
  attempts: number;
  initialMs: number;
  maxMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, initialMs: 200, maxMs: 10_000 };

/**
 * Delay before the next try after `failedAttempt` (1-based) failed: exponential, capped, with "equal
 * jitter" (half fixed, half random) so replicas retrying the same outage do not stampede, yet never
 * retry immediately.
 */
export function backoffDelay(
  failedAttempt: number,
  policy: Pick<RetryPolicy, 'initialMs' | 'maxMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, failedAttempt - 1);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(exponent, 30));
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}

export function validateRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const problems: string[] = [];
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1)
    problems.push(`attempts must be an integer >= 1 (got ${policy.attempts})`);
  if (!(policy.initialMs >= 0)) problems.push(`initialMs must be >= 0 (got ${policy.initialMs})`);
  if (!(policy.maxMs >= policy.initialMs)) problems.push(`maxMs must be >= initialMs (got ${policy.maxMs})`);
  if (problems.length) throw new Error(`invalid retry policy: ${problems.join('; ')}`);
  return policy;
}

/** Resolves after ms, or early (with false) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryPolicy {
  /** Total tries of one message, the first included; after the last one it is dead-lettered. */
  attempts: number;
  initialMs: number;
  maxMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, initialMs: 200, maxMs: 10_000 };

export function validateRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const problems: string[] = [];
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1)
    problems.push(`attempts must be an integer >= 1 (got ${policy.attempts})`);
  if (!(policy.initialMs >= 0)) problems.push(`initialMs must be >= 0 (got ${policy.initialMs})`);
  if (!(policy.maxMs >= policy.initialMs)) problems.push(`maxMs must be >= initialMs (got ${policy.maxMs})`);
  if (problems.length) throw new Error(`invalid retry policy: ${problems.join('; ')}`);
  return policy;
}

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

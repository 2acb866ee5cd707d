export { type Backoff, backoffDelay, type Jitter } from './backoff.ts';
export { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after.ts';
export { sleep } from './sleep.ts';

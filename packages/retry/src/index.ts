export { type Backoff, backoffDelay, type Jitter } from './backoff.ts';
export { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after.ts';
export { sleep } from './sleep.ts';
export { errorCode, NOT_SENT_CODES, TIMEOUT_CODES } from './transport-failures.ts';

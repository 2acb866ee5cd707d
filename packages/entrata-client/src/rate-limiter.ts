import { EntrataError } from './errors.ts';
import { exhaustedWaitMs, type RateLimitWindow } from './rate-limit-headers.ts';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What the transport needs of a limiter: the in-process RateLimiter, or sharedRateLimits' across replicas. */
export interface EntrataRateLimiter {
  /** Resolves when a call may be made; rejects (retryable) when that would take longer than maxWaitMs. */
  acquire(key: string): Promise<void>;
  /** Feeds Entrata's counters back: an exhausted window blocks the key until its reset. */
  observe(key: string, windows: RateLimitWindow[]): void;
  block(key: string, ms: number): void;
}

export interface RateLimiterOptions {
  requestsPerMinute: number;
  /** Waiting longer than this inside one call is pointless for a job: fail retryably instead. */
  maxWaitMs: number;
  clock?: Clock;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
  /** Entrata said a window is exhausted: no call before this instant. */
  blockedUntil: number;
  /** Acquisitions for one key are served in order so a burst cannot overtake a waiting caller. */
  queue: Promise<void>;
}

/**
 * One token bucket per key (tenant + Entrata service, since Entrata counts per service and credential),
 * refilled at `requestsPerMinute`, plus what Entrata's own counters say (X-RateLimit-Remaining 0). In one
 * process only: replicas that share a credential use sharedRateLimits (shared-rate-limiter.ts) instead.
 */
export class RateLimiter implements EntrataRateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #maxWaitMs: number;
  readonly #clock: Clock;

  constructor(options: RateLimiterOptions) {
    if (!(options.requestsPerMinute > 0)) throw new Error('requestsPerMinute must be > 0');
    this.#capacity = Math.max(1, Math.floor(options.requestsPerMinute));
    this.#perMs = options.requestsPerMinute / 60_000;
    this.#maxWaitMs = options.maxWaitMs;
    this.#clock = options.clock ?? systemClock;
  }

  #bucket(key: string): Bucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = {
        tokens: this.#capacity,
        refilledAt: this.#clock.now(),
        blockedUntil: 0,
        queue: Promise.resolve(),
      };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Resolves when a call may be made; rejects (retryable) when that would take longer than maxWaitMs. */
  acquire(key: string): Promise<void> {
    const bucket = this.#bucket(key);
    const turn = bucket.queue.then(() => this.#take(key, bucket));
    // A rejected turn must not poison the queue for the callers behind it.
    bucket.queue = turn.catch(() => undefined);
    return turn;
  }

  async #take(key: string, bucket: Bucket): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.refilledAt) * this.#perMs);
      bucket.refilledAt = now;
      const blockedFor = Math.max(0, bucket.blockedUntil - now);
      const tokenIn = bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / this.#perMs);
      const wait = Math.max(blockedFor, tokenIn);
      if (wait === 0) {
        bucket.tokens -= 1;
        return;
      }
      if (wait > this.#maxWaitMs) throw tooLongToWait(key, wait);
      await this.#clock.sleep(wait);
    }
  }

  /** Feeds Entrata's counters back: an exhausted window blocks the key until its reset. */
  observe(key: string, windows: RateLimitWindow[]): void {
    const wait = exhaustedWaitMs(windows);
    if (wait > 0) this.block(key, wait);
  }

  block(key: string, ms: number): void {
    const bucket = this.#bucket(key);
    bucket.blockedUntil = Math.max(bucket.blockedUntil, this.#clock.now() + ms);
  }
}

/** Waiting longer than a caller allows: a retryable 429 of our own, so the job is retried later instead. */
export function tooLongToWait(key: string, waitMs: number): EntrataError {
  return new EntrataError({
    kind: 'rate_limited',
    code: 429,
    message: `rate limit for ${key}: next call possible in ${Math.ceil(waitMs / 1000)} s`,
    retryable: true,
    retryAfterMs: waitMs,
  });
}

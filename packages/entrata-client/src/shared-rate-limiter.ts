import pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { exhaustedWaitMs, type RateLimitWindow } from './rate-limit-headers.ts';
import { type Clock, type EntrataRateLimiter, systemClock, tooLongToWait } from './rate-limiter.ts';

const MINUTE_MS = 60_000;
/**
 * A call admitted in a window's last 2 s may reach Entrata in the next minute and be counted there, on top of
 * that window's full budget (a self-caused 429), or in this one: it takes a point of both windows. Holding
 * such calls until the next minute instead delayed one in 30 of them by up to 2 s with budget to spare (an
 * application submitted then waited that much longer for its invitations: e2e/bench/README.md, 2026-12-07).
 */
const BOUNDARY_GUARD_MS = 2_000;
/** Outside the service's Prisma schema (`public`), like pg-boss's: migrations and drift checks never see it. */
const SCHEMA = 'entrata_rate_limit';
const TABLE = 'calls';

export interface SharedRateLimits {
  /** The limiter for a customer whose Entrata credential allows `requestsPerMinute` per Entrata service. */
  limiter(requestsPerMinute: number, maxWaitMs: number): EntrataRateLimiter;
  close(): Promise<void>;
}

/**
 * Entrata's per-minute budget shared by every process that uses the same database (all replicas of a
 * service), counted in PostgreSQL by rate-limiter-flexible (one atomic upsert per call). Windows are fixed
 * and aligned to the clock minute, as Entrata's (and the sandbox's) counters are: a count of at most
 * `requestsPerMinute` per window key can never make Entrata refuse a call, however many replicas ask.
 */
export async function sharedRateLimits(options: {
  connectionString: string;
  clock?: Clock;
  /** Told of an idle connection's error (the server restarted); the pool drops that connection. */
  onPoolError: (error: Error) => void;
}): Promise<SharedRateLimits> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: 2,
    application_name: 'entrata-rate-limit',
  });
  // Without a listener, an idle connection's error (a PostgreSQL restart) is an uncaught 'error' that ends the
  // process: the postgres-restart drill took ingest and report-sync down this way.
  pool.on('error', options.onPoolError);
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    // Creates the table (IF NOT EXISTS); the limiters below then skip that step.
    await new Promise<void>((resolve, reject) => {
      new RateLimiterPostgres(
        { storeClient: pool, schemaName: SCHEMA, tableName: TABLE, points: 1, duration: 60 },
        (error?: Error) => (error ? reject(error) : resolve()),
      );
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  const clock = options.clock ?? systemClock;
  const stores = new Map<number, RateLimiterPostgres>();
  const storeFor = (points: number) => {
    let store = stores.get(points);
    if (!store) {
      store = new RateLimiterPostgres({
        storeClient: pool,
        schemaName: SCHEMA,
        tableName: TABLE,
        tableCreated: true,
        // Deletes rows of past windows now and then (its timer does not keep the process alive).
        clearExpiredByTimeout: true,
        keyPrefix: `rpm${points}`,
        points,
        // A window's row outlives its minute a little: no other window uses its key.
        duration: 120,
      });
      stores.set(points, store);
    }
    return store;
  };
  return {
    limiter: (requestsPerMinute, maxWaitMs) =>
      new PostgresRateLimiter(storeFor(Math.max(1, Math.floor(requestsPerMinute))), maxWaitMs, clock),
    close: () => pool.end(),
  };
}

class PostgresRateLimiter implements EntrataRateLimiter {
  readonly #store: RateLimiterPostgres;
  readonly #maxWaitMs: number;
  readonly #clock: Clock;
  /** What Entrata's own headers said, per key (this process's answers only). */
  readonly #blockedUntil = new Map<string, number>();
  /** This process's callers per key in order, so a burst cannot overtake a waiting caller. */
  readonly #queues = new Map<string, Promise<void>>();

  constructor(store: RateLimiterPostgres, maxWaitMs: number, clock: Clock) {
    this.#store = store;
    this.#maxWaitMs = maxWaitMs;
    this.#clock = clock;
  }

  acquire(key: string): Promise<void> {
    const turn = (this.#queues.get(key) ?? Promise.resolve()).then(() => this.#take(key));
    this.#queues.set(
      key,
      turn.catch(() => undefined),
    );
    return turn;
  }

  async #take(key: string): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      const blockedFor = Math.max(0, (this.#blockedUntil.get(key) ?? 0) - now);
      const window = Math.floor(now / MINUTE_MS);
      const windowEnd = (window + 1) * MINUTE_MS;
      if (blockedFor === 0) {
        try {
          await this.#store.consume(`${key}@${window}`);
          if (windowEnd - now <= BOUNDARY_GUARD_MS) await this.#store.consume(`${key}@${window + 1}`);
          return;
        } catch (error) {
          // A refusal is a RateLimiterRes; anything else (the database is away) fails the call as it is.
          if (!(error instanceof RateLimiterRes)) throw error;
        }
      }
      const wait = Math.max(blockedFor, windowEnd - now);
      if (wait > this.#maxWaitMs) throw tooLongToWait(key, wait);
      await this.#clock.sleep(wait);
    }
  }

  observe(key: string, windows: RateLimitWindow[]): void {
    const wait = exhaustedWaitMs(windows);
    if (wait > 0) this.block(key, wait);
  }

  block(key: string, ms: number): void {
    this.#blockedUntil.set(key, Math.max(this.#blockedUntil.get(key) ?? 0, this.#clock.now() + ms));
  }
}

import { setTimeout as delay } from 'node:timers/promises';
import { errorText } from './headers.ts';
import type { KafkaClient } from './kafka.ts';
import type { Logger } from './logger.ts';
import { isRowError, MAX_PUBLISH_ATTEMPTS, setAsideRow } from './outbox-failed.ts';
import { type OutboxRow, publishRows } from './publish-rows.ts';
import { inRelayBatch } from './relay-batch.ts';
import type { PgPoolLike, Sql } from './sql.ts';

export interface OutboxRelayOptions {
  kafka: KafkaClient;
  /** The relay's connections (plain pg): each batch is a transaction on one of them, the purge a statement. */
  pool: PgPoolLike;
  logger: Logger;
  /**
   * How often the outbox is polled when nobody calls wake(); default 250 ms. A relay woken by every commit
   * (wakeRelayAfterCommit) and by NOTIFY (OUTBOX_NOTIFY_CHANNEL) needs only a slow safety poll.
   */
  pollMs?: number;
  /**
   * How long a woken relay waits before it reads; default 0. Commits within it share one batch (Kafka's
   * linger.ms idea): fewer, larger batches for the relay and for the consumers downstream, each event that
   * much later. For events nobody waits on by the millisecond (notify's outcomes), not for a hop of the
   * invitation path.
   */
  lingerMs?: number;
  /** Rows published per transaction; default 100. */
  batchSize?: number;
  /** Published rows are deleted after this long; default 7 days. */
  retentionMs?: number;
  /** How often old rows are purged; default hourly. */
  purgeEveryMs?: number;
  /**
   * Runs after a batch was sent to Kafka and before it is marked published. Tests throw here to simulate
   * a crash at the worst moment; production leaves it unset.
   */
  beforeMark?: (eventIds: string[]) => void | Promise<void>;
}

export interface OutboxRelay {
  /** Publish now (call after committing a transaction that added events) instead of at the next poll. */
  wake(): void;
  /** Publishes everything unpublished now; resolves with the count (0 when another relay holds the lock). */
  flush(): Promise<number>;
  /** Stops polling, does a final flush, and resolves when nothing is in flight. */
  stop(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** First retry after a failed flush; doubles up to 10 s. */
const FAILURE_RETRY_MS = 250;

export async function startOutboxRelay(options: OutboxRelayOptions): Promise<OutboxRelay> {
  const { kafka, pool } = options;
  const logger = options.logger.child({ component: 'outbox-relay' });
  const pollMs = options.pollMs ?? 250;
  const lingerMs = options.lingerMs ?? 0;
  const batchSize = options.batchSize ?? 100;
  const retentionMs = options.retentionMs ?? 7 * DAY_MS;
  const purgeEveryMs = options.purgeEveryMs ?? 60 * 60 * 1000;

  let stopped = false;
  let woken = false;
  let wakeWaiter: (() => void) | undefined;
  let lastPurge = 0;
  let consecutiveFailures = 0;
  // Flushes are serialised: an explicit flush() and the loop never publish the same rows concurrently.
  let chain: Promise<unknown> = Promise.resolve();

  const wake = () => {
    woken = true;
    wakeWaiter?.();
  };

  // Row-specific publishing failures so far, by outbox id (see outbox-failed.ts). In memory: the errors
  // counted are deterministic, so a restart costs at most a few more attempts.
  const rowFailures = new Map<string, number>();

  /**
   * Publishes the rows one at a time, to find the one(s) that cannot be published. A failing row counts an
   * attempt and holds its key for the rest of the batch; at the last attempt it is set aside. Stops at the
   * first error that is not the row's own (the broker went away): what was published so far is kept.
   */
  const publishOneByOne = async (sql: Sql, rows: OutboxRow[]) => {
    const published: OutboxRow[] = [];
    const heldKeys = new Set<string>();
    for (const row of rows) {
      const key = `${row.topic}\u0000${row.key}`;
      if (heldKeys.has(key)) continue;
      try {
        await publishRows(kafka, [row]);
        published.push(row);
        rowFailures.delete(row.id);
      } catch (error) {
        if (!isRowError(error)) return { published, interrupted: error };
        heldKeys.add(key);
        const attempts = (rowFailures.get(row.id) ?? 0) + 1;
        const at = { eventId: row.event_id, eventType: row.event_type, topic: row.topic, attempts };
        if (attempts < MAX_PUBLISH_ATTEMPTS) {
          rowFailures.set(row.id, attempts);
          logger.warn(at, `outbox event cannot be published, will try again: ${errorText(error)}`);
          continue;
        }
        rowFailures.delete(row.id);
        if (await setAsideRow(sql, row.id, attempts, errorText(error)))
          logger.error(
            at,
            `outbox event set aside in outbox_failed after ${attempts} attempts (later events of its key are held until support requeues or discards it): ${errorText(error)}`,
          );
      }
    }
    return { published, interrupted: undefined };
  };

  const publishBatch = async (): Promise<{ fetched: number; published: number }> => {
    const result = await inRelayBatch(pool, batchSize, async (rows, sql) => {
      const none = { published: [], result: { fetched: 0, published: 0, interrupted: undefined } };
      if (rows.length === 0) return none;
      let outcome: { published: OutboxRow[]; interrupted: unknown };
      if (rows.some((r) => rowFailures.has(r.id))) outcome = await publishOneByOne(sql, rows);
      else {
        try {
          await publishRows(kafka, rows);
          outcome = { published: rows, interrupted: undefined };
        } catch (error) {
          if (!isRowError(error)) throw error;
          // Some row of the batch cannot be published (others may have been: at least once, consumers
          // de-duplicate): find it instead of retrying the same batch forever.
          outcome = await publishOneByOne(sql, rows);
        }
      }
      const { published, interrupted } = outcome;
      if (published.length > 0) await options.beforeMark?.(published.map((r) => r.event_id));
      return { published, result: { fetched: rows.length, published: published.length, interrupted } };
    });
    // Thrown after the commit: what was published before the broker went away stays marked.
    if (result.interrupted) throw result.interrupted;
    return result;
  };

  const flushAll = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const { fetched, published } = await publishBatch();
      total += published;
      if (fetched < batchSize) return total;
    }
  };

  const flush = (): Promise<number> => {
    const run = chain.then(flushAll);
    chain = run.catch(() => undefined);
    return run;
  };

  const purge = async () => {
    const { rows } = await pool.query(
      `WITH gone AS (DELETE FROM outbox WHERE published_at < now() - $1::double precision * interval '1 millisecond' RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
      [retentionMs],
    );
    const n = (rows[0] as { n: number } | undefined)?.n ?? 0;
    if (n > 0) logger.info({ deleted: n }, 'purged published outbox rows');
  };

  /** Resolves true when woken (or stopped), false when `ms` passed first. */
  const waitForWake = (ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), ms);
      function done(byWake = true) {
        clearTimeout(timer);
        wakeWaiter = undefined;
        resolve(byWake);
      }
      wakeWaiter = done;
    });

  const loop = async () => {
    while (!stopped) {
      woken = false;
      try {
        const published = await flush();
        if (published > 0) logger.debug({ published }, 'published outbox events');
        consecutiveFailures = 0;
        if (Date.now() - lastPurge >= purgeEveryMs) {
          lastPurge = Date.now();
          await purge();
        }
      } catch (error) {
        consecutiveFailures++;
        logger.error(
          { err: error, consecutiveFailures },
          `outbox relay failed, retrying: ${errorText(error)}`,
        );
      }
      if (stopped) continue;
      // Back off while Kafka or the database is down, without waiting longer than 10 s; the retries do not
      // depend on pollMs, which may be a slow safety poll behind LISTEN/NOTIFY.
      const byWake =
        woken ||
        (await waitForWake(
          consecutiveFailures === 0
            ? pollMs
            : Math.min(
                FAILURE_RETRY_MS * 2 ** Math.min(consecutiveFailures - 1, 6),
                Math.max(pollMs, 10_000),
              ),
        ));
      // The wakes of commits during the linger are answered by the batch that follows it.
      if (byWake && lingerMs > 0 && !stopped) await delay(lingerMs);
    }
  };

  const running = loop();
  logger.info({ pollMs, lingerMs, batchSize }, 'outbox relay started');

  let stopping: Promise<void> | undefined;
  return {
    wake,
    flush,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        wakeWaiter?.();
        await running;
        try {
          const published = await flush();
          logger.info({ published }, 'outbox relay stopped after a final flush');
        } catch (error) {
          // Nothing is lost: the rows stay unpublished and the next start publishes them.
          logger.error({ err: error }, `final outbox flush failed: ${errorText(error)}`);
        }
      })();
      return stopping;
    },
  };
}

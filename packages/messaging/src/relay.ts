import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { errorText, eventHeaders } from './headers.ts';
import type { KafkaClient, OutgoingRecord } from './kafka.ts';
import type { Logger } from './logger.ts';
import type { Transactions } from './sql.ts';
import { captureTraceContext, contextFrom, tracer } from './tracing.ts';

export interface OutboxRelayOptions<Tx> {
  kafka: KafkaClient;
  transactions: Transactions<Tx>;
  logger: Logger;
  /** How often the outbox is polled when nobody calls wake(); default 250 ms. */
  pollMs?: number;
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

interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  key: string;
  event_type: string;
  envelope: string;
}

// One relay per database publishes at a time: the outbox of every service lives in its own database, so
// one constant key is enough. (Arbitrary value: "outbox" in ASCII.)
const RELAY_LOCK_KEY = '111124098120';
const DAY_MS = 24 * 60 * 60 * 1000;

export async function startOutboxRelay<Tx>(options: OutboxRelayOptions<Tx>): Promise<OutboxRelay> {
  const { kafka, transactions } = options;
  const logger = options.logger.child({ component: 'outbox-relay' });
  const pollMs = options.pollMs ?? 250;
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

  const publishBatch = async (): Promise<number> =>
    transactions.run(async (tx) => {
      const sql = transactions.sql(tx);
      const [lock] = await sql.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked',
        [RELAY_LOCK_KEY],
      );
      if (!lock?.locked) return 0;
      // `outbox.id`, not the text alias `id`: ordering by the text would publish id 10 before id 9.
      const rows = await sql.query<OutboxRow>(
        `SELECT id::text AS id, event_id::text AS event_id, topic, key, event_type, envelope::text AS envelope
           FROM outbox WHERE published_at IS NULL ORDER BY outbox.id LIMIT $1`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      await publishRows(kafka, rows);
      await options.beforeMark?.(rows.map((r) => r.event_id));
      await sql.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });

  const flushAll = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const published = await publishBatch();
      total += published;
      if (published < batchSize) return total;
    }
  };

  const flush = (): Promise<number> => {
    const run = chain.then(flushAll);
    chain = run.catch(() => undefined);
    return run;
  };

  const purge = async () => {
    const deleted = await transactions.sql().query<{ n: number }>(
      `WITH gone AS (DELETE FROM outbox WHERE published_at < now() - $1::double precision * interval '1 millisecond' RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
      [retentionMs],
    );
    const n = deleted[0]?.n ?? 0;
    if (n > 0) logger.info({ deleted: n }, 'purged published outbox rows');
  };

  const waitForWake = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeWaiter = undefined;
        resolve();
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
      if (stopped || woken) continue;
      // Back off while Kafka or the database is down, without waiting longer than 10 s.
      await waitForWake(Math.min(pollMs * 2 ** Math.min(consecutiveFailures, 6), Math.max(pollMs, 10_000)));
    }
  };

  const running = loop();
  logger.info({ pollMs, batchSize }, 'outbox relay started');

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

async function publishRows(kafka: KafkaClient, rows: OutboxRow[]): Promise<void> {
  const spans: Span[] = [];
  const records: OutgoingRecord[] = rows.map((row) => {
    const envelope = JSON.parse(row.envelope) as {
      id: string;
      type: string;
      version: number;
      traceparent?: string;
      tracestate?: string;
    };
    const topic = kafka.topicName({ name: row.topic });
    // The PRODUCER span continues the trace the event was created in (captured in the envelope).
    const span = tracer.startSpan(
      `send ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.destination.name': topic,
          'messaging.message.id': row.event_id,
          'messaging.kafka.message.key': row.key,
          'autoverify.event_type': row.event_type,
        },
      },
      contextFrom(envelope),
    );
    spans.push(span);
    return {
      topic,
      key: row.key,
      value: row.envelope,
      headers: eventHeaders(envelope, captureTraceContext(trace.setSpan(contextFrom(envelope), span))),
    };
  });
  try {
    await kafka.publishRaw(records);
  } catch (error) {
    for (const span of spans) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorText(error) });
    }
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}

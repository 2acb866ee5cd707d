import { AsyncLocalStorage } from 'node:async_hooks';
import type { TopicDefinition } from '@autoverify/contracts';
import { createTestDatabase, type TestDatabase, type TestKafka, testKafka } from '@autoverify/testing';
import {
  type Context,
  type ContextManager,
  context,
  propagation,
  ROOT_CONTEXT,
  type TextMapPropagator,
  trace,
} from '@opentelemetry/api';
import pg from 'pg';
import {
  createKafka,
  ensureTopics,
  type KafkaClient,
  type Logger,
  messagingTablesSql,
  pgTransactions,
  type Transactions,
} from '../src/index.ts';

export interface LogEntry {
  level: string;
  msg: string | undefined;
  [field: string]: unknown;
}

/** Records log lines for assertions; prints them too when LOG_TESTS=1. */
export function recordingLogger(
  bindings: Record<string, unknown> = {},
  entries: LogEntry[] = [],
): Logger & { entries: LogEntry[] } {
  const write = (level: string) => (obj: object, msg?: string) => {
    const entry = { ...bindings, ...obj, level, msg };
    entries.push(entry);
    if (process.env.LOG_TESTS === '1')
      console.log(JSON.stringify(entry, (_k, v) => (v instanceof Error ? v.message : v)));
  };
  return {
    entries,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => recordingLogger({ ...bindings, ...more }, entries),
  };
}

export interface Harness {
  kafka: KafkaClient;
  testKafka: TestKafka;
  database: TestDatabase;
  pool: pg.Pool;
  transactions: Transactions<pg.PoolClient>;
  logger: ReturnType<typeof recordingLogger>;
  close(): Promise<void>;
}

/** A fresh database with the outbox/inbox tables (plus `extraSql`), a Kafka namespace and its topics. */
export async function startHarness(
  topics: Pick<TopicDefinition, 'name' | 'partitions' | 'retentionMs'>[],
  extraSql = '',
): Promise<Harness> {
  const database = await createTestDatabase('messaging');
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  await pool.query(messagingTablesSql + extraSql);
  const tk = await testKafka({ prefix: 'messaging' });
  const logger = recordingLogger();
  const kafka = createKafka({
    brokers: tk.brokers,
    clientId: 'messaging-tests',
    namespace: tk.namespace,
    logger,
  });
  await ensureTopics(kafka, topics);
  return {
    kafka,
    testKafka: tk,
    database,
    pool,
    transactions: pgTransactions(pool),
    logger,
    async close() {
      await kafka.disconnect();
      await endPool(pool);
      await database.drop();
      await tk.cleanup();
    },
  };
}

/**
 * pg's Pool.end() resolves before its clients' sockets are closed; dropping the database (which ends
 * connections by force) right then makes those clients emit unhandled errors. Wait for every one.
 */
async function endPool(pool: pg.Pool): Promise<void> {
  const open = pool.totalCount;
  let removed = 0;
  const allRemoved = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      if (++removed >= open) resolve();
    });
  });
  await pool.end();
  await allRemoved;
}

/** W3C trace-context propagation, as the telemetry SDK registers it (kept here to need no more packages). */
const w3cPropagator: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const span = trace.getSpanContext(ctx);
    if (!span || !trace.isSpanContextValid(span)) return;
    setter.set(
      carrier,
      'traceparent',
      `00-${span.traceId}-${span.spanId}-0${(span.traceFlags & 1).toString(16)}`,
    );
    const state = span.traceState?.serialize();
    if (state) setter.set(carrier, 'tracestate', state);
  },
  extract(ctx, carrier, getter) {
    const header = getter.get(carrier, 'traceparent');
    const value = Array.isArray(header) ? header[0] : header;
    const [, traceId, spanId, flags] =
      (value && /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value)) || [];
    if (!traceId || !spanId || !flags) return ctx;
    return trace.setSpanContext(ctx, {
      traceId,
      spanId,
      traceFlags: Number.parseInt(flags, 16),
      isRemote: true,
    });
  },
  fields: () => ['traceparent', 'tracestate'],
};

/** AsyncLocalStorage context manager, as the Node SDK registers it. */
class AsyncContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

export function registerTracingGlobals(): void {
  context.setGlobalContextManager(new AsyncContextManager());
  propagation.setGlobalPropagator(w3cPropagator);
}

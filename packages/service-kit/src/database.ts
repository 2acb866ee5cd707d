import type { EventDefinition, EventOf, PayloadOf } from '@autoverify/contracts';
import {
  addEventsIfChanged,
  type EventMeta,
  Outbox,
  type PgClientLike,
  type PgPoolLike,
  pgTransactions,
  type SqlText,
  type Transactions,
} from '@autoverify/messaging';

/** One statement as a tagged template: `${values}` become bind parameters ($1, $2, ...); resolves to its rows. */
export type Statement = <Row>(strings: TemplateStringsArray, ...values: unknown[]) => Promise<Row[]>;

/** A statement as a tagged template, not run: its text with numbered bind parameters and their values. */
export const sqlText = (strings: TemplateStringsArray, ...values: unknown[]): SqlText => ({
  text: strings.reduce((sql, part, i) => `${sql}$${i}${part}`),
  values,
});

/**
 * A plain-pg transaction: its statements and the events that commit with them. `db.transaction` runs one;
 * so does the consumer of a service whose parts say `consumerTransactions: 'sql'` (service.ts).
 */
export interface SqlTransaction {
  /** One statement in this transaction. */
  readonly sql: Statement;
  /** ctx.outbox's add, addMany and addEach, in this transaction: the events are written with the statements or not at all. */
  readonly outbox: {
    add<D extends EventDefinition>(def: D, payload: PayloadOf<D>, meta: EventMeta): Promise<EventOf<D>>;
    addMany<D extends EventDefinition>(
      def: D,
      payloads: readonly PayloadOf<D>[],
      meta: EventMeta,
    ): Promise<EventOf<D>[]>;
    addEach<D extends EventDefinition>(
      def: D,
      items: readonly { payload: PayloadOf<D>; meta: EventMeta }[],
    ): Promise<EventOf<D>[]>;
  };
  /** pg's own query on the transaction's connection, for what takes a connection: `ctx.jobs.send(..., { tx })`. */
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * ctx.db: the one way a service reaches its database. Store functions take a `tx` first; pass them the tx
 * of `run` for writes, or `client` for reads outside a transaction.
 */
export interface Database<Tx> {
  /** The service's Prisma client, typed as its transaction client: reads only, no $transaction. */
  readonly client: Tx;
  /**
   * Runs fn in one Prisma interactive transaction (30 s time-out, 10 s to get a connection): committed when
   * fn resolves, rolled back when it throws. After a commit in which ctx.outbox added events, the relay is
   * woken so they go out at once.
   */
  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * ONE statement through plain pg (a pool of its own), outside any transaction: for a hot path whose whole
   * write is one statement (docs/architecture.md "Data access rules"). Prisma's client costs more CPU than
   * the statement there (a webhook's INSERT: e2e/bench/README.md).
   */
  readonly sql: Statement;
  /**
   * Runs fn in one plain-pg transaction on `sql`'s pool: committed when fn resolves, rolled back when it
   * throws. For a hot path whose few statements must commit together, with its events (docs/architecture.md
   * "Data access rules"): each statement costs a fraction of one through Prisma's interactive transaction
   * (notify's outcomes: e2e/bench/README.md h-notifysql). A commit in which events were added wakes the relay,
   * as `run`'s does (the same wake-up and NOTIFY origin). A transaction idle for 30 s between its statements
   * is ended by the server (start-service.ts).
   */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /**
   * ONE statement on `sql`'s pool, outside any transaction: `change` (sqlText, a data-modifying statement
   * with RETURNING) and, only if it returned a row, the events (messaging's addEventsIfChanged); true when it
   * did. For a hot path whose state change is one statement: no BEGIN and COMMIT round trips (notify's
   * NotificationSent).
   */
  changeWithEvents<D extends EventDefinition>(
    change: SqlText,
    def: D,
    payloads: readonly PayloadOf<D>[],
    meta: EventMeta,
  ): Promise<boolean>;
}

export function databaseOf<Tx>(
  client: Tx,
  transactions: Transactions<Tx>,
  sqlTransactions: Transactions<SqlTransaction>,
  pool: PgPoolLike,
): Database<Tx> {
  return {
    client,
    run: (fn) => transactions.run(fn),
    sql: statementOn(pool),
    transaction: (fn) => sqlTransactions.run(fn),
    changeWithEvents: (change, def, payloads, meta) =>
      addEventsIfChanged(
        { query: async (text, values) => (await pool.query(text, values)).rows as never[] },
        change,
        def,
        payloads,
        meta,
      ),
  };
}

/**
 * Transactions on plain pg whose tx is a SqlTransaction, for db.transaction and a consumer on plain pg.
 * `withRelayWake` wraps the connection-level runner so that commits which added events wake the relay as
 * the Prisma runner's do (event-service.ts).
 */
export function sqlTransactionsOn(
  pool: PgPoolLike,
  withRelayWake: <T>(other: Transactions<T>) => Transactions<T>,
): Transactions<SqlTransaction> {
  const connections = withRelayWake(pgTransactions(pool));
  const outbox = new Outbox<PgClientLike>(connections);
  const connectionOf = new WeakMap<SqlTransaction, PgClientLike>();
  const open = (connection: PgClientLike): SqlTransaction => {
    const tx: SqlTransaction = {
      sql: statementOn(connection),
      outbox: {
        add: (def, payload, meta) => outbox.add(connection, def, payload, meta),
        addMany: (def, payloads, meta) => outbox.addMany(connection, def, payloads, meta),
        addEach: (def, items) => outbox.addEach(connection, def, items),
      },
      query: (text, values) => connection.query(text, values),
    };
    connectionOf.set(tx, connection);
    return tx;
  };
  return {
    run: (fn) => connections.run((connection) => fn(open(connection))),
    sql: (tx) => connections.sql(tx && connectionOf.get(tx)),
    // The consumer's Outbox adds through these transactions: the connection is what the relay wake tracks.
    outboxAdded(tx) {
      const connection = connectionOf.get(tx);
      if (connection) connections.outboxAdded?.(connection);
    },
    ...(connections.notifyOrigin ? { notifyOrigin: connections.notifyOrigin } : {}),
  };
}

function statementOn(on: {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}): Statement {
  return async <Row>(strings: TemplateStringsArray, ...values: unknown[]) => {
    const { text } = sqlText(strings, ...values);
    return (await on.query(text, values)).rows as Row[];
  };
}

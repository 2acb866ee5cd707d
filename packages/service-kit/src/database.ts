import type { Transactions } from '@autoverify/messaging';

/** One statement as a tagged template: `${values}` become bind parameters ($1, $2, ...); resolves to its rows. */
export type Statement = <Row>(strings: TemplateStringsArray, ...values: unknown[]) => Promise<Row[]>;

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
}

/** What `sql` runs on: a pg pool (its `query` with bind parameters). */
export interface StatementPool {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

export function databaseOf<Tx>(
  client: Tx,
  transactions: Transactions<Tx>,
  pool: StatementPool,
): Database<Tx> {
  return { client, run: (fn) => transactions.run(fn), sql: statementOn(pool) };
}

function statementOn(pool: StatementPool): Statement {
  return async <Row>(strings: TemplateStringsArray, ...values: unknown[]) => {
    const text = strings.reduce((sql, part, i) => `${sql}$${i}${part}`);
    return (await pool.query(text, values)).rows as Row[];
  };
}

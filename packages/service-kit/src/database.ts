import type { Transactions } from '@autoverify/messaging';

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
}

export function databaseOf<Tx>(client: Tx, transactions: Transactions<Tx>): Database<Tx> {
  return { client, run: (fn) => transactions.run(fn) };
}

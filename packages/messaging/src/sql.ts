import { randomUUID } from 'node:crypto';

/**
 * Database access for the outbox, inbox and handlers, independent of Prisma so the package can be used
 * (and tested) with plain `pg` as well.
 */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Transactions<Tx> {
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** SQL bound to tx, or to the pool/client outside any transaction when tx is omitted. */
  sql(tx?: Tx): Sql;
  /** Told by the Outbox that tx added an event (see wakeRelayAfterCommit). */
  outboxAdded?(tx: Tx): void;
  /**
   * The payload of the NOTIFY an outbox insert through these transactions sends (see wakeRelayAfterCommit);
   * unset: an empty payload.
   */
  readonly notifyOrigin?: string;
}

/**
 * The same transactions, except that a transaction that added outbox events wakes the relay when it ends,
 * so the events go out at once instead of at its next poll. The consumer and service-kit's transaction
 * runner both use it: no use case wakes the relay by hand.
 *
 * Their outbox inserts NOTIFY with `notifyOrigin`, a token of this wrapper alone: the relay's LISTEN in the
 * same process skips NOTIFYs carrying it (isOwnNotify), because the direct wake already covered that
 * commit. Both used to wake it, so every commit cost a second, empty relay transaction, and a commit
 * arriving meanwhile waited for it.
 */
export function wakeRelayAfterCommit<Tx>(
  transactions: Transactions<Tx>,
  relay: { wake(): void },
  /**
   * Another runner of the same process passes the first one's `notifyOrigin`, so the relay's LISTEN (which
   * checks one origin) skips the commits of both (service-kit's ctx.db.transaction beside ctx.db.run).
   */
  notifyOrigin: string = randomUUID(),
): Transactions<Tx> {
  // Keyed by the transaction client itself: Prisma and pg hand the same object to everything in one transaction.
  const added = new WeakSet<object>();
  return {
    async run(fn) {
      let current: Tx | undefined;
      try {
        return await transactions.run((tx) => {
          current = tx;
          return fn(tx);
        });
      } finally {
        // Also when run throws: a COMMIT whose answer was lost may have committed, and this process ignores
        // its own NOTIFY. After a rollback the relay finds nothing, which costs one empty batch.
        if (isObject(current) && added.delete(current)) relay.wake();
      }
    },
    sql: (tx) => transactions.sql(tx),
    outboxAdded(tx) {
      if (isObject(tx)) added.add(tx);
    },
    notifyOrigin,
  };
}

/** Whether a NOTIFY on OUTBOX_NOTIFY_CHANNEL came from these transactions' own commits (already woken for). */
export const isOwnNotify = (transactions: Transactions<unknown>, payload: string | undefined): boolean =>
  transactions.notifyOrigin !== undefined && payload === transactions.notifyOrigin;

const isObject = (value: unknown): value is object =>
  (typeof value === 'object' || typeof value === 'function') && value !== null;

// ---- Prisma ------------------------------------------------------------------------------------

/** The part of a Prisma interactive-transaction client that messaging uses. */
export interface PrismaTx {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** The part of a PrismaClient that messaging uses (structural, so no generated client is needed here). */
export interface PrismaLike<Tx extends PrismaTx> extends PrismaTx {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

export interface PrismaTransactionOptions {
  /** Prisma's interactive transactions time out after 5 s by default; a relay batch may take longer. */
  timeoutMs?: number;
  maxWaitMs?: number;
}

export function prismaTransactions<Tx extends PrismaTx>(
  prisma: PrismaLike<Tx>,
  options: PrismaTransactionOptions = {},
): Transactions<Tx> {
  const timeout = options.timeoutMs ?? 30_000;
  const maxWait = options.maxWaitMs ?? 10_000;
  const sqlOf = (client: PrismaTx): Sql => ({
    query: async <T>(text: string, params: unknown[] = []) =>
      (await client.$queryRawUnsafe<T[]>(text, ...params)) ?? [],
  });
  return {
    run: (fn) => prisma.$transaction(fn, { timeout, maxWait }),
    sql: (tx) => sqlOf(tx ?? prisma),
  };
}

// ---- pg ------------------------------------------------------------------------------------------

/** Structural subset of pg.PoolClient. */
export interface PgClientLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  release(destroy?: boolean | Error): void;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/** Structural subset of pg.Pool. */
export interface PgPoolLike {
  connect(): Promise<PgClientLike>;
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

export function pgTransactions<C extends PgClientLike = PgClientLike>(pool: {
  connect(): Promise<C>;
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}): Transactions<C> {
  return {
    run: (fn) =>
      inPgTransaction(pool, async (client) => {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      }),
    sql: (tx) => pgSql(tx ?? pool),
  };
}

/** messaging's Sql over a pg client or pool. */
export const pgSql = (client: {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}): Sql => ({
  query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[],
});

/**
 * Runs `transaction` on a connection of the pool: it opens the transaction (BEGIN) and ends it (COMMIT) itself,
 * each perhaps in one round trip with other statements; it is rolled back when `transaction` throws.
 */
export async function inPgTransaction<C extends PgClientLike, T>(
  pool: { connect(): Promise<C> },
  transaction: (client: C) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // pg's pool listens for a client's errors only while it is idle. A checked-out client whose connection
  // fails between two statements (the server restarted: "terminating connection due to administrator
  // command") emits 'error', and an unheard 'error' ends the process. Heard here, the transaction's next
  // statement fails instead, and the connection is destroyed on release.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on?.('error', onError);
  try {
    return await transaction(client);
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // A connection that cannot roll back must not go back to the pool.
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.removeListener?.('error', onError);
    client.release(broken);
  }
}

import { selectPublishable } from './outbox-failed.ts';
import type { OutboxRow } from './publish-rows.ts';
import { inPgTransaction, type PgPoolLike, pgSql, type Sql } from './sql.ts';

// One relay per database publishes at a time: the outbox of every service lives in its own database, so
// one constant key is enough. (Arbitrary value: "outbox" in ASCII.)
const RELAY_LOCK_KEY = 111124098120;
/** The transaction-local setting that tells selectPublishable whether this transaction holds the lock. */
const LOCKED_SETTING = 'autoverify.relay_locked';

/** What a batch's publishing resolves with: the rows to mark published, and the caller's result. */
export interface BatchOutcome<T> {
  published: readonly OutboxRow[];
  result: T;
}

/**
 * One relay batch in its transaction, which holds the relay's lock from before the rows are read until they
 * are marked: `publish` gets the unpublished rows (none when another relay holds the lock) and a Sql inside
 * the transaction, and the rows it returns are marked published at commit. A throw rolls everything back.
 *
 * Two round trips instead of five (BEGIN, lock, read; publish; mark, COMMIT), each a simple-protocol query of
 * several statements. The read is a statement of its own after the lock's, so its snapshot is taken once the
 * lock is held and sees the marks of the relay that held it before: a read in the lock's own statement would
 * not, and would publish that relay's batch again. The lock's outcome reaches the read through a setting local
 * to the transaction (selectPublishable's guard). The marked ids are our own bigints, written into the text.
 */
export async function inRelayBatch<T>(
  pool: PgPoolLike,
  batchSize: number,
  publish: (rows: OutboxRow[], sql: Sql) => Promise<BatchOutcome<T>>,
): Promise<T> {
  return inPgTransaction(pool, async (client) => {
    const rows = lastRows<OutboxRow>(
      await client.query(
        `BEGIN;
         SELECT set_config('${LOCKED_SETTING}', pg_try_advisory_xact_lock(${RELAY_LOCK_KEY})::text, true);
         ${selectPublishable(batchSize, LOCKED_SETTING)}`,
      ),
    );
    const { published, result } = await publish(rows, pgSql(client));
    await client.query(`${markPublished(published)}COMMIT`);
    return result;
  });
}

function markPublished(rows: readonly OutboxRow[]): string {
  if (rows.length === 0) return '';
  const ids = rows.map(({ id }) => {
    if (!/^\d{1,19}$/.test(id)) throw new Error(`outbox id "${id}" is not a bigint`);
    return id;
  });
  return `UPDATE outbox SET published_at = now() WHERE id = ANY('{${ids.join(',')}}'::bigint[]);`;
}

/** The rows of a simple-protocol query's last statement (pg answers several statements with a list). */
function lastRows<R>(answer: { rows: unknown[] } | { rows: unknown[] }[]): R[] {
  const last = Array.isArray(answer) ? answer[answer.length - 1] : answer;
  return (last?.rows ?? []) as R[];
}

import type { Sql } from './sql.ts';

/**
 * Erasure in the outbox tables: published rows (kept 7 days for support, then purged by the relay) and
 * rows set aside in outbox_failed whose envelope names the applicant are deleted. Unpublished rows are left
 * to go out: they are sealed on Kafka and other services erase what they carry.
 */
export async function eraseFromOutbox(sql: Sql, applicantId: string): Promise<Record<string, number>> {
  // SQL: the envelope is JSON of any event type; the id is matched as a whole JSON string value.
  const needle = `%${JSON.stringify(applicantId)}%`;
  const [published] = await sql.query<{ n: number }>(
    `WITH gone AS (DELETE FROM outbox WHERE published_at IS NOT NULL AND envelope::text LIKE $1 RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
    [needle],
  );
  const [failed] = await sql.query<{ n: number }>(
    'WITH gone AS (DELETE FROM outbox_failed WHERE envelope::text LIKE $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
    [needle],
  );
  return { outbox: published?.n ?? 0, outbox_failed: failed?.n ?? 0 };
}

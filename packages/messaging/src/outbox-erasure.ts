import type { Sql } from './sql.ts';

/**
 * Erasure in the outbox tables. Published rows are only copies kept 7 days for support (then purged by
 * the relay): those of the applicant's application go, as some events name a person without their id (a
 * report's file name). Rows set aside in outbox_failed go when they name the applicant: the others were
 * never delivered and stay for support. Unpublished rows are left to go out (sealed on Kafka).
 */
export async function eraseFromOutbox(
  sql: Sql,
  ids: { applicationId: string; applicantId: string },
): Promise<Record<string, number>> {
  // SQL: the envelope is JSON of any event type; the id is matched as a whole JSON string value.
  const naming = `%${JSON.stringify(ids.applicantId)}%`;
  const [published] = await sql.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM outbox WHERE published_at IS NOT NULL
         AND (envelope->>'correlationId' = $1 OR envelope::text LIKE $2) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [ids.applicationId, naming],
  );
  const [failed] = await sql.query<{ n: number }>(
    'WITH gone AS (DELETE FROM outbox_failed WHERE envelope::text LIKE $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
    [naming],
  );
  return { outbox: published?.n ?? 0, outbox_failed: failed?.n ?? 0 };
}

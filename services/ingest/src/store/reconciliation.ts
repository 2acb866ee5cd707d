/**
 * When each tenant's reconciliation poll is due, and how the last one went. Plain pg (a Statement): the
 * scheduler's tick runs every few seconds in every worker, and through Prisma it alone kept Prisma's query
 * engine loaded (and its CPU busy) in a process that is otherwise idle.
 */
import type { Statement } from '@autoverify/service-kit';

/**
 * Claims the tenant's poll when it is due (creating its schedule row at first), moving the next one
 * `intervalMs` ahead: true for exactly one replica per interval. Answers how long until it is due next, both
 * in the database's clock (replicas compare one clock).
 */
export async function claimDuePoll(
  sql: Statement,
  tenantId: string,
  intervalMs: number,
): Promise<{ claimed: boolean; nextDueInMs: number }> {
  await sql`
    INSERT INTO reconciliation_state (tenant_id, next_run_at) VALUES (${tenantId}, 'epoch')
    ON CONFLICT DO NOTHING`;
  // SQL: a conditional UPDATE ... RETURNING, and the next due time from the same snapshot.
  const [poll] = await sql<{ claimed: boolean; next_due_in_ms: number }>`
    WITH claimed AS (
      UPDATE reconciliation_state
         SET next_run_at = now() + make_interval(secs => ${intervalMs / 1000}::float8), last_run_at = now()
       WHERE tenant_id = ${tenantId} AND next_run_at <= now()
      RETURNING next_run_at)
    SELECT EXISTS (SELECT 1 FROM claimed) AS claimed,
           (EXTRACT(EPOCH FROM COALESCE((SELECT next_run_at FROM claimed), s.next_run_at) - now()) * 1000)::float8
             AS next_due_in_ms
      FROM reconciliation_state s
     WHERE s.tenant_id = ${tenantId}`;
  if (!poll) throw new Error(`reconciliation_state has no row for tenant ${tenantId}`);
  return { claimed: poll.claimed, nextDueInMs: poll.next_due_in_ms };
}

export async function recordPollFinished(
  sql: Statement,
  tenantId: string,
  outcome: { at: Date; found: number; error: string | null },
): Promise<void> {
  await sql`
    UPDATE reconciliation_state
       SET last_finished_at = ${outcome.at}::timestamptz, last_found = ${outcome.found}::int,
           last_error = ${outcome.error}
     WHERE tenant_id = ${tenantId}`;
}

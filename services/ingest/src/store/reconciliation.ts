/** When each tenant's reconciliation poll is due, and how the last one went. */
import type { Tx } from '../db.ts';

/**
 * Claims the tenant's poll if it is due (creating its schedule row at first), moving the next one
 * `intervalMs` ahead. True for exactly one replica per interval.
 */
/**
 * Claims the tenant's poll when it is due, and answers how long until it is due next, both in the
 * database's clock (replicas compare one clock).
 */
export async function claimDuePoll(
  tx: Tx,
  tenantId: string,
  intervalMs: number,
): Promise<{ claimed: boolean; nextDueInMs: number }> {
  await tx.reconciliationState.createMany({
    data: [{ tenantId, nextRunAt: new Date(0) }],
    skipDuplicates: true,
  });
  // SQL: a conditional UPDATE ... RETURNING, and the next due time from the same snapshot.
  const [poll] = await tx.$queryRaw<{ claimed: boolean; next_due_in_ms: number }[]>`
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

export const recordPollFinished = (
  tx: Tx,
  tenantId: string,
  outcome: { at: Date; found: number; error: string | null },
) =>
  tx.reconciliationState.updateMany({
    where: { tenantId },
    data: { lastFinishedAt: outcome.at, lastFound: outcome.found, lastError: outcome.error },
  });

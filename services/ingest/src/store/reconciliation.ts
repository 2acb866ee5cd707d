/** When each tenant's reconciliation poll is due, and how the last one went. */
import type { Tx } from '../db.ts';

/**
 * Claims the tenant's poll if it is due (creating its schedule row at first), moving the next one
 * `intervalMs` ahead. True for exactly one replica per interval.
 */
export async function claimDuePoll(tx: Tx, tenantId: string, intervalMs: number): Promise<boolean> {
  await tx.reconciliationState.createMany({
    data: [{ tenantId, nextRunAt: new Date(0) }],
    skipDuplicates: true,
  });
  // SQL: a conditional UPDATE ... RETURNING in the database's clock (replicas compare one clock).
  const claimed = await tx.$queryRaw<{ tenant_id: string }[]>`
    UPDATE reconciliation_state
       SET next_run_at = now() + make_interval(secs => ${intervalMs / 1000}::float8), last_run_at = now()
     WHERE tenant_id = ${tenantId} AND next_run_at <= now()
    RETURNING tenant_id`;
  return claimed.length > 0;
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

/**
 * The two ways a sync run ends for good, each a state change and its event in one transaction: synced
 * (ReportSynced) or failed (ReportSyncFailed, which support sees and can retry). A transient failure only
 * releases the claim: the queue runs the job again.
 */
import { type PayloadOf, ReportSynced, ReportSyncFailed } from '@autoverify/contracts';
import type { Logger } from '@autoverify/messaging';
import { counterOf } from '@autoverify/telemetry';
import type { FailureOutcome } from '../domain/sync-decision.ts';
import type { ReportSyncContext } from '../service.ts';
import { markFailed, markRetry, markSynced, type ReportRow } from '../store.ts';

/** An outcome follows the application's events and is caused by the ReportCompleted that brought the report. */
/** Sync runs by outcome (synced, retry, failed) and failure reason: the sync-failure alert's source. */
const countSync = (ctx: ReportSyncContext, outcome: string, reason = 'none') =>
  counterOf(ctx.meter, 'autoverify.reports.syncs', 'Report sync runs by outcome and reason').add(1, {
    outcome,
    reason,
  });

const eventMeta = (row: ReportRow) => ({
  tenantId: row.tenantId,
  correlationId: row.applicationId,
  causationId: row.sourceEventId,
});

export async function recordSynced(
  ctx: ReportSyncContext,
  claimed: ReportRow,
  upload: { entrataFileId: string | undefined; fileName: string },
  log: Logger,
  how: string,
): Promise<void> {
  const done = await ctx.db.run(async (tx) => {
    const row = await markSynced(tx, claimed.reportId, { ...upload, at: ctx.clock.now() });
    if (!row) return undefined;
    const payload: PayloadOf<typeof ReportSynced> = {
      applicationId: row.applicationId,
      entrataApplicationId: row.entrataApplicationId,
      reportId: row.reportId,
      reportType: row.reportType,
      entrataFileId: upload.entrataFileId ?? '',
      fileName: upload.fileName,
      attempts: row.attempts,
    };
    await ctx.outbox.add(tx, ReportSynced, payload, eventMeta(row));
    return row;
  });
  if (done) countSync(ctx, 'synced');
  if (done)
    log.info(
      { entrataFileId: upload.entrataFileId, attempts: done.attempts, how },
      'report synced to Entrata',
    );
}

export async function recordFailure(
  ctx: ReportSyncContext,
  claimed: ReportRow,
  outcome: FailureOutcome,
  log: Logger,
): Promise<void> {
  const update = {
    reason: outcome.reason,
    uploadUnconfirmed: outcome.uploadUnconfirmed,
    invalidPdfCount: outcome.invalidPdfCount,
  };
  if (outcome.action === 'retry') {
    await ctx.db.run((tx) => markRetry(tx, claimed.reportId, update));
    countSync(ctx, 'retry', outcome.reason);
    log.warn(
      { reason: outcome.reason, uploadUnconfirmed: outcome.uploadUnconfirmed },
      'report sync failed: will retry',
    );
    return;
  }
  const failed = await ctx.db.run(async (tx) => {
    const row = await markFailed(tx, claimed.reportId, update);
    if (!row) return undefined;
    const payload: PayloadOf<typeof ReportSyncFailed> = {
      applicationId: row.applicationId,
      reportId: row.reportId,
      reportType: row.reportType,
      reason: outcome.reason,
      attempts: row.attempts,
    };
    await ctx.outbox.add(tx, ReportSyncFailed, payload, eventMeta(row));
    return row;
  });
  if (failed) countSync(ctx, 'failed', outcome.reason);
  if (failed)
    log.error(
      { reason: outcome.reason, attempts: failed.attempts },
      'report sync failed: support can retry it',
    );
}

import { ReportCompleted } from '@autoverify/contracts';
import { type Handler, handle } from '@autoverify/messaging';
import type { Tx } from '../db.ts';
import type { ReportSyncContext } from '../service.ts';
import { insertReport } from '../store.ts';

/**
 * Stores the report and enqueues its sync in the consumer's transaction. The platform's report id is the
 * key: a redelivery, a replay with a new event id, or a second REPORT_READY finds the row and does nothing.
 */
export function reportCompletedHandler(ctx: ReportSyncContext): Handler<Tx> {
  return handle(ReportCompleted, async (event, tx: Tx, { logger }) => {
    const p = event.payload;
    const inserted = await insertReport(tx, {
      reportId: p.reportId,
      tenantId: event.tenantId,
      applicationId: p.applicationId,
      entrataApplicationId: p.entrataApplicationId,
      propertyId: p.propertyId,
      applicantGroupId: p.applicantGroupId,
      reportType: p.reportType,
      scope: p.scope,
      applicantIds: p.applicantIds,
      entrataCustomerIds: p.entrataCustomerIds,
      sourceEventId: event.id,
    });
    if (!inserted) {
      logger.info(
        { reportId: p.reportId, applicationId: p.applicationId },
        'report already known: no new sync',
      );
      return;
    }
    await ctx.jobs.send(ctx.syncReport, { reportId: p.reportId }, { tx, key: p.reportId });
    logger.info(
      { reportId: p.reportId, applicationId: p.applicationId, reportType: p.reportType },
      'report queued for Entrata',
    );
  });
}

import { ReportCompleted } from '@autoverify/contracts';
import { handle, type Transactions } from '@autoverify/messaging';
import { insertReport } from '../store.ts';
import { enqueueSync, type JobRetry, type JobSender } from './ports.ts';

export interface ReportCompletedDeps<Tx> {
  transactions: Transactions<Tx>;
  jobs: JobSender;
  retry: JobRetry;
}

/**
 * Stores the report and enqueues its sync in the consumer's transaction. The platform's report id is the
 * key: a redelivery, a replay with a new event id, or a second REPORT_READY finds the row and does nothing.
 */
export function reportCompletedHandler<Tx>(deps: ReportCompletedDeps<Tx>) {
  return handle(ReportCompleted, async (event, tx, ctx) => {
    const p = event.payload;
    const inserted = await insertReport(deps.transactions.sql(tx), {
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
      ctx.logger.info(
        { reportId: p.reportId, applicationId: p.applicationId },
        'report already known: no new sync',
      );
      return;
    }
    await enqueueSync(deps.jobs, tx, p.reportId, deps.retry);
    ctx.logger.info(
      { reportId: p.reportId, applicationId: p.applicationId, reportType: p.reportType },
      'report queued for Entrata',
    );
  });
}

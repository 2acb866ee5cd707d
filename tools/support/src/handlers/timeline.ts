import { ApplicantErasureRequested, allEvents } from '@autoverify/contracts';
import { type Handler, handle } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import { eraseTimeline } from '../console/erasures.ts';
import { recordTimelineEvent } from '../store.ts';

/**
 * One handler per event type of the registry: each stores the event in the timeline projection. An erasure
 * request is stored too (the audit trail) and erases the applicant's events from the timeline in the same
 * transaction.
 */
export function timelineHandlers(): Handler<SqlTransaction>[] {
  return allEvents().map((definition) =>
    handle(definition, async (event, tx: SqlTransaction, ctx) => {
      await recordTimelineEvent(tx.sql, event, ctx.message);
      if (event.type !== ApplicantErasureRequested.type) return;
      const { applicationId, applicantId } = event.payload as { applicationId: string; applicantId: string };
      const erased = await eraseTimeline(tx.sql, { tenantId: event.tenantId, applicationId, applicantId });
      ctx.logger.info({ applicantId, erased }, 'applicant erased from the timeline');
    }),
  );
}

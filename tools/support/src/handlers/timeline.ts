import { ApplicantErasureRequested, allEvents } from '@autoverify/contracts';
import { type Handler, handle } from '@autoverify/messaging';
import { eraseTimeline } from '../console/erasures.ts';
import type { Tx } from '../db.ts';
import { recordTimelineEvent } from '../store.ts';

/**
 * One handler per event type of the registry: each stores the event in the timeline projection. An erasure
 * request is stored too (the audit trail) and erases the applicant's events from the timeline in the same
 * transaction.
 */
export function timelineHandlers(): Handler<Tx>[] {
  return allEvents().map((definition) =>
    handle(definition, async (event, tx: Tx, ctx) => {
      await recordTimelineEvent(tx, event, ctx.message);
      if (event.type !== ApplicantErasureRequested.type) return;
      const { applicationId, applicantId } = event.payload as { applicationId: string; applicantId: string };
      const erased = await eraseTimeline(tx, { tenantId: event.tenantId, applicationId, applicantId });
      ctx.logger.info({ applicantId, erased }, 'applicant erased from the timeline');
    }),
  );
}

import { ApplicantErasureRequested, allEvents } from '@autoverify/contracts';
import { type BatchItem, type Handler, handleBatched } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import { eraseTimeline } from '../console/erasures.ts';
import { recordTimelineEvents, timelineInsert } from '../store.ts';

/**
 * Handlers of every event type of the registry: each event is stored in the timeline projection, a run of
 * events with their inbox claim in one statement (messaging's Projection). An erasure request is stored too
 * (the audit trail) and erases the applicant's events from the timeline in the same transaction, after the
 * events before it and before the ones after it, as if they had come one at a time: a run with one goes
 * through a transaction, its events with one INSERT.
 */
export function timelineHandlers(): Handler<SqlTransaction>[] {
  const record = async (items: readonly BatchItem<SqlTransaction>[], tx: SqlTransaction) => {
    let pending: BatchItem<SqlTransaction>[] = [];
    const flush = async () => {
      await recordTimelineEvents(
        tx,
        pending.map(({ event, ctx }) => ({ event, message: ctx.message })),
      );
      pending = [];
    };
    for (const item of items) {
      pending.push(item);
      if (item.event.type !== ApplicantErasureRequested.type) continue;
      await flush();
      const { event, ctx } = item;
      const { applicationId, applicantId } = event.payload as { applicationId: string; applicantId: string };
      const erased = await eraseTimeline(tx.sql, { tenantId: event.tenantId, applicationId, applicantId });
      ctx.logger.info({ applicantId, erased }, 'applicant erased from the timeline');
    }
    if (pending.length > 0) await flush();
  };
  return [
    ...handleBatched(
      allEvents().filter((definition) => definition !== ApplicantErasureRequested),
      record,
      { project: (events) => timelineInsert(events, true) },
    ),
    ...handleBatched([ApplicantErasureRequested], record),
  ];
}

import {
  InviteExpired,
  ReminderCancelled,
  ReportCompleted,
  VerificationCompleted,
} from '@autoverify/contracts';
import { type Handler, type HandlerContext, handle } from '@autoverify/messaging';
import {
  type ApplicantKind,
  type CloseReason,
  completionsOfReport,
  completionsOfVerification,
  shouldAnnounceCancellation,
} from '../domain/decisions.ts';
import { type QueueTx, SEND_REMINDER_JOB } from '../ports.ts';
import { cancelScheduled, recordClosure } from '../store.ts';
import type { ReminderDeps } from './deps.ts';

interface Cause {
  id: string;
  tenantId: string;
  applicationId: string;
}

/**
 * Stops an applicant×kind's reminders for good: the closure is remembered (so a completion that overtakes
 * its InviteSent still prevents reminders), scheduled rows are cancelled, and ReminderCancelled says how
 * many. Cancelling the pg-boss jobs is only tidying up: the job checks the row's status before sending.
 */
async function close<Tx extends QueueTx>(
  deps: ReminderDeps<Tx>,
  tx: Tx,
  ctx: HandlerContext<Tx>,
  cause: Cause,
  targets: ApplicantKind[],
  reason: CloseReason,
) {
  const sql = deps.transactions.sql(tx);
  for (const { applicantId, kind } of targets) {
    await recordClosure(sql, {
      applicantId,
      kind,
      reason,
      tenantId: cause.tenantId,
      applicationId: cause.applicationId,
      causeEventId: cause.id,
    });
    const cancelled = await cancelScheduled(sql, applicantId, kind, reason);
    if (!shouldAnnounceCancellation(cancelled.length)) continue;
    await ctx.outbox.add(
      tx,
      ReminderCancelled,
      { applicationId: cause.applicationId, applicantId, kind, reason, cancelled: cancelled.length },
      { tenantId: cause.tenantId, correlationId: cause.applicationId, causationId: cause.id },
    );
    ctx.logger.info(
      { applicationId: cause.applicationId, applicantId, kind, reason, cancelled: cancelled.length },
      'reminders cancelled',
    );
    for (const { jobId } of cancelled) {
      if (!jobId) continue;
      await deps.jobs.cancel(SEND_REMINDER_JOB, jobId).catch((error: unknown) => {
        ctx.logger.warn(
          { err: error, jobId },
          'could not cancel a reminder job (harmless: it will find the reminder cancelled)',
        );
      });
    }
  }
}

const causeOf = (event: { id: string; tenantId: string; payload: { applicationId: string } }): Cause => ({
  id: event.id,
  tenantId: event.tenantId,
  applicationId: event.payload.applicationId,
});

export function closeReminderHandlers<Tx extends QueueTx>(deps: ReminderDeps<Tx>): Handler<Tx>[] {
  return [
    handle(VerificationCompleted, (event, tx, ctx) =>
      close(deps, tx, ctx, causeOf(event), completionsOfVerification(event.payload), 'completed'),
    ),
    handle(ReportCompleted, (event, tx, ctx) =>
      close(deps, tx, ctx, causeOf(event), completionsOfReport(event.payload), 'completed'),
    ),
    handle(InviteExpired, (event, tx, ctx) =>
      close(
        deps,
        tx,
        ctx,
        causeOf(event),
        [{ applicantId: event.payload.applicantId, kind: event.payload.kind }],
        'expired',
      ),
    ),
  ];
}

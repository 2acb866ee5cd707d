import {
  InviteExpired,
  ReminderCancelled,
  ReportCompleted,
  VerificationCompleted,
} from '@autoverify/contracts';
import { type Handler, handle, type Logger } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import {
  type ApplicantKind,
  type CloseReason,
  completionsOfReport,
  completionsOfVerification,
  shouldAnnounceCancellation,
} from '../domain/decisions.ts';
import { sendReminder } from '../jobs.ts';
import type { ReminderContext } from '../service.ts';
import { cancelScheduled, recordClosure } from '../store.ts';

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
async function close(
  ctx: ReminderContext,
  tx: SqlTransaction,
  logger: Logger,
  cause: Cause,
  targets: ApplicantKind[],
  reason: CloseReason,
) {
  for (const { applicantId, kind } of targets) {
    await recordClosure(tx.sql, {
      applicantId,
      kind,
      reason,
      tenantId: cause.tenantId,
      applicationId: cause.applicationId,
      causeEventId: cause.id,
    });
    const cancelled = await cancelScheduled(tx.sql, applicantId, kind, reason);
    if (!shouldAnnounceCancellation(cancelled.length)) continue;
    await tx.outbox.add(
      ReminderCancelled,
      { applicationId: cause.applicationId, applicantId, kind, reason, cancelled: cancelled.length },
      { tenantId: cause.tenantId, correlationId: cause.applicationId, causationId: cause.id },
    );
    logger.info(
      { applicationId: cause.applicationId, applicantId, kind, reason, cancelled: cancelled.length },
      'reminders cancelled',
    );
    for (const { jobId } of cancelled) {
      if (!jobId) continue;
      await ctx.jobs.cancel(sendReminder, jobId).catch((error: unknown) => {
        logger.warn(
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

export function closeReminderHandlers(ctx: ReminderContext): Handler<SqlTransaction>[] {
  return [
    handle(VerificationCompleted, (event, tx: SqlTransaction, { logger }) =>
      close(ctx, tx, logger, causeOf(event), completionsOfVerification(event.payload), 'completed'),
    ),
    handle(ReportCompleted, (event, tx: SqlTransaction, { logger }) =>
      close(ctx, tx, logger, causeOf(event), completionsOfReport(event.payload), 'completed'),
    ),
    handle(InviteExpired, (event, tx: SqlTransaction, { logger }) =>
      close(
        ctx,
        tx,
        logger,
        causeOf(event),
        [{ applicantId: event.payload.applicantId, kind: event.payload.kind }],
        'expired',
      ),
    ),
  ];
}

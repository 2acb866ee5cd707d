import { UnknownTenantError } from '@autoverify/config';
import { NotificationRequested, ReminderCancelled, ReminderScheduled } from '@autoverify/contracts';
import { tagActiveSpan } from '@autoverify/telemetry';
import { decideFire } from '../domain/decisions.ts';
import { reminderNotificationId } from '../domain/schedule.ts';
import { type SendReminderData, sendReminder } from '../jobs.ts';
import { dueSoon, queueReminderJob } from '../queue-reminders.ts';
import type { ReminderContext } from '../service.ts';
import {
  cancelScheduled,
  contactsOf,
  finishReminder,
  laterReminderDue,
  lockReminder,
  rescheduleReminder,
} from '../store.ts';

export type SendOutcome = 'sent' | 'cancelled' | 'rescheduled' | 'skipped' | 'ignored' | 'missing';

/**
 * The send-reminder job: in one transaction, lock the reminder row and decide at fire time (the job may
 * run late, and the applicant may have finished meanwhile). Sending means marking the row 'sent' and
 * adding one NotificationRequested per channel to the outbox, with deterministic notification ids: the
 * row status makes a second run a no-op, and notify ignores a repeated notification id.
 */
export function sendReminderJob(ctx: ReminderContext) {
  // Every failure here is transient (database, settings): the queue retries it, the attempt does not matter.
  return async (data: SendReminderData): Promise<SendOutcome> => {
    const reminderId = (data as Partial<SendReminderData> | null)?.reminderId;
    if (typeof reminderId !== 'string' || reminderId === '') {
      // Nothing to retry: a job we did not enqueue, or a corrupted payload.
      ctx.logger.error({ job: sendReminder.name }, 'send-reminder job without a reminderId: dropped');
      return 'missing';
    }
    return ctx.db.transaction(async (tx): Promise<SendOutcome> => {
      const reminder = await lockReminder(tx.sql, reminderId);
      if (!reminder) {
        ctx.logger.warn({ reminderId }, 'send-reminder job for an unknown reminder: dropped');
        return 'missing';
      }
      const log = ctx.logger.child({
        reminderId,
        applicationId: reminder.applicationId,
        applicantId: reminder.applicantId,
        kind: reminder.kind,
      });
      const meta = { tenantId: reminder.tenantId, correlationId: reminder.applicationId };
      tagActiveSpan({ tenantId: reminder.tenantId, applicationId: reminder.applicationId });

      let settings: ReturnType<ReminderContext['tenants']['property']>;
      try {
        settings = ctx.tenants.property(reminder.tenantId, reminder.propertyId);
      } catch (error) {
        if (!(error instanceof UnknownTenantError)) throw error;
        // Permanent: the customer was removed from the tenants file.
        if (reminder.status === 'scheduled')
          await finishReminder(tx.sql, reminderId, 'skipped', error.message);
        log.warn({}, `reminder skipped: ${error.message}`);
        return 'skipped';
      }

      const now = ctx.clock.now();
      const decision = decideFire({
        status: reminder.status,
        closed: reminder.closed,
        expiresAt: reminder.expiresAt,
        now,
        timeZone: settings.timeZone,
        state: settings.state,
        laterDue: await laterReminderDue(tx.sql, reminder.applicantId, reminder.kind, reminder.number, now),
      });

      switch (decision.action) {
        case 'ignore':
          log.info({ status: reminder.status }, 'reminder no longer scheduled: nothing to do');
          return 'ignored';
        case 'cancel': {
          // Every still-scheduled reminder of this applicant×kind is as dead as this one.
          const cancelled = await cancelScheduled(
            tx.sql,
            reminder.applicantId,
            reminder.kind,
            decision.reason,
          );
          await tx.outbox.add(
            ReminderCancelled,
            {
              applicationId: reminder.applicationId,
              applicantId: reminder.applicantId,
              kind: reminder.kind,
              reason: decision.reason,
              cancelled: cancelled.length,
            },
            meta,
          );
          log.info(
            { reason: decision.reason, cancelled: cancelled.length },
            'reminder cancelled at fire time',
          );
          return 'cancelled';
        }
        case 'skip':
          await finishReminder(tx.sql, reminderId, 'skipped', decision.detail);
          log.info({}, `reminder skipped: ${decision.detail}`);
          return 'skipped';
        case 'reschedule': {
          const dueAt = decision.dueAt.toISOString();
          // A new job when the window opens: now if that is minutes away, else the tick's.
          await rescheduleReminder(tx.sql, reminderId, decision.dueAt);
          if (dueSoon(decision.dueAt)) await queueReminderJob(ctx, tx, reminderId, decision.dueAt);
          await tx.outbox.add(
            ReminderScheduled,
            {
              applicationId: reminder.applicationId,
              applicantId: reminder.applicantId,
              kind: reminder.kind,
              reminderNumber: reminder.number,
              dueAt,
              shiftedForQuietHours: true,
            },
            meta,
          );
          log.info({ dueAt }, 'reminder job ran inside quiet hours: rescheduled');
          return 'rescheduled';
        }
        case 'send': {
          const contacts = await contactsOf(tx.sql, reminder.applicantId, reminder.kind);
          const targets = reminder.channels.flatMap((channel) => {
            const contact = contacts.find((c) => c.channel === channel);
            return contact ? [{ channel, contact }] : [];
          });
          if (targets.length === 0) {
            // The invite's NotificationRequested never reached us: there is no address to remind.
            await finishReminder(
              tx.sql,
              reminderId,
              'skipped',
              `no contact known for channels ${reminder.channels.join(', ')}`,
            );
            log.warn({ channels: reminder.channels }, 'reminder skipped: no contact known for its channels');
            return 'skipped';
          }
          for (const { channel, contact } of targets) {
            await tx.outbox.add(
              NotificationRequested,
              {
                notificationId: reminderNotificationId(reminderId, channel),
                applicationId: reminder.applicationId,
                applicantId: reminder.applicantId,
                propertyId: reminder.propertyId,
                purpose: 'reminder',
                kind: reminder.kind,
                channel,
                to: contact.recipient,
                recipientName: contact.recipientName,
                link: reminder.link,
                expiresAt: reminder.expiresAt.toISOString(),
                reminderNumber: reminder.number,
              },
              meta,
            );
          }
          const missing = reminder.channels.filter((c) => !targets.some((t) => t.channel === c));
          await finishReminder(
            tx.sql,
            reminderId,
            'sent',
            missing.length > 0 ? `no contact known for ${missing.join(', ')}` : null,
          );
          log.info(
            { channels: targets.map((t) => t.channel), number: reminder.number },
            'reminder sent to notify',
          );
          return 'sent';
        }
      }
    });
  };
}

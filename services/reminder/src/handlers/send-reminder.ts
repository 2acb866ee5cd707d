import { UnknownTenantError } from '@autoverify/config';
import { NotificationRequested, ReminderCancelled, ReminderScheduled } from '@autoverify/contracts';
import { decideFire } from '../domain/decisions.ts';
import { reminderNotificationId } from '../domain/schedule.ts';
import { type QueueTx, SEND_REMINDER_JOB, SEND_REMINDER_RETRY, type SendReminderJob } from '../ports.ts';
import {
  cancelScheduled,
  contactsOf,
  finishReminder,
  laterReminderDue,
  lockReminder,
  rescheduleReminder,
  setReminderJob,
} from '../store.ts';
import type { ReminderDeps } from './deps.ts';

export type SendOutcome = 'sent' | 'cancelled' | 'rescheduled' | 'skipped' | 'ignored' | 'missing';

/**
 * The send-reminder job: in one transaction, lock the reminder row and decide at fire time (the job may
 * run late, and the applicant may have finished meanwhile). Sending means marking the row 'sent' and
 * adding one NotificationRequested per channel to the outbox, with deterministic notification ids: the
 * row status makes a second run a no-op, and notify ignores a repeated notification id.
 */
export function sendReminderJob<Tx extends QueueTx>(deps: ReminderDeps<Tx>) {
  return async (data: unknown): Promise<SendOutcome> => {
    const reminderId = (data as Partial<SendReminderJob> | null)?.reminderId;
    if (typeof reminderId !== 'string' || reminderId === '') {
      // Nothing to retry: a job we did not enqueue, or a corrupted payload.
      deps.logger.error({ job: SEND_REMINDER_JOB }, 'send-reminder job without a reminderId: dropped');
      return 'missing';
    }
    let added = 0;
    const outcome = await deps.transactions.run(async (tx): Promise<SendOutcome> => {
      const sql = deps.transactions.sql(tx);
      const reminder = await lockReminder(sql, reminderId);
      if (!reminder) {
        deps.logger.warn({ reminderId }, 'send-reminder job for an unknown reminder: dropped');
        return 'missing';
      }
      const log = deps.logger.child({
        reminderId,
        applicationId: reminder.applicationId,
        applicantId: reminder.applicantId,
        kind: reminder.kind,
      });
      const meta = { tenantId: reminder.tenantId, correlationId: reminder.applicationId };

      let settings: ReturnType<ReminderDeps<Tx>['tenants']['property']>;
      try {
        settings = deps.tenants.property(reminder.tenantId, reminder.propertyId);
      } catch (error) {
        if (!(error instanceof UnknownTenantError)) throw error;
        // Permanent: the customer was removed from the tenants file.
        if (reminder.status === 'scheduled') await finishReminder(sql, reminderId, 'skipped', error.message);
        log.warn({}, `reminder skipped: ${error.message}`);
        return 'skipped';
      }

      const now = deps.clock.now();
      const decision = decideFire({
        status: reminder.status,
        closed: reminder.closed,
        expiresAt: new Date(reminder.expiresAt),
        now,
        timeZone: settings.timeZone,
        state: settings.state,
        laterDue: await laterReminderDue(sql, reminder.applicantId, reminder.kind, reminder.number, now),
      });

      switch (decision.action) {
        case 'ignore':
          log.info({ status: reminder.status }, 'reminder no longer scheduled: nothing to do');
          return 'ignored';
        case 'cancel': {
          // Every still-scheduled reminder of this applicant×kind is as dead as this one.
          const cancelled = await cancelScheduled(sql, reminder.applicantId, reminder.kind, decision.reason);
          await deps.outbox.add(
            tx,
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
          added++;
          log.info(
            { reason: decision.reason, cancelled: cancelled.length },
            'reminder cancelled at fire time',
          );
          return 'cancelled';
        }
        case 'skip':
          await finishReminder(sql, reminderId, 'skipped', decision.detail);
          log.info({}, `reminder skipped: ${decision.detail}`);
          return 'skipped';
        case 'reschedule': {
          const dueAt = decision.dueAt.toISOString();
          await rescheduleReminder(sql, reminderId, dueAt);
          // A new job, due when the window opens. Its key names the new time: this job still holds the
          // reminder's own key while it runs, and the queue admits one queued or running job per key.
          const jobId = await deps.jobs.send(SEND_REMINDER_JOB, { reminderId } satisfies SendReminderJob, {
            tx,
            singletonKey: `${reminderId}@${dueAt}`,
            startAfter: decision.dueAt,
            ...SEND_REMINDER_RETRY,
          });
          await setReminderJob(sql, reminderId, jobId ?? null);
          await deps.outbox.add(
            tx,
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
          added++;
          log.info({ dueAt }, 'reminder job ran inside quiet hours: rescheduled');
          return 'rescheduled';
        }
        case 'send': {
          const contacts = await contactsOf(sql, reminder.applicantId, reminder.kind);
          const targets = reminder.channels.flatMap((channel) => {
            const contact = contacts.find((c) => c.channel === channel);
            return contact ? [{ channel, contact }] : [];
          });
          if (targets.length === 0) {
            // The invite's NotificationRequested never reached us: there is no address to remind.
            await finishReminder(
              sql,
              reminderId,
              'skipped',
              `no contact known for channels ${reminder.channels.join(', ')}`,
            );
            log.warn({ channels: reminder.channels }, 'reminder skipped: no contact known for its channels');
            return 'skipped';
          }
          for (const { channel, contact } of targets) {
            await deps.outbox.add(
              tx,
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
                expiresAt: reminder.expiresAt,
                reminderNumber: reminder.number,
              },
              meta,
            );
            added++;
          }
          const missing = reminder.channels.filter((c) => !targets.some((t) => t.channel === c));
          await finishReminder(
            sql,
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
    if (added > 0) deps.relay.wake();
    return outcome;
  };
}

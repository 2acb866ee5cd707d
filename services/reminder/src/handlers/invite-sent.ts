import { UnknownTenantError } from '@autoverify/config';
import { InviteSent, ReminderScheduled } from '@autoverify/contracts';
import { type Handler, handle, PermanentError } from '@autoverify/messaging';
import { planReminders, reminderId } from '../domain/schedule.ts';
import { type QueueTx, SEND_REMINDER_JOB, SEND_REMINDER_RETRY, type SendReminderJob } from '../ports.ts';
import { closureOf, insertReminder, setReminderJob, upsertInvite } from '../store.ts';
import type { ReminderDeps } from './deps.ts';

/**
 * InviteSent: remember the invite and plan its reminders from the property's settings. Each new reminder
 * row, its pg-boss job (due at dueAt) and its ReminderScheduled event are written in the consumer's
 * transaction. Rows have deterministic ids, so a replayed or resent InviteSent plans nothing twice.
 */
export function inviteSentHandler<Tx extends QueueTx>(deps: ReminderDeps<Tx>): Handler<Tx> {
  return handle(InviteSent, async (event, tx, ctx) => {
    const p = event.payload;
    const sql = deps.transactions.sql(tx);
    const invite = await upsertInvite(sql, {
      tenantId: event.tenantId,
      applicationId: p.applicationId,
      applicantId: p.applicantId,
      propertyId: p.propertyId,
      kind: p.kind,
      channels: p.channels,
      link: p.link,
      expiresAt: p.expiresAt,
      sentAt: event.occurredAt,
    });
    const log = ctx.logger.child({
      applicationId: p.applicationId,
      applicantId: p.applicantId,
      kind: p.kind,
    });

    const closed = await closureOf(sql, p.applicantId, p.kind);
    if (closed) {
      log.info({ closed }, 'invite already closed (completion or expiry arrived first): no reminders');
      return;
    }

    let settings: ReturnType<ReminderDeps<Tx>['tenants']['property']>;
    try {
      settings = deps.tenants.property(event.tenantId, p.propertyId);
    } catch (error) {
      if (error instanceof UnknownTenantError) throw new PermanentError(error.message);
      throw error;
    }
    const plan = planReminders({
      sentAt: new Date(invite.sentAt),
      expiresAt: new Date(invite.expiresAt),
      reminders: settings.reminders,
      timeZone: settings.timeZone,
      state: settings.state,
    });

    let scheduled = 0;
    for (const planned of plan) {
      const id = reminderId(p.applicantId, p.kind, planned.number);
      const dueAt = planned.dueAt.toISOString();
      const inserted = await insertReminder(sql, {
        id,
        tenantId: event.tenantId,
        applicationId: p.applicationId,
        applicantId: p.applicantId,
        kind: p.kind,
        number: planned.number,
        dueAt,
        shiftedForQuietHours: planned.shiftedForQuietHours,
      });
      if (!inserted) continue;
      const data: SendReminderJob = { reminderId: id };
      const jobId = await deps.jobs.send(SEND_REMINDER_JOB, data, {
        tx,
        singletonKey: id,
        startAfter: planned.dueAt,
        ...SEND_REMINDER_RETRY,
      });
      await setReminderJob(sql, id, jobId ?? null);
      await ctx.outbox.add(
        tx,
        ReminderScheduled,
        {
          applicationId: p.applicationId,
          applicantId: p.applicantId,
          kind: p.kind,
          reminderNumber: planned.number,
          dueAt,
          shiftedForQuietHours: planned.shiftedForQuietHours,
        },
        { tenantId: event.tenantId, correlationId: p.applicationId, causationId: event.id },
      );
      scheduled++;
    }
    log.info({ planned: plan.length, scheduled, resend: p.resend }, 'reminders scheduled');
  });
}

import { UnknownTenantError } from '@autoverify/config';
import { InviteSent, ReminderScheduled } from '@autoverify/contracts';
import { type Handler, handle, PermanentError } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import { planReminders, reminderId } from '../domain/schedule.ts';
import { dueSoon, queueReminderJob } from '../queue-reminders.ts';
import type { ReminderContext } from '../service.ts';
import { closureOf, insertReminders, upsertInvite } from '../store.ts';

/**
 * InviteSent: remember the invite and plan its reminders from the property's settings. The new reminder rows
 * and their ReminderScheduled events are written in the consumer's transaction, one statement for all rows
 * and one for all events, with a job for any due within minutes (later ones are queued by the tick,
 * queue-reminders.ts). Rows have deterministic ids, so a replayed or resent InviteSent plans nothing twice.
 */
export function inviteSentHandler(ctx: ReminderContext): Handler<SqlTransaction> {
  return handle(InviteSent, async (event, tx: SqlTransaction, { logger }) => {
    const p = event.payload;
    const invite = await upsertInvite(tx.sql, {
      tenantId: event.tenantId,
      applicationId: p.applicationId,
      applicantId: p.applicantId,
      propertyId: p.propertyId,
      kind: p.kind,
      channels: p.channels,
      link: p.link,
      expiresAt: new Date(p.expiresAt),
      sentAt: new Date(event.occurredAt),
    });
    const log = logger.child({
      applicationId: p.applicationId,
      applicantId: p.applicantId,
      kind: p.kind,
    });

    const closed = await closureOf(tx.sql, p.applicantId, p.kind);
    if (closed) {
      log.info({ closed }, 'invite already closed (completion or expiry arrived first): no reminders');
      return;
    }

    let settings: ReturnType<ReminderContext['tenants']['property']>;
    try {
      settings = ctx.tenants.property(event.tenantId, p.propertyId);
    } catch (error) {
      if (error instanceof UnknownTenantError) throw new PermanentError(error.message);
      throw error;
    }
    const plan = planReminders({
      sentAt: invite.sentAt,
      expiresAt: invite.expiresAt,
      reminders: settings.reminders,
      timeZone: settings.timeZone,
      state: settings.state,
    });

    const reminders = plan.map((planned) => ({
      ...planned,
      id: reminderId(p.applicantId, p.kind, planned.number),
    }));
    const inserted = await insertReminders(
      tx.sql,
      reminders.map(({ id, number, dueAt, shiftedForQuietHours }) => ({
        id,
        tenantId: event.tenantId,
        applicationId: p.applicationId,
        applicantId: p.applicantId,
        kind: p.kind,
        number,
        dueAt,
        shiftedForQuietHours,
      })),
    );
    const scheduled = reminders.filter((r) => inserted.has(r.id));
    for (const { id, dueAt } of scheduled) if (dueSoon(dueAt)) await queueReminderJob(ctx, tx, id, dueAt);
    await tx.outbox.addMany(
      ReminderScheduled,
      scheduled.map((r) => ({
        applicationId: p.applicationId,
        applicantId: p.applicantId,
        kind: p.kind,
        reminderNumber: r.number,
        dueAt: r.dueAt.toISOString(),
        shiftedForQuietHours: r.shiftedForQuietHours,
      })),
      { tenantId: event.tenantId, correlationId: p.applicationId, causationId: event.id },
    );
    log.info({ planned: plan.length, scheduled: scheduled.length, resend: p.resend }, 'reminders scheduled');
  });
}

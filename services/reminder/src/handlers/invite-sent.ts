import { UnknownTenantError } from '@autoverify/config';
import { type EventOf, InviteSent, ReminderScheduled } from '@autoverify/contracts';
import { type Handler, handleBatched, type Logger, PermanentError } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import { planReminders, reminderId } from '../domain/schedule.ts';
import { dueSoon, queueReminderJob } from '../queue-reminders.ts';
import type { ReminderContext } from '../service.ts';
import { closuresOf, insertReminders, inviteKey, type NewReminder, upsertInvites } from '../store.ts';

type InviteSentEvent = EventOf<typeof InviteSent>;

/**
 * InviteSent: remember the invite and plan its reminders from the property's settings. The InviteSent of one
 * consumer transaction (an application's invitations come together) are one statement for the invites, one
 * for their closures, one for all new reminder rows and one for their ReminderScheduled events, with a job
 * for any reminder due within minutes (later ones are queued by the tick, queue-reminders.ts). Rows have
 * deterministic ids, so a replayed or resent InviteSent plans nothing twice; InviteSent of the same invite in
 * one transaction plan once, from the invite as all of them left it, under the first of them.
 */
export function inviteSentHandlers(ctx: ReminderContext): Handler<SqlTransaction>[] {
  return handleBatched([InviteSent], async (items, tx: SqlTransaction) => {
    const events = items.map((item) => ({ event: item.event as InviteSentEvent, logger: item.ctx.logger }));
    const invites = await upsertInvites(
      tx.sql,
      events.map(({ event: { tenantId, occurredAt, payload: p } }) => ({
        tenantId,
        applicationId: p.applicationId,
        applicantId: p.applicantId,
        propertyId: p.propertyId,
        kind: p.kind,
        channels: p.channels,
        link: p.link,
        expiresAt: new Date(p.expiresAt),
        sentAt: new Date(occurredAt),
      })),
    );
    const closures = await closuresOf(
      tx.sql,
      events.map(({ event }) => event.payload),
    );

    const seen = new Set<string>();
    const plans: { event: InviteSentEvent; reminders: NewReminder[]; log: Logger }[] = [];
    for (const { event, logger } of events) {
      const p = event.payload;
      const key = inviteKey(p);
      if (seen.has(key)) continue;
      seen.add(key);
      const log = logger.child({ applicationId: p.applicationId, applicantId: p.applicantId, kind: p.kind });
      const closed = closures.get(key);
      if (closed) {
        log.info({ closed }, 'invite already closed (completion or expiry arrived first): no reminders');
        continue;
      }
      const invite = invites.get(key);
      if (!invite) throw new Error(`the upsert of invite ${p.applicantId}/${p.kind} returned no row`);
      const plan = planReminders({
        sentAt: invite.sentAt,
        expiresAt: invite.expiresAt,
        ...reminderSettings(ctx, event),
      });
      const reminders = plan.map(({ number, dueAt, shiftedForQuietHours }) => ({
        id: reminderId(p.applicantId, p.kind, number),
        tenantId: event.tenantId,
        applicationId: p.applicationId,
        applicantId: p.applicantId,
        kind: p.kind,
        number,
        dueAt,
        shiftedForQuietHours,
      }));
      plans.push({ event, reminders, log });
    }

    const inserted = await insertReminders(
      tx.sql,
      plans.flatMap((plan) => plan.reminders),
    );
    const scheduled = plans.map((plan) => ({
      ...plan,
      planned: plan.reminders.length,
      reminders: plan.reminders.filter((r) => inserted.has(r.id)),
    }));
    for (const { reminders } of scheduled)
      for (const { id, dueAt } of reminders) if (dueSoon(dueAt)) await queueReminderJob(ctx, tx, id, dueAt);
    await tx.outbox.addEach(
      ReminderScheduled,
      scheduled.flatMap(({ event, reminders }) =>
        reminders.map((r) => ({
          payload: {
            applicationId: r.applicationId,
            applicantId: r.applicantId,
            kind: r.kind,
            reminderNumber: r.number,
            dueAt: r.dueAt.toISOString(),
            shiftedForQuietHours: r.shiftedForQuietHours,
          },
          meta: { tenantId: event.tenantId, correlationId: r.applicationId, causationId: event.id },
        })),
      ),
    );
    for (const { event, planned: count, reminders, log } of scheduled)
      log.info(
        { planned: count, scheduled: reminders.length, resend: event.payload.resend },
        'reminders scheduled',
      );
  });
}

/** The property's reminder schedule, time zone and state; a tenant not configured here cannot be handled. */
function reminderSettings(ctx: ReminderContext, event: InviteSentEvent) {
  try {
    const settings = ctx.tenants.property(event.tenantId, event.payload.propertyId);
    return { reminders: settings.reminders, timeZone: settings.timeZone, state: settings.state };
  } catch (error) {
    if (error instanceof UnknownTenantError) throw new PermanentError(error.message);
    throw error;
  }
}

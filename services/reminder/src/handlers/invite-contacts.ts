import { NotificationRequested } from '@autoverify/contracts';
import { type Handler, handle } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import type { ReminderContext } from '../service.ts';
import { upsertContact } from '../store.ts';

/**
 * invite's NotificationRequested(purpose invite) says where the invite went on each channel; reminders go
 * to the same address and name. InviteSent does not carry them, and the two travel on different topics, so
 * they are stored apart and joined when a reminder fires. Our own reminder requests are ignored.
 */
export function inviteContactsHandler(_ctx: ReminderContext): Handler<SqlTransaction> {
  return handle(NotificationRequested, async (event, tx: SqlTransaction) => {
    const p = event.payload;
    if (p.purpose !== 'invite') return;
    await upsertContact(tx.sql, {
      applicantId: p.applicantId,
      kind: p.kind,
      channel: p.channel,
      recipient: p.to,
      recipientName: p.recipientName,
      observedAt: new Date(event.occurredAt),
    });
  });
}

import { NotificationRequested } from '@autoverify/contracts';
import { type Handler, handle } from '@autoverify/messaging';
import type { QueueTx } from '../ports.ts';
import { upsertContact } from '../store.ts';
import type { ReminderDeps } from './deps.ts';

/**
 * invite's NotificationRequested(purpose invite) says where the invite went on each channel; reminders go
 * to the same address and name. InviteSent does not carry them, and the two travel on different topics, so
 * they are stored apart and joined when a reminder fires. Our own reminder requests are ignored.
 */
export function inviteContactsHandler<Tx extends QueueTx>(
  deps: Pick<ReminderDeps<Tx>, 'transactions'>,
): Handler<Tx> {
  return handle(NotificationRequested, async (event, tx) => {
    const p = event.payload;
    if (p.purpose !== 'invite') return;
    await upsertContact(deps.transactions.sql(tx), {
      applicantId: p.applicantId,
      kind: p.kind,
      channel: p.channel,
      recipient: p.to,
      recipientName: p.recipientName,
      observedAt: event.occurredAt,
    });
  });
}

import { type EventOf, NotificationRequested } from '@autoverify/contracts';
import { type Handler, handleBatched } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import { upsertContacts } from '../store.ts';

/**
 * invite's NotificationRequested(purpose invite) says where the invite went on each channel; reminders go
 * to the same address and name. InviteSent does not carry them, and the two travel on different topics, so
 * they are stored apart and joined when a reminder fires. Our own reminder requests are ignored. The
 * requests of one consumer transaction (an application's invitations come together) are one statement.
 */
export function inviteContactsHandlers(): Handler<SqlTransaction>[] {
  return handleBatched([NotificationRequested], async (items, tx: SqlTransaction) => {
    const invites = items
      .map(({ event }) => event as EventOf<typeof NotificationRequested>)
      .filter((event) => event.payload.purpose === 'invite');
    await upsertContacts(
      tx.sql,
      invites.map(({ payload: p, occurredAt }) => ({
        applicantId: p.applicantId,
        kind: p.kind,
        channel: p.channel,
        recipient: p.to,
        recipientName: p.recipientName,
        observedAt: new Date(occurredAt),
      })),
    );
  });
}

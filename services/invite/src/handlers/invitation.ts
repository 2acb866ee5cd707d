import {
  type Channel,
  InviteSent,
  NotificationRequested,
  type VerificationKind,
} from '@autoverify/contracts';
import type { EventMeta } from '@autoverify/messaging';
import type { Tx } from '../db.ts';
import { contactHash } from '../domain/notification-id.ts';
import type { InviteContext } from '../service.ts';
import { recordNotification } from '../store/invites.ts';

/** One invitation going out: an applicant × kind, on one or more channels. */
export interface Invitation {
  applicationId: string;
  propertyId: string;
  applicantId: string;
  kind: VerificationKind;
  recipientName: string;
  link: string;
  expiresAt: Date;
  /** Sent before: to a changed contact, or support's deliberate re-send. */
  resend: boolean;
  notifications: { notificationId: string; channel: Channel; to: string }[];
}

/**
 * Sends an invitation in the caller's transaction: records each notification id (so it is never requested
 * twice), asks notify for one message per channel (NotificationRequested) and announces the invitation
 * (InviteSent). The first send, a send to a changed contact and support's re-send all go through here.
 */
export async function sendInvitation(
  ctx: InviteContext,
  tx: Tx,
  invitation: Invitation,
  meta: EventMeta,
): Promise<void> {
  const { applicationId, applicantId, propertyId, kind, link } = invitation;
  const expiresAt = invitation.expiresAt.toISOString();
  for (const n of invitation.notifications) {
    await recordNotification(tx, {
      id: n.notificationId,
      applicantId,
      kind,
      channel: n.channel,
      contactHash: contactHash(n.channel, n.to),
    });
    await ctx.outbox.add(
      tx,
      NotificationRequested,
      {
        notificationId: n.notificationId,
        applicationId,
        applicantId,
        propertyId,
        purpose: 'invite',
        kind,
        channel: n.channel,
        to: n.to,
        recipientName: invitation.recipientName,
        link,
        expiresAt,
      },
      meta,
    );
  }
  await ctx.outbox.add(
    tx,
    InviteSent,
    {
      applicationId,
      applicantId,
      propertyId,
      kind,
      channels: invitation.notifications.map((n) => n.channel),
      notificationIds: invitation.notifications.map((n) => n.notificationId),
      link,
      expiresAt,
      resend: invitation.resend,
    },
    meta,
  );
}

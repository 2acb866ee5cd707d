import {
  type Channel,
  InviteSent,
  NotificationRequested,
  type VerificationKind,
} from '@autoverify/contracts';
import type { EventMeta } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import { contactHash } from '../domain/notification-id.ts';
import { recordNotifications } from '../store/invites.ts';

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
 * Sends invitations in the caller's transaction: records each notification id (so it is never requested
 * twice), asks notify for one message per channel (NotificationRequested) and announces each invitation
 * (InviteSent). The first sends, a send to a changed contact and support's re-send all go through here. Three
 * statements however many invitations: an application's applicants × kinds × channels would otherwise cost
 * a round trip each.
 */
export async function sendInvitations(
  tx: SqlTransaction,
  invitations: Invitation[],
  meta: EventMeta,
): Promise<void> {
  if (invitations.length === 0) return;
  await recordNotifications(
    tx.sql,
    invitations.flatMap(({ applicantId, kind, notifications }) =>
      notifications.map((n) => ({
        id: n.notificationId,
        applicantId,
        kind,
        channel: n.channel,
        contactHash: contactHash(n.channel, n.to),
      })),
    ),
  );
  await tx.outbox.addMany(
    NotificationRequested,
    invitations.flatMap((invitation) =>
      invitation.notifications.map((n) => ({
        notificationId: n.notificationId,
        applicationId: invitation.applicationId,
        applicantId: invitation.applicantId,
        propertyId: invitation.propertyId,
        purpose: 'invite' as const,
        kind: invitation.kind,
        channel: n.channel,
        to: n.to,
        recipientName: invitation.recipientName,
        link: invitation.link,
        expiresAt: invitation.expiresAt.toISOString(),
      })),
    ),
    meta,
  );
  await tx.outbox.addMany(
    InviteSent,
    invitations.map((invitation) => ({
      applicationId: invitation.applicationId,
      applicantId: invitation.applicantId,
      propertyId: invitation.propertyId,
      kind: invitation.kind,
      channels: invitation.notifications.map((n) => n.channel),
      notificationIds: invitation.notifications.map((n) => n.notificationId),
      link: invitation.link,
      expiresAt: invitation.expiresAt.toISOString(),
      resend: invitation.resend,
    })),
    meta,
  );
}

import type { Channel, VerificationKind } from '@autoverify/contracts';
import type { ChannelSettings } from './contact.ts';
import { inviteExpiresAt } from './expiry.ts';
import { inviteNotificationId } from './notification-id.ts';

export interface PlatformVerificationRef {
  kind: VerificationKind;
  verificationId: string;
  /** The invitation link; absent when the platform gave none (NOT DOCUMENTED: see the verification client). */
  link?: string;
}

export interface InvitableApplicant {
  applicantId: string;
  firstName: string;
  lastName: string;
  /** The contact the platform accepted for this applicant: invites go only where the platform agrees. */
  email?: string | null;
  mobilePhone?: string | null;
  verifications: PlatformVerificationRef[];
}

export interface ExistingInvite {
  status: string;
  expiresAt: Date;
}

export interface PlannedNotification {
  notificationId: string;
  channel: Channel;
  to: string;
}

export interface PlannedInvite {
  applicantId: string;
  kind: VerificationKind;
  verificationId: string;
  link: string;
  recipientName: string;
  expiresAt: Date;
  /** No invite row yet: create it and schedule its expiry. */
  isNew: boolean;
  /** Sent before (to another contact): this is a re-send to the new contact only. */
  resend: boolean;
  notifications: PlannedNotification[];
}

export interface InvitePlanInput {
  now: Date;
  inviteExpiryDays: number;
  kinds: VerificationKind[];
  channels: ChannelSettings;
  applicants: InvitableApplicant[];
  /** By `${applicantId}:${kind}`. */
  invites: Map<string, ExistingInvite>;
  /** Notification ids already requested. */
  sent: Set<string>;
}

export interface InvitePlan {
  invites: PlannedInvite[];
  /** Applicant × kind the platform gave no verification, or no link, for: cannot be invited. */
  missing: { applicantId: string; kind: VerificationKind; what: 'verification' | 'link' }[];
}

export const inviteKey = (applicantId: string, kind: VerificationKind): string => `${applicantId}:${kind}`;

/** Verification kinds for a property: income always, identity where the customer enabled it. */
export const kindsFor = (settings: { identityVerification: boolean }): VerificationKind[] =>
  settings.identityVerification ? ['income', 'identity'] : ['income'];

/**
 * Which invitations to send now. Deterministic notification ids make this idempotent: whatever was
 * requested before is skipped, so running it again after a crash or a replay sends nothing twice,
 * and a changed contact yields exactly the notifications for the new contact. A re-send keeps the
 * original expiry (the platform request's lifetime does not restart when a contact is edited).
 * Completed or expired invites get nothing.
 */
export function planInvites(input: InvitePlanInput): InvitePlan {
  const plan: InvitePlan = { invites: [], missing: [] };
  for (const applicant of input.applicants) {
    for (const kind of input.kinds) {
      const verification = applicant.verifications.find((v) => v.kind === kind);
      if (!verification?.link) {
        plan.missing.push({
          applicantId: applicant.applicantId,
          kind,
          what: verification ? 'link' : 'verification',
        });
        continue;
      }
      const link = verification.link;
      const existing = input.invites.get(inviteKey(applicant.applicantId, kind));
      if (existing && existing.status !== 'sent') continue;
      const contacts: [Channel, string | null | undefined][] = [
        ['email', input.channels.email ? applicant.email : undefined],
        ['sms', input.channels.sms ? applicant.mobilePhone : undefined],
      ];
      const notifications: PlannedNotification[] = [];
      for (const [channel, to] of contacts) {
        if (!to) continue;
        const notificationId = inviteNotificationId(applicant.applicantId, kind, channel, to);
        if (!input.sent.has(notificationId)) notifications.push({ notificationId, channel, to });
      }
      if (notifications.length === 0) continue;
      plan.invites.push({
        applicantId: applicant.applicantId,
        kind,
        verificationId: verification.verificationId,
        link,
        recipientName: `${applicant.firstName} ${applicant.lastName}`.trim(),
        expiresAt: existing?.expiresAt ?? inviteExpiresAt(input.now, input.inviteExpiryDays),
        isNew: !existing,
        resend: Boolean(existing),
        notifications,
      });
    }
  }
  return plan;
}

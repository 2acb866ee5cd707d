import type { Tenants } from '@autoverify/config';
import { InviteBlockedV2, InviteSent, NotificationRequested } from '@autoverify/contracts';
import type { Tx } from '../db.ts';
import { idsUnavailableDetail } from '../domain/blocks.ts';
import { inviteKey, kindsFor, planInvites } from '../domain/invites.ts';
import { contactHash, type VerificationKind } from '../domain/notification-id.ts';
import type { Applicant, Application } from '../generated/prisma/client.ts';
import { JOB_NAMES } from '../ports.ts';
import { type RequestVerificationDeps, refsOf } from './run-state.ts';

/**
 * Sends the invitations that are due, in the caller's transaction: NotificationRequested per channel not yet
 * requested (deterministic ids), InviteSent per applicant × kind, and the invite's expiry job. An applicant ×
 * kind the platform gave no verification or link for is reported (InviteBlocked platform_ids_unavailable),
 * once, and nothing is sent for it.
 */
export async function sendDueInvites(
  deps: RequestVerificationDeps,
  tx: Tx,
  application: Application,
  applicants: Applicant[],
  settings: ReturnType<Tenants['property']>,
  meta: { tenantId: string; correlationId: string },
): Promise<void> {
  const logger = deps.logger.child({ job: JOB_NAMES.request });
  const invitable = applicants.filter((a) => a.status === 'requested' && a.platformApplicantId);
  const ids = invitable.map((a) => a.id);
  const [invites, sent] = await Promise.all([
    tx.invite.findMany({ where: { applicantId: { in: ids } } }),
    tx.inviteNotification.findMany({ where: { applicantId: { in: ids } }, select: { id: true } }),
  ]);
  const plan = planInvites({
    now: (deps.now ?? (() => new Date()))(),
    inviteExpiryDays: settings.inviteExpiryDays,
    kinds: kindsFor(settings),
    channels: settings.channels,
    applicants: invitable.map((a) => ({
      applicantId: a.id,
      firstName: a.firstName,
      lastName: a.lastName,
      email: a.platformEmail,
      mobilePhone: a.platformPhone,
      verifications: refsOf(a),
    })),
    invites: new Map(invites.map((i) => [inviteKey(i.applicantId, i.kind as VerificationKind), i])),
    sent: new Set(sent.map((s) => s.id)),
  });

  for (const missing of plan.missing) {
    const applicant = invitable.find((a) => a.id === missing.applicantId);
    if (!applicant || applicant.waitingFor === 'platform_ids_unavailable') continue;
    if (invites.some((i) => i.applicantId === missing.applicantId && i.kind === missing.kind)) continue;
    const detail = idsUnavailableDetail({
      kind: missing.what === 'link' ? 'no_link' : 'no_verification',
      groupId: applicant.platformGroupId ?? 'unknown',
      verificationKind: missing.kind,
    });
    await tx.applicant.update({
      where: { id: applicant.id },
      data: { waitingFor: 'platform_ids_unavailable' },
    });
    await deps.outbox.add(
      tx,
      InviteBlockedV2,
      {
        applicationId: application.id,
        applicantId: missing.applicantId,
        kind: missing.kind,
        reason: 'platform_ids_unavailable',
        detail,
      },
      meta,
    );
    logger.error(
      { applicationId: application.id, applicantId: missing.applicantId, kind: missing.kind },
      detail,
    );
  }

  for (const invite of plan.invites) {
    if (invite.isNew) {
      await tx.invite.create({
        data: {
          applicantId: invite.applicantId,
          kind: invite.kind,
          applicationId: application.id,
          verificationId: invite.verificationId,
          link: invite.link,
          status: 'sent',
          expiresAt: invite.expiresAt,
        },
      });
      await deps.jobs.send(
        JOB_NAMES.expire,
        { applicantId: invite.applicantId, kind: invite.kind },
        { tx, singletonKey: inviteKey(invite.applicantId, invite.kind), startAfter: invite.expiresAt },
      );
    }
    for (const n of invite.notifications) {
      await tx.inviteNotification.create({
        data: {
          id: n.notificationId,
          applicantId: invite.applicantId,
          kind: invite.kind,
          channel: n.channel,
          contactHash: contactHash(n.channel, n.to),
        },
      });
      await deps.outbox.add(
        tx,
        NotificationRequested,
        {
          notificationId: n.notificationId,
          applicationId: application.id,
          applicantId: invite.applicantId,
          propertyId: application.propertyId,
          purpose: 'invite',
          kind: invite.kind,
          channel: n.channel,
          to: n.to,
          recipientName: invite.recipientName,
          link: invite.link,
          expiresAt: invite.expiresAt.toISOString(),
        },
        meta,
      );
    }
    await deps.outbox.add(
      tx,
      InviteSent,
      {
        applicationId: application.id,
        applicantId: invite.applicantId,
        propertyId: application.propertyId,
        kind: invite.kind,
        channels: invite.notifications.map((n) => n.channel),
        notificationIds: invite.notifications.map((n) => n.notificationId),
        link: invite.link,
        expiresAt: invite.expiresAt.toISOString(),
        resend: invite.resend,
      },
      meta,
    );
    logger.info(
      {
        applicationId: application.id,
        applicantId: invite.applicantId,
        kind: invite.kind,
        channels: invite.notifications.map((n) => n.channel),
        resend: invite.resend,
      },
      'invite sent',
    );
  }
}

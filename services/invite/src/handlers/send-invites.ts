import type { ResolvedProperty } from '@autoverify/config';
import { InviteBlockedV2, type VerificationKind } from '@autoverify/contracts';
import type { EventMeta } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import { idsUnavailableDetail } from '../domain/blocks.ts';
import { inviteKey, kindsFor, planInvites } from '../domain/invites.ts';
import { expireInvite } from '../jobs.ts';
import { recordInviteLatency } from '../metrics.ts';
import type { InviteContext } from '../service.ts';
import { type Applicant, type Application, markHeld, verificationsOf } from '../store/applications.ts';
import { createInvites, findInvitesOf, requestedNotificationIds } from '../store/invites.ts';
import { sendInvitations } from './invitation.ts';

/**
 * Sends the invitations that are due, in the caller's transaction: per applicant × kind, the notifications
 * not yet requested (deterministic ids) and InviteSent, and for a new invite its expiry job. An applicant ×
 * kind the platform gave no verification or link for is reported (InviteBlocked platform_ids_unavailable),
 * once, and nothing is sent for it.
 */
export async function sendDueInvites(
  ctx: InviteContext,
  tx: SqlTransaction,
  application: Application,
  applicants: Applicant[],
  settings: ResolvedProperty,
  meta: EventMeta,
): Promise<void> {
  const invitable = applicants.filter((a) => a.status === 'requested' && a.platformApplicantId);
  const ids = invitable.map((a) => a.id);
  // One connection: its statements run one after the other.
  const invites = await findInvitesOf(tx.sql, ids);
  const sent = await requestedNotificationIds(tx.sql, ids);
  const plan = planInvites({
    now: ctx.clock.now(),
    inviteExpiryDays: settings.inviteExpiryDays,
    kinds: kindsFor(settings),
    channels: settings.channels,
    applicants: invitable.map((a) => ({
      applicantId: a.id,
      firstName: a.firstName,
      lastName: a.lastName,
      email: a.platformEmail,
      mobilePhone: a.platformPhone,
      verifications: verificationsOf(a),
    })),
    invites: new Map(invites.map((i) => [inviteKey(i.applicantId, i.kind as VerificationKind), i])),
    sent,
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
    await markHeld(tx.sql, applicant.id, { waitingFor: 'platform_ids_unavailable' });
    await tx.outbox.add(
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
    ctx.logger.error(
      { applicationId: application.id, applicantId: missing.applicantId, kind: missing.kind },
      detail,
    );
  }

  const created = plan.invites.filter((invite) => invite.isNew);
  await createInvites(
    tx.sql,
    created.map((invite) => ({
      applicantId: invite.applicantId,
      kind: invite.kind,
      applicationId: application.id,
      verificationId: invite.verificationId,
      link: invite.link,
      expiresAt: invite.expiresAt,
    })),
  );
  await ctx.jobs.sendMany(
    expireInvite,
    created.map((invite) => ({
      data: { applicantId: invite.applicantId, kind: invite.kind },
      key: inviteKey(invite.applicantId, invite.kind),
      startAfter: invite.expiresAt,
    })),
    { tx },
  );
  const seconds = (ctx.clock.now().getTime() - application.createdAt.getTime()) / 1000;
  for (const invite of created) recordInviteLatency(ctx.meter, invite.kind, seconds);
  await sendInvitations(
    tx,
    plan.invites.map((invite) => ({
      ...invite,
      applicationId: application.id,
      propertyId: application.propertyId,
    })),
    meta,
  );
  for (const invite of plan.invites) {
    ctx.logger.info(
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

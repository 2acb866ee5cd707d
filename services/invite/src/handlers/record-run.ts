import { InviteBlockedV2, VerificationRequested } from '@autoverify/contracts';
import type { EventMeta } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import type { InviteContext } from '../service.ts';
import {
  type Applicant,
  findApplication,
  finishRun,
  listApplicants,
  markHeld,
  markRejected,
  recordPlatformApplicants,
  recordPlatformContact,
  verificationsOf,
} from '../store/applications.ts';
import type { RunState } from './run-state.ts';
import { sendDueInvites } from './send-invites.ts';

type BlockReason = 'platform_rejected' | 'rent_unknown' | 'platform_ids_unavailable';

/**
 * The completing transaction of a platform run: records the ids and contacts, reports rejections and held
 * applicants (once each), publishes VerificationRequested per group whose mapping changed (also for a group
 * without known applicants, so its household reports still map to the application), sends the invitations
 * that are due, and releases the claim. One plain-pg transaction (ctx.db.transaction): it runs once or more
 * per application and writes per applicant (docs/architecture.md "Data access rules").
 */
export function recordRun(ctx: InviteContext, applicationId: string, state: RunState): Promise<void> {
  return ctx.db.transaction(async (tx) => {
    const application = await findApplication(tx.sql, applicationId);
    const meta = { tenantId: application.tenantId, correlationId: application.id };
    const settings = ctx.tenants.property(application.tenantId, application.propertyId);
    const block = (applicant: Applicant, reason: BlockReason, detail: string) =>
      reportBlocked(ctx, tx, applicant, reason, detail, meta);

    await recordPlatformApplicants(
      tx.sql,
      state.recorded.map((r) => ({
        id: r.applicant.id,
        groupId: r.groupId,
        applicantId: r.platformApplicantId,
        email: r.email,
        phone: r.phone,
        verifications: r.verifications,
      })),
    );
    for (const u of state.contactUpdates)
      await recordPlatformContact(tx.sql, u.applicant.id, u.email, u.phone);
    for (const { applicant, detail } of state.rejected) {
      const firstTime =
        !state.recorded.some((r) => r.applicant.id === applicant.id) && applicant.status !== 'requested';
      if (firstTime) await markRejected(tx.sql, applicant.id, detail);
      await block(applicant, 'platform_rejected', detail);
    }
    for (const held of state.held) {
      await markHeld(tx.sql, held.applicant.id, {
        groupId: held.reason === 'platform_ids_unavailable' ? held.groupId : undefined,
        ...(held.report ? { waitingFor: held.reason } : {}),
      });
      // Reported once per reason: a replay or a later run that finds the same gap says nothing new.
      if (held.report && held.applicant.waitingFor !== held.reason)
        await block(held.applicant, held.reason, held.detail);
    }

    const applicants = await listApplicants(tx.sql, applicationId);
    for (const groupId of state.groups) {
      const members = applicants.filter((a) => a.platformGroupId === groupId && a.platformApplicantId);
      await tx.outbox.add(
        VerificationRequested,
        {
          applicationId,
          entrataApplicationId: application.entrataApplicationId,
          propertyId: application.propertyId,
          applicantGroupId: groupId,
          applicants: members.map((a) => ({
            applicantId: a.id,
            entrataCustomerId: a.entrataCustomerId,
            platformApplicantId: a.platformApplicantId as string,
            verifications: verificationsOf(a).map(({ kind, verificationId }) => ({ kind, verificationId })),
          })),
        },
        meta,
      );
    }

    await sendDueInvites(ctx, tx, application, applicants, settings, meta);
    const waitingForRent = state.held.some((h) => h.reason === 'rent_unknown');
    await finishRun(tx.sql, applicationId, {
      applicantGroupId: application.applicantGroupId ?? state.primaryGroupId ?? null,
      requestStatus: state.retryable ? 'queued' : waitingForRent ? 'waiting_for_rent' : 'done',
      lastError: state.retryable ? state.retryable.message : null,
    });
  });
}

async function reportBlocked(
  ctx: InviteContext,
  tx: SqlTransaction,
  applicant: Applicant,
  reason: BlockReason,
  detail: string,
  meta: EventMeta,
): Promise<void> {
  await tx.outbox.add(
    InviteBlockedV2,
    { applicationId: applicant.applicationId, applicantId: applicant.id, reason, detail },
    meta,
  );
  ctx.logger.warn(
    { applicationId: applicant.applicationId, applicantId: applicant.id, reason },
    'applicant cannot be invited',
  );
}

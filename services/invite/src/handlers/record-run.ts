import { InviteBlockedV2, VerificationRequested } from '@autoverify/contracts';
import type { Tx } from '../db.ts';
import type { Applicant } from '../generated/prisma/client.ts';
import { type RequestVerificationDeps, type RunState, refsOf } from './run-state.ts';
import { sendDueInvites } from './send-invites.ts';

/**
 * The completing transaction of a platform run: records the ids and contacts, reports rejections and held
 * applicants (once each), publishes VerificationRequested per group whose mapping changed (also for a group
 * without known applicants, so its household reports still map to the application), sends the invitations
 * that are due, and releases the claim.
 */
export function recordRun(deps: RequestVerificationDeps) {
  const logger = deps.logger.child({ job: 'create-verification-request' });

  return async function complete(applicationId: string, state: RunState): Promise<void> {
    await deps.prisma.$transaction(async (tx) => {
      const application = await tx.application.findUniqueOrThrow({ where: { id: applicationId } });
      const meta = { tenantId: application.tenantId, correlationId: application.id };
      const settings = deps.tenants.property(application.tenantId, application.propertyId);

      for (const r of state.recorded) {
        await tx.applicant.update({
          where: { id: r.applicant.id },
          data: {
            status: 'requested',
            platformGroupId: r.groupId,
            platformApplicantId: r.platformApplicantId,
            platformEmail: r.email,
            platformPhone: r.phone,
            platformVerifications: r.verifications as object[],
            waitingFor: null,
          },
        });
      }
      for (const u of state.contactUpdates) {
        await tx.applicant.update({
          where: { id: u.applicant.id },
          data: { platformEmail: u.email, platformPhone: u.phone },
        });
      }
      for (const { applicant, detail } of state.rejected) {
        const firstTime =
          !state.recorded.some((r) => r.applicant.id === applicant.id) && applicant.status !== 'requested';
        if (firstTime) {
          await tx.applicant.update({
            where: { id: applicant.id },
            data: { status: 'rejected', blockedReason: 'platform_rejected', blockedDetail: detail },
          });
        }
        await block(tx, applicant, 'platform_rejected', detail, meta);
      }
      for (const held of state.held) {
        await tx.applicant.update({
          where: { id: held.applicant.id },
          data: {
            // In a group whose ids we lack: read again later. Without a group (an unanswered create) the
            // applicant stays pending, so each later run looks the group up again.
            ...(held.reason === 'platform_ids_unavailable' && held.groupId
              ? { status: 'ids_unavailable', platformGroupId: held.groupId }
              : {}),
            ...(held.report ? { waitingFor: held.reason } : {}),
          },
        });
        // Reported once per reason: a replay or a later run that finds the same gap says nothing new.
        if (held.report && held.applicant.waitingFor !== held.reason)
          await block(tx, held.applicant, held.reason, held.detail, meta);
      }

      const applicants = await tx.applicant.findMany({
        where: { applicationId },
        orderBy: { createdAt: 'asc' },
      });
      for (const groupId of state.groups) {
        const members = applicants.filter((a) => a.platformGroupId === groupId && a.platformApplicantId);
        await deps.outbox.add(
          tx,
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
              verifications: refsOf(a).map(({ kind, verificationId }) => ({ kind, verificationId })),
            })),
          },
          meta,
        );
      }

      await sendDueInvites(deps, tx, application, applicants, settings, meta);
      const waitingForRent = state.held.some((h) => h.reason === 'rent_unknown');
      await tx.application.update({
        where: { id: applicationId },
        data: {
          applicantGroupId: application.applicantGroupId ?? state.primaryGroupId ?? null,
          requestStatus: state.retryable ? 'queued' : waitingForRent ? 'waiting_for_rent' : 'done',
          leaseUntil: null,
          lastError: state.retryable ? state.retryable.message : null,
        },
      });
    });
  };

  async function block(
    tx: Tx,
    applicant: Applicant,
    reason: 'platform_rejected' | 'rent_unknown' | 'platform_ids_unavailable',
    detail: string,
    meta: { tenantId: string; correlationId: string },
  ): Promise<void> {
    await deps.outbox.add(
      tx,
      InviteBlockedV2,
      { applicationId: applicant.applicationId, applicantId: applicant.id, reason, detail },
      meta,
    );
    logger.warn(
      { applicationId: applicant.applicationId, applicantId: applicant.id, reason },
      'applicant cannot be invited',
    );
  }
}

import { randomUUID } from 'node:crypto';
import type { SqlTransaction } from '@autoverify/service-kit';
import { decideResend, type ResendProblem, type ResendRequest, resendRequestHash } from '../domain/resend.ts';
import type { InviteContext } from '../service.ts';
import { findApplicantIn } from '../store/applications.ts';
import {
  createResend,
  findInvite,
  findResendByKey,
  type InviteResend,
  lockIdempotencyKey,
  lockInvite,
  nextResendSequence,
} from '../store/invites.ts';
import { sendInvitations } from './invitation.ts';

export interface ResendResponse {
  resendId: string;
  sequence: number;
  notificationIds: string[];
}

export type ResendResult =
  | {
      ok: true;
      response: ResendResponse;
      /** An earlier request with the same Idempotency-Key. */
      replayed: boolean;
    }
  | { ok: false; problem: ResendProblem };

export type ResendInvite = (request: ResendRequest, idempotencyKey?: string) => Promise<ResendResult>;

/**
 * Support's deliberate re-send of an open invitation. ONE transaction records the request in
 * `invite_resends` (its per applicant × kind sequence number makes the new notification ids), requests
 * one message per channel and publishes InviteSent with `resend: true` (sendInvitations, as the first send).
 * Same-key requests are serialised by an advisory lock and answered from the stored row; re-sends of one
 * invite, and its completion or expiry, are serialised by locking the invite row. A plain-pg transaction
 * (ctx.db.transaction): it shares sendInvitations and the application read with the platform job.
 */
export function resendInvite(ctx: InviteContext): ResendInvite {
  const logger = ctx.logger.child({ useCase: 'resend-invite' });

  return async function resend(request, idempotencyKey) {
    const result = await ctx.db.transaction((tx) => resendIn(ctx, tx, request, idempotencyKey));
    const ids = {
      applicationId: request.applicationId,
      applicantId: request.applicantId,
      kind: request.kind,
    };
    if (result.ok && !result.replayed) {
      // requestedBy and reason stay in the audit table: they may name people.
      logger.info(
        { ...ids, resendId: result.response.resendId, sequence: result.response.sequence },
        'invite re-sent on support request',
      );
    } else if (result.ok)
      logger.info(
        { ...ids, resendId: result.response.resendId },
        'repeated re-send request answered from the audit table',
      );
    else logger.info({ ...ids, status: result.problem.status, type: result.problem.type }, 're-send refused');
    return result;
  };
}

async function resendIn(
  ctx: InviteContext,
  tx: SqlTransaction,
  request: ResendRequest,
  idempotencyKey: string | undefined,
): Promise<ResendResult> {
  const requestHash = resendRequestHash(request);
  if (idempotencyKey !== undefined) {
    await lockIdempotencyKey(tx.sql, idempotencyKey);
    const earlier = await findResendByKey(tx.sql, idempotencyKey);
    if (earlier) {
      if (earlier.requestHash !== requestHash)
        return {
          ok: false,
          problem: {
            status: 422,
            type: 'urn:problem:idempotency-key-reused',
            title: 'Idempotency Key Reused',
            detail: `Idempotency-Key ${JSON.stringify(idempotencyKey)} was used for a different request (re-send ${earlier.id}); use a new key for a new request`,
          },
        };
      return { ok: true, replayed: true, response: responseOf(earlier) };
    }
  }

  const { applicationId, applicantId, kind } = request;
  const applicant = await findApplicantIn(tx.sql, applicationId, applicantId);
  if (applicant) await lockInvite(tx.sql, applicantId, kind);
  const invite = applicant ? await findInvite(tx.sql, applicantId, kind) : null;
  const sequence = await nextResendSequence(tx.sql, applicantId, kind);
  const settings = applicant
    ? ctx.tenants.property(applicant.application.tenantId, applicant.application.propertyId)
    : undefined;

  const decision = decideResend(request, {
    applicant,
    invite,
    channels: settings?.channels ?? { email: false, sms: false },
    sequence,
    now: ctx.clock.now(),
  });
  if (!decision.ok) return decision;
  // decideResend refuses without an applicant and invite, so both are known here.
  const { application, firstName, lastName } = applicant as NonNullable<typeof applicant>;
  const { link, expiresAt } = invite as NonNullable<typeof invite>;

  const row = await createResend(tx.sql, {
    id: randomUUID(),
    applicationId,
    applicantId,
    kind,
    sequence,
    notifications: decision.notifications,
    requestedBy: request.requestedBy,
    reason: request.reason,
    idempotencyKey: idempotencyKey ?? null,
    requestHash,
  });
  await sendInvitations(
    tx,
    [
      {
        applicationId: application.id,
        propertyId: application.propertyId,
        applicantId,
        kind,
        recipientName: `${firstName} ${lastName}`.trim(),
        link,
        expiresAt,
        resend: true,
        notifications: decision.notifications,
      },
    ],
    { tenantId: application.tenantId, correlationId: application.id },
  );
  return { ok: true, replayed: false, response: responseOf(row) };
}

function responseOf(row: InviteResend): ResendResponse {
  return { resendId: row.id, sequence: row.sequence, notificationIds: row.notificationIds };
}

import { randomUUID } from 'node:crypto';
import type { Tenants } from '@autoverify/config';
import { InviteSent, NotificationRequested } from '@autoverify/contracts';
import type { Logger } from '@autoverify/logger';
import type { Outbox } from '@autoverify/messaging';
import type { PrismaClient, Tx } from '../db.ts';
import { contactHash } from '../domain/notification-id.ts';
import { decideResend, type ResendProblem, type ResendRequest, resendRequestHash } from '../domain/resend.ts';
import type { InviteResend } from '../generated/prisma/client.ts';

export interface ResendInviteDeps {
  prisma: PrismaClient;
  outbox: Outbox<Tx>;
  tenants: Tenants;
  relay: { wake(): void };
  logger: Logger;
  now?: () => Date;
}

export interface ResendResponse {
  resendId: string;
  sequence: number;
  notificationIds: string[];
}

export type ResendResult =
  | {
      ok: true;
      response: ResendResponse /** An earlier request with the same Idempotency-Key. */;
      replayed: boolean;
    }
  | { ok: false; problem: ResendProblem };

export type ResendInvite = (request: ResendRequest, idempotencyKey?: string) => Promise<ResendResult>;

/** Keeps our advisory locks apart from anyone else's (the two-int key space; pg-boss uses the bigint one). */
const IDEMPOTENCY_LOCK_SPACE = 0x1f7e5e9d;

/**
 * Support's deliberate re-send of an open invitation. ONE transaction records the request in
 * `invite_resends` (its per applicant × kind sequence number makes the new notification ids), requests
 * one message per channel and publishes InviteSent with `resend: true`; then the relay is woken.
 * Same-key requests are serialised by an advisory lock and answered from the stored row; re-sends of one
 * invite, and its completion or expiry, are serialised by locking the invite row.
 */
export function resendInviteUseCase(deps: ResendInviteDeps): ResendInvite {
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger.child({ useCase: 'resend-invite' });

  return async function resend(request, idempotencyKey) {
    const requestHash = resendRequestHash(request);
    const result = await deps.prisma.$transaction(async (tx): Promise<ResendResult> => {
      if (idempotencyKey !== undefined) {
        await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${IDEMPOTENCY_LOCK_SPACE}::int, hashtext(${idempotencyKey}))`;
        const earlier = await tx.inviteResend.findUnique({ where: { idempotencyKey } });
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

      const applicant = await tx.applicant.findFirst({
        where: { id: request.applicantId, applicationId: request.applicationId },
        include: { application: true },
      });
      if (applicant)
        await tx.$queryRaw`SELECT 1 AS locked FROM invites WHERE applicant_id = ${request.applicantId}::uuid AND kind = ${request.kind} FOR UPDATE`;
      const invite = applicant
        ? await tx.invite.findUnique({
            where: { applicantId_kind: { applicantId: request.applicantId, kind: request.kind } },
          })
        : null;
      const last = await tx.inviteResend.aggregate({
        where: { applicantId: request.applicantId, kind: request.kind },
        _max: { sequence: true },
      });
      const sequence = (last._max.sequence ?? 0) + 1;
      const settings = applicant
        ? deps.tenants.property(applicant.application.tenantId, applicant.application.propertyId)
        : undefined;

      const decision = decideResend(request, {
        applicant,
        invite,
        channels: settings?.channels ?? { email: false, sms: false },
        sequence,
        now: now(),
      });
      if (!decision.ok) return decision;
      // decideResend refuses without an applicant and invite, so both are known here.
      const { application } = applicant as NonNullable<typeof applicant>;
      const { link, expiresAt } = invite as NonNullable<typeof invite>;

      const row = await tx.inviteResend.create({
        data: {
          id: randomUUID(),
          applicationId: request.applicationId,
          applicantId: request.applicantId,
          kind: request.kind,
          sequence,
          channels: decision.notifications.map((n) => n.channel),
          notificationIds: decision.notifications.map((n) => n.notificationId),
          requestedBy: request.requestedBy,
          reason: request.reason,
          idempotencyKey: idempotencyKey ?? null,
          requestHash,
        },
      });
      const meta = { tenantId: application.tenantId, correlationId: application.id };
      const recipientName = `${applicant?.firstName ?? ''} ${applicant?.lastName ?? ''}`.trim();
      for (const n of decision.notifications) {
        await tx.inviteNotification.create({
          data: {
            id: n.notificationId,
            applicantId: request.applicantId,
            kind: request.kind,
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
            applicantId: request.applicantId,
            propertyId: application.propertyId,
            purpose: 'invite',
            kind: request.kind,
            channel: n.channel,
            to: n.to,
            recipientName,
            link,
            expiresAt: expiresAt.toISOString(),
          },
          meta,
        );
      }
      await deps.outbox.add(
        tx,
        InviteSent,
        {
          applicationId: application.id,
          applicantId: request.applicantId,
          propertyId: application.propertyId,
          kind: request.kind,
          channels: row.channels as ('email' | 'sms')[],
          notificationIds: row.notificationIds,
          link,
          expiresAt: expiresAt.toISOString(),
          resend: true,
        },
        meta,
      );
      return { ok: true, replayed: false, response: responseOf(row) };
    });

    const ids = {
      applicationId: request.applicationId,
      applicantId: request.applicantId,
      kind: request.kind,
    };
    if (result.ok && !result.replayed) {
      deps.relay.wake();
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

function responseOf(row: InviteResend): ResendResponse {
  return { resendId: row.id, sequence: row.sequence, notificationIds: row.notificationIds };
}

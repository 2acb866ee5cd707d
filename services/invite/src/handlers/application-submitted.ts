import type { Tenants } from '@autoverify/config';
import {
  ApplicationSubmitted,
  ApplicationSubmittedV2,
  ApplicationSubmittedV3,
  type EventOf,
  InviteBlockedV2,
  type PayloadOf,
} from '@autoverify/contracts';
import { type Handler, type HandlerContext, handle, PermanentError } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import type { ContactIssue } from '../domain/contact.ts';
import { decideSubmission, type KnownApplicant } from '../domain/submission.ts';
import { createVerificationRequest } from '../jobs.ts';
import type { InviteContext } from '../service.ts';
import {
  type Applicant,
  type ApplicantSnapshot,
  createApplication,
  findApplicationWithApplicants,
  type KnownRent,
  queuePlatformWork,
  saveApplicants,
  setRent,
} from '../store/applications.ts';

type Submitted = PayloadOf<typeof ApplicationSubmittedV2>;

/**
 * Records the application's applicants (and its monthly rent, when the submission carries it) and decides
 * what the platform job has to do. Runs in the consumer's transaction (with the inbox row), so the rows, the
 * InviteBlocked events and the job are committed together or not at all. v1, v2 and v3 are all handled: a v1
 * submission (from before the rent was read) tells nothing about the rent, and a known rent is kept; v3 is
 * v2 within size limits (ingest publishes v3).
 */
export function applicationSubmittedHandlers(ctx: InviteContext): Handler<SqlTransaction>[] {
  const record = recordSubmission(ctx);
  return [
    handle(ApplicationSubmitted, (event, tx: SqlTransaction, hctx) => record(event, event.payload, tx, hctx)),
    handle(ApplicationSubmittedV2, (event, tx: SqlTransaction, hctx) =>
      record(event, event.payload, tx, hctx),
    ),
    handle(ApplicationSubmittedV3, (event, tx: SqlTransaction, hctx) =>
      record(event, event.payload, tx, hctx),
    ),
  ];
}

function recordSubmission(ctx: InviteContext) {
  return async (
    event:
      | EventOf<typeof ApplicationSubmitted>
      | EventOf<typeof ApplicationSubmittedV2>
      | EventOf<typeof ApplicationSubmittedV3>,
    p: Submitted,
    tx: SqlTransaction,
    { logger }: HandlerContext<SqlTransaction>,
  ): Promise<void> => {
    let settings: ReturnType<Tenants['property']>;
    try {
      settings = ctx.tenants.property(event.tenantId, p.propertyId);
    } catch (error) {
      // An unknown customer is a configuration problem no retry fixes: straight to the dead-letter topic.
      throw new PermanentError(`no settings for tenant ${event.tenantId}: ${(error as Error).message}`);
    }

    const existing = await findApplicationWithApplicants(tx.sql, p.applicationId);
    const previous = new Map((existing?.applicants ?? []).map((a) => [a.id, a]));
    const decision = decideSubmission(existing?.applicants.map(toKnown), p.applicants, settings.channels);

    const rent: KnownRent | undefined =
      p.monthlyRentCents === undefined
        ? undefined
        : { monthlyRentCents: p.monthlyRentCents, rentSource: p.rentSource ?? null };
    if (!existing) {
      await createApplication(
        tx.sql,
        {
          id: p.applicationId,
          tenantId: event.tenantId,
          entrataApplicationId: p.entrataApplicationId,
          propertyId: p.propertyId,
          submittedAt: new Date(p.submittedAt),
        },
        rent,
      );
    } else if (rent) {
      await setRent(tx.sql, p.applicationId, rent);
    }
    // The invitations held back for the rent go out once a submission carries it.
    // Also while a run is under way (it read no rent): the job queued here runs after it.
    const rentArrived = existing?.monthlyRentCents === null && p.monthlyRentCents !== undefined;

    const snapshots: (ApplicantSnapshot & { id: string })[] = [];
    for (const [index, d] of decision.applicants.entries()) {
      const submitted = p.applicants[index];
      if (!submitted) continue;
      const before = previous.get(d.applicantId);
      // Someone already invited keeps their invite even if a later submission lost their contact.
      const invitedBefore = before?.status === 'requested';
      const status = invitedBefore
        ? 'requested'
        : d.blocked
          ? 'blocked'
          : d.change === 'new' || d.change === 'added'
            ? 'pending'
            : (before?.status ?? 'pending');
      snapshots.push({
        id: d.applicantId,
        entrataCustomerId: submitted.entrataCustomerId,
        role: submitted.role,
        firstName: submitted.firstName,
        lastName: submitted.lastName,
        email: submitted.email ?? null,
        mobilePhone: submitted.mobilePhone ?? null,
        contactIssues: submitted.contactIssues,
        contactNotes: d.notes,
        status,
        blockedReason: status === 'blocked' ? (d.blocked?.reason ?? null) : null,
        blockedDetail: status === 'blocked' ? (d.blocked?.detail ?? null) : null,
      });

      if (d.blocked && d.reportBlock && !invitedBefore) {
        await tx.outbox.add(
          InviteBlockedV2,
          {
            applicationId: p.applicationId,
            applicantId: d.applicantId,
            reason: d.blocked.reason,
            detail: d.blocked.detail,
          },
          { tenantId: event.tenantId, correlationId: p.applicationId, causationId: event.id },
        );
        logger.warn(
          { applicationId: p.applicationId, applicantId: d.applicantId, reason: d.blocked.reason },
          'applicant cannot be invited',
        );
      } else if (d.notes.length > 0 && d.change !== 'unchanged') {
        // Invited on the channel that works; the other channel's problem stays on the applicant row.
        logger.warn(
          { applicationId: p.applicationId, applicantId: d.applicantId, channels: d.usable, notes: d.notes },
          'applicant invited on some channels only',
        );
      }
    }

    await saveApplicants(tx.sql, p.applicationId, snapshots);

    if (decision.syncPlatform || rentArrived) {
      // The key names the revision, not just the application: the queue admits one job per key while
      // another is queued OR running, and a change made during a run must not be dropped.
      const revision = await queuePlatformWork(tx.sql, p.applicationId);
      await ctx.jobs.send(
        createVerificationRequest,
        { applicationId: p.applicationId },
        { tx, key: `${p.applicationId}:r${revision}` },
      );
    }
    logger.info(
      {
        applicationId: p.applicationId,
        firstTime: decision.firstTime,
        syncPlatform: decision.syncPlatform,
        rentArrived,
        rentKnown: p.monthlyRentCents !== undefined || (existing?.monthlyRentCents ?? null) !== null,
        changes: decision.applicants.map((a) => ({
          applicantId: a.applicantId,
          change: a.change,
          blocked: a.blocked?.reason,
        })),
      },
      'application submission recorded',
    );
  };
}

function toKnown(a: Applicant): KnownApplicant {
  return {
    applicantId: a.id,
    email: a.email,
    mobilePhone: a.mobilePhone,
    contactIssues: a.contactIssues as ContactIssue[],
    blocked: a.status === 'blocked' ? { reason: a.blockedReason ?? '', detail: a.blockedDetail } : null,
    rejected: a.status === 'rejected',
    // In a group without ids, or held after an unanswered create: each submission looks again.
    awaitingIds:
      a.status === 'ids_unavailable' ||
      (a.status === 'pending' && a.waitingFor === 'platform_ids_unavailable'),
  };
}

import type { Tenants } from '@autoverify/config';
import {
  ApplicationSubmitted,
  ApplicationSubmittedV2,
  type EventOf,
  InviteBlockedV2,
  type PayloadOf,
} from '@autoverify/contracts';
import { type Handler, type HandlerContext, handle, PermanentError } from '@autoverify/messaging';
import type { Tx } from '../db.ts';
import type { ContactIssue } from '../domain/contact.ts';
import { decideSubmission, type KnownApplicant } from '../domain/submission.ts';
import type { Applicant } from '../generated/prisma/client.ts';
import { JOB_NAMES, type JobRetry, type JobSender, REQUEST_JOB_RETRY } from '../ports.ts';

export interface ApplicationSubmittedDeps {
  tenants: Tenants;
  jobs: JobSender;
  retry?: JobRetry;
}

type Submitted = PayloadOf<typeof ApplicationSubmittedV2>;

/**
 * Records the application's applicants (and its monthly rent, when the submission carries it) and decides
 * what the platform job has to do. Runs in the consumer's transaction (with the inbox row), so the rows, the
 * InviteBlocked events and the job are committed together or not at all. v1 and v2 are both handled: a v1
 * submission (from before the rent was read) tells nothing about the rent, and a known rent is kept.
 */
export function applicationSubmittedHandlers(deps: ApplicationSubmittedDeps): Handler<Tx>[] {
  const record = recordSubmission(deps);
  return [
    handle(ApplicationSubmitted, (event, tx: Tx, ctx) => record(event, event.payload, tx, ctx)),
    handle(ApplicationSubmittedV2, (event, tx: Tx, ctx) => record(event, event.payload, tx, ctx)),
  ];
}

function recordSubmission(deps: ApplicationSubmittedDeps) {
  return async (
    event: EventOf<typeof ApplicationSubmitted> | EventOf<typeof ApplicationSubmittedV2>,
    p: Submitted,
    tx: Tx,
    ctx: HandlerContext<Tx>,
  ): Promise<void> => {
    let settings: ReturnType<Tenants['property']>;
    try {
      settings = deps.tenants.property(event.tenantId, p.propertyId);
    } catch (error) {
      // An unknown customer is a configuration problem no retry fixes: straight to the dead-letter topic.
      throw new PermanentError(`no settings for tenant ${event.tenantId}: ${(error as Error).message}`);
    }

    const existing = await tx.application.findUnique({
      where: { id: p.applicationId },
      include: { applicants: true },
    });
    const previous = new Map((existing?.applicants ?? []).map((a) => [a.id, a]));
    const decision = decideSubmission(existing?.applicants.map(toKnown), p.applicants, settings.channels);

    const rent =
      p.monthlyRentCents === undefined
        ? {}
        : { monthlyRentCents: p.monthlyRentCents, rentSource: p.rentSource ?? null };
    if (!existing) {
      await tx.application.create({
        data: {
          id: p.applicationId,
          tenantId: event.tenantId,
          entrataApplicationId: p.entrataApplicationId,
          propertyId: p.propertyId,
          submittedAt: new Date(p.submittedAt),
          ...rent,
        },
      });
    } else if (p.monthlyRentCents !== undefined) {
      await tx.application.update({ where: { id: p.applicationId }, data: rent });
    }
    // The invitations held back for the rent go out once a submission carries it.
    // Also while a run is under way (it read no rent): the job queued here runs after it.
    const rentArrived = existing?.monthlyRentCents === null && p.monthlyRentCents !== undefined;

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
      const snapshot = {
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
      };
      await tx.applicant.upsert({
        where: { id: d.applicantId },
        create: { id: d.applicantId, applicationId: p.applicationId, ...snapshot },
        update: snapshot,
      });

      if (d.blocked && d.reportBlock && !invitedBefore) {
        await ctx.outbox.add(
          tx,
          InviteBlockedV2,
          {
            applicationId: p.applicationId,
            applicantId: d.applicantId,
            reason: d.blocked.reason,
            detail: d.blocked.detail,
          },
          { tenantId: event.tenantId, correlationId: p.applicationId, causationId: event.id },
        );
        ctx.logger.warn(
          { applicationId: p.applicationId, applicantId: d.applicantId, reason: d.blocked.reason },
          'applicant cannot be invited',
        );
      } else if (d.notes.length > 0 && d.change !== 'unchanged') {
        // Invited on the channel that works; the other channel's problem stays on the applicant row.
        ctx.logger.warn(
          { applicationId: p.applicationId, applicantId: d.applicantId, channels: d.usable, notes: d.notes },
          'applicant invited on some channels only',
        );
      }
    }

    if (decision.syncPlatform || rentArrived) {
      // A running job keeps its claim (status running); the job queued here waits for it and then sees
      // this submission. The key names the revision, not just the application: the queue admits one
      // job per key while another is queued OR running, and a change made during a run must not be dropped.
      const { revision } = await tx.application.update({
        where: { id: p.applicationId },
        data: { revision: { increment: 1 } },
      });
      await tx.application.updateMany({
        where: { id: p.applicationId, requestStatus: { not: 'running' } },
        data: { requestStatus: 'queued' },
      });
      await deps.jobs.send(
        JOB_NAMES.request,
        { applicationId: p.applicationId },
        { tx, singletonKey: `${p.applicationId}:r${revision}`, ...(deps.retry ?? REQUEST_JOB_RETRY) },
      );
    }
    ctx.logger.info(
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

import type { Tenants } from '@autoverify/config';
import {
  InviteBlocked,
  InviteSent,
  NotificationRequested,
  VerificationRequested,
} from '@autoverify/contracts';
import type { Logger } from '@autoverify/logger';
import type { Outbox } from '@autoverify/messaging';
import {
  type ApplicantGroup,
  isVerificationPlatformError,
  type PlatformApplicant,
  type VerificationClient,
  VerificationPlatformError,
} from '@autoverify/verification-client';
import type { PrismaClient, Tx } from '../db.ts';
import { normaliseEmail } from '../domain/contact.ts';
import { inviteKey, kindsFor, type PlatformVerificationRef, planInvites } from '../domain/invites.ts';
import { contactHash, type VerificationKind } from '../domain/notification-id.ts';
import {
  matchPlatformApplicants,
  rejectedApplicantIndex,
  verificationRefs,
} from '../domain/platform-mapping.ts';
import type { Applicant, Application } from '../generated/prisma/client.ts';
import { JOB_NAMES, type JobAttempt, type JobSender } from '../ports.ts';
import { groupRequest, toNewApplicant } from './platform-request.ts';

export interface RequestVerificationDeps {
  prisma: PrismaClient;
  outbox: Outbox<Tx>;
  jobs: JobSender;
  platform: VerificationClient;
  tenants: Tenants;
  relay: { wake(): void };
  logger: Logger;
  /** Where the platform sends its webhooks: `${INGEST_PUBLIC_URL}/webhooks/verification-platform`. */
  webhookUrl: string;
  now?: () => Date;
  /** How long a run holds its claim on the application; a crashed run's claim lapses after it. */
  leaseMs?: number;
}

export interface RequestJobData {
  applicationId: string;
}

/** What one run learnt from the platform, written in the completing transaction. */
interface Recorded {
  applicant: Applicant;
  groupId: string;
  platformApplicantId: string;
  email: string | null;
  phone: string | null;
  verifications: PlatformVerificationRef[];
}

interface Rejection {
  applicant: Applicant;
  detail: string;
}

interface ContactUpdate {
  applicant: Applicant;
  email: string | null;
  phone: string | null;
}

interface RunState {
  recorded: Recorded[];
  /** Groups whose id mapping changed in this run: one VerificationRequested each. */
  groups: Map<string, ApplicantGroup['id']>;
  rejected: Rejection[];
  contactUpdates: ContactUpdate[];
  /** A transient failure for part of the work: what succeeded is recorded, then the job retries. */
  retryable?: Error;
}

/**
 * The `create-verification-request` job: brings the platform in line with our applicants and sends
 * the invitations that are due. Every step is idempotent, so the first submission, a changed contact,
 * a newcomer, a retry after a timeout and a retry after a crash all run the same code:
 *   claim the application row (lease) -> create the group, or find it again by correlation id ->
 *   add newcomers -> update changed contacts -> in ONE transaction record the ids, publish
 *   VerificationRequested, NotificationRequested per channel (deterministic ids), InviteSent, and
 *   schedule expiry -> release the claim.
 */
export function requestVerificationJob(deps: RequestVerificationDeps) {
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const logger = deps.logger.child({ job: JOB_NAMES.request });

  return async function run(data: RequestJobData, attempt: JobAttempt): Promise<void> {
    const { applicationId } = data;
    const claimed = await deps.prisma.application.updateMany({
      where: {
        id: applicationId,
        OR: [{ requestStatus: { not: 'running' } }, { leaseUntil: { lt: now() } }],
      },
      data: {
        requestStatus: 'running',
        leaseUntil: new Date(now().getTime() + leaseMs),
        requestAttempts: { increment: 1 },
      },
    });
    if (claimed.count === 0) {
      const exists = await deps.prisma.application.count({ where: { id: applicationId } });
      if (!exists) {
        logger.error({ applicationId }, 'platform job for an unknown application; dropped');
        return;
      }
      // Another run holds the claim: try again later (its own changes are picked up by whoever runs last).
      throw new Error(`application ${applicationId} is being processed by another run`);
    }

    try {
      const state = await talkToPlatform(applicationId);
      await complete(applicationId, state);
      deps.relay.wake();
      if (state.retryable) throw state.retryable;
    } catch (error) {
      await recordFailure(applicationId, error, attempt);
      const retryable = !isVerificationPlatformError(error) || error.retryable;
      if (retryable && !attempt.final) throw error;
    }
  };

  async function talkToPlatform(applicationId: string): Promise<RunState> {
    const application = await deps.prisma.application.findUniqueOrThrow({
      where: { id: applicationId },
      include: { applicants: { orderBy: { createdAt: 'asc' } } },
    });
    const settings = deps.tenants.property(application.tenantId, application.propertyId);
    const kinds = kindsFor(settings);
    const state: RunState = { recorded: [], groups: new Map(), rejected: [], contactUpdates: [] };
    const waiting = application.applicants.filter((a) => a.status === 'pending' && !a.platformApplicantId);

    if (!application.applicantGroupId) {
      if (waiting.length > 0) await createGroup(application, waiting, kinds, settings, state);
    } else {
      for (const applicant of waiting) await addNewcomer(application, applicant, kinds, settings, state);
    }

    for (const applicant of application.applicants) {
      if (applicant.status !== 'requested' || !applicant.platformApplicantId || !applicant.platformGroupId)
        continue;
      const email =
        applicant.email && !sameEmail(applicant.email, applicant.platformEmail) ? applicant.email : undefined;
      const phone =
        applicant.mobilePhone && applicant.mobilePhone !== applicant.platformPhone
          ? applicant.mobilePhone
          : undefined;
      if (!email && !phone) continue;
      try {
        await deps.platform.updateApplicant(applicant.platformGroupId, applicant.platformApplicantId, {
          ...(email ? { email } : {}),
          ...(phone ? { phone_number: phone } : {}),
        });
        state.contactUpdates.push({
          applicant,
          email: email ?? applicant.platformEmail,
          phone: phone ?? applicant.platformPhone,
        });
      } catch (error) {
        if (isApplicantRejection(error)) {
          // The old contact keeps its invite; the new one is not used until the platform accepts it.
          state.rejected.push({
            applicant,
            detail: `the platform refused the new contact details: ${(error as Error).message}`,
          });
        } else state.retryable ??= error as Error;
      }
    }
    return state;
  }

  async function createGroup(
    application: Application,
    applicants: Applicant[],
    kinds: VerificationKind[],
    settings: ReturnType<Tenants['property']>,
    state: RunState,
  ): Promise<void> {
    // A previous run may have created the group and crashed before recording it. Whether the real
    // platform supports this lookup is to be confirmed (see the verification-client README).
    let group = await deps.platform.findApplicantGroupByCorrelationId(application.id);
    let sent = applicants;
    if (group)
      logger.warn(
        { applicationId: application.id, applicantGroupId: group.id },
        'found an unrecorded applicant group; adopting it',
      );
    while (!group && sent.length > 0) {
      try {
        group = await deps.platform.createApplicantGroup(
          groupRequest({
            correlationId: application.id,
            propertyId: application.propertyId,
            property: settings,
            applicants: sent.map((a) => toNewApplicant(a, kinds)),
            webhookUrl: deps.webhookUrl,
          }),
        );
      } catch (error) {
        if (!isApplicantRejection(error)) throw error;
        // Take out the applicants the platform named and try again with the others; if it named
        // none, the whole request is refused and every applicant in it is reported.
        const named = new Set(
          error.problems.map((p) => rejectedApplicantIndex(p.field)).filter((i) => i !== undefined),
        );
        const refused = named.size > 0 ? sent.filter((_, i) => named.has(i)) : sent;
        for (const applicant of refused)
          state.rejected.push({ applicant, detail: rejectionDetail(error, sent.indexOf(applicant)) });
        sent = sent.filter((a) => !refused.includes(a));
      }
    }
    if (group) recordGroup(group, sent, state);
  }

  async function addNewcomer(
    application: Application,
    applicant: Applicant,
    kinds: VerificationKind[],
    settings: ReturnType<Tenants['property']>,
    state: RunState,
  ): Promise<void> {
    const groupId = application.applicantGroupId as string;
    try {
      let added: PlatformApplicant | undefined;
      try {
        added = await deps.platform.addApplicant(groupId, toNewApplicant(applicant, kinds));
      } catch (error) {
        // A platform without "add to an existing group" gets a group of its own for the newcomer;
        // its reports then arrive under that group id (VerificationRequested carries it).
        if (!(error instanceof VerificationPlatformError && (error.status === 404 || error.status === 405)))
          throw error;
      }
      if (added) {
        recordApplicant(groupId, applicant, added, state);
        state.groups.set(groupId, groupId);
        return;
      }
      const correlationId = `${application.id}:${applicant.id}`;
      const group =
        (await deps.platform.findApplicantGroupByCorrelationId(correlationId)) ??
        (await deps.platform.createApplicantGroup(
          groupRequest({
            correlationId,
            propertyId: application.propertyId,
            property: settings,
            applicants: [toNewApplicant(applicant, kinds)],
            webhookUrl: deps.webhookUrl,
          }),
        ));
      recordGroup(group, [applicant], state);
    } catch (error) {
      if (isApplicantRejection(error)) state.rejected.push({ applicant, detail: rejectionDetail(error, 0) });
      else state.retryable ??= error as Error;
    }
  }

  function recordGroup(group: ApplicantGroup, ours: Applicant[], state: RunState): void {
    const matches = matchPlatformApplicants(
      ours.map((a) => ({ ...a, applicantId: a.id })),
      group.applicants,
    );
    for (const applicant of ours) {
      const theirs = matches.get(applicant.id);
      if (theirs) recordApplicant(group.id, applicant, theirs, state);
      else
        state.retryable ??= new Error(
          `applicant group ${group.id} has no applicant matching ${applicant.id}`,
        );
    }
    state.groups.set(group.id, group.id);
  }

  function recordApplicant(
    groupId: string,
    applicant: Applicant,
    theirs: PlatformApplicant,
    state: RunState,
  ): void {
    state.recorded.push({
      applicant,
      groupId,
      platformApplicantId: theirs.id,
      // What we sent is what the platform has; its echo may omit or reformat the contact.
      email: applicant.email,
      phone: applicant.mobilePhone,
      verifications: verificationRefs(theirs),
    });
  }

  async function complete(applicationId: string, state: RunState): Promise<void> {
    await deps.prisma.$transaction(async (tx) => {
      const application = await tx.application.findUniqueOrThrow({ where: { id: applicationId } });
      const meta = { tenantId: application.tenantId, correlationId: application.id };
      const settings = deps.tenants.property(application.tenantId, application.propertyId);
      const primaryGroup = application.applicantGroupId ?? state.recorded[0]?.groupId ?? null;

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
        await deps.outbox.add(
          tx,
          InviteBlocked,
          { applicationId, applicantId: applicant.id, reason: 'platform_rejected', detail },
          meta,
        );
        logger.warn(
          { applicationId, applicantId: applicant.id },
          'the verification platform rejected an applicant',
        );
      }

      const applicants = await tx.applicant.findMany({
        where: { applicationId },
        orderBy: { createdAt: 'asc' },
      });
      for (const groupId of state.groups.keys()) {
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

      await sendDueInvites(tx, application, applicants, settings, meta);
      await tx.application.update({
        where: { id: applicationId },
        data: {
          applicantGroupId: primaryGroup,
          requestStatus: state.retryable ? 'queued' : 'done',
          leaseUntil: null,
          lastError: state.retryable ? state.retryable.message : null,
        },
      });
    });
  }

  async function sendDueInvites(
    tx: Tx,
    application: Application,
    applicants: Applicant[],
    settings: ReturnType<Tenants['property']>,
    meta: { tenantId: string; correlationId: string },
  ): Promise<void> {
    const invitable = applicants.filter((a) => a.status === 'requested' && a.platformApplicantId);
    const ids = invitable.map((a) => a.id);
    const [invites, sent] = await Promise.all([
      tx.invite.findMany({ where: { applicantId: { in: ids } } }),
      tx.inviteNotification.findMany({ where: { applicantId: { in: ids } }, select: { id: true } }),
    ]);
    const plan = planInvites({
      now: now(),
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
      if (invites.some((i) => i.applicantId === missing.applicantId && i.kind === missing.kind)) continue;
      const detail = `the verification platform returned no ${missing.kind} verification with an invitation link`;
      await deps.outbox.add(
        tx,
        InviteBlocked,
        {
          applicationId: application.id,
          applicantId: missing.applicantId,
          kind: missing.kind,
          reason: 'platform_rejected',
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

  async function recordFailure(applicationId: string, error: unknown, attempt: JobAttempt): Promise<void> {
    const retryable = !isVerificationPlatformError(error) || error.retryable;
    const final = attempt.final || !retryable;
    const message = error instanceof Error ? error.message : String(error);
    await deps.prisma.application.updateMany({
      where: { id: applicationId },
      data: { requestStatus: final ? 'failed' : 'queued', leaseUntil: null, lastError: message },
    });
    const fields = { applicationId, attempt: attempt.attempt, err: error };
    if (final) logger.error(fields, 'verification request failed for good; support must look at it');
    else logger.warn(fields, 'verification request failed; will retry');
  }
}

/** 4xx other than auth/rate-limit problems: the platform refuses what we sent about an applicant. */
function isApplicantRejection(error: unknown): error is VerificationPlatformError {
  return (
    error instanceof VerificationPlatformError &&
    !error.retryable &&
    (error.status === 400 || error.status === 409 || error.status === 422)
  );
}

function rejectionDetail(error: VerificationPlatformError, index: number): string {
  const own = error.problems.filter((p) => rejectedApplicantIndex(p.field) === index);
  const problems = own.length > 0 ? own : error.problems;
  const text = problems
    .map((p) =>
      p.field ? `${p.field.replace(/^\/?applicants(\[\d+\]\.|\/\d+\/)/, '')}: ${p.message}` : p.message,
    )
    .join('; ');
  return `the verification platform rejected the applicant (HTTP ${error.status})${text ? `: ${text}` : ''}`;
}

function refsOf(applicant: Applicant): PlatformVerificationRef[] {
  return Array.isArray(applicant.platformVerifications)
    ? (applicant.platformVerifications as unknown as PlatformVerificationRef[])
    : [];
}

function sameEmail(a: string, b: string | null): boolean {
  return b !== null && normaliseEmail(a) === normaliseEmail(b);
}
